package io.forecaster.job;

import io.forecaster.model.engine.StepState;
import io.forecaster.model.forecast.KeyScore;

/**
 * One key's stateful-mode state: the model's recurrent state and the key's last W per-step
 * predictions with their event times and inputs. A Flink POJO.
 *
 * <p>The three arrays are one ring: entry {@code i} of the {@link #count} held (0 the oldest) is at
 * index {@code (head + i) % W}. A step overwrites the oldest entry instead of moving the other W -
 * 1, so it touches one slot of each array, not all of them. States written before {@link #head}
 * existed restore with it 0, which is their layout (oldest first).
 */
public class KeyModelState {

    public StepState model;

    /** The last predictions, in ring order (see the class comment). */
    public float[] predictions;

    /** Event times of the points the predictions were made at, parallel to {@link #predictions}. */
    public long[] times;

    /** Predictions currently held (at most W). */
    public int count;

    /** Index of the oldest entry in the arrays; 0 until they are full. */
    public int head;

    /** Steps taken since the zero state. */
    public long steps;

    /** The key's live scoring: pending forecast steps, interval trackers, running accuracy. */
    public KeyScore score;

    /**
     * The raw inputs the predictions were made at, parallel to {@link #times}; the newest {@link
     * #inputCount} are known (states written before inputs were kept have none). A key whose model
     * changes is warmed up on them.
     */
    public float[] inputs;

    /** How many of the newest entries have their input in {@link #inputs}. */
    public int inputCount;

    /** Name of the model version that made {@link #model} (null: the {@code model.path} bundle). */
    public String modelName;

    /** Version of that model (0 for the {@code model.path} bundle). */
    public long modelVersion;

    /** The bundle's model id, for the key's accuracy records. */
    public String modelId;

    public KeyModelState() {}

    /** A key starting from the model's zero state. */
    public static KeyModelState start(StepState zero, int windowSize) {
        KeyModelState s = new KeyModelState();
        s.model = zero;
        s.predictions = new float[windowSize];
        s.times = new long[windowSize];
        s.inputs = new float[windowSize];
        return s;
    }

    /**
     * Records the prediction made at event time {@code time} on input {@code input}, dropping the
     * oldest once full.
     */
    public void push(long time, float input, float prediction) {
        int capacity = times.length;
        if (inputs == null || inputs.length != capacity) {
            inputs = new float[capacity];
            inputCount = 0;
        }
        int i;
        if (count < capacity) {
            i = slot(count);
            count++;
        } else {
            i = head;
            head = head + 1 == capacity ? 0 : head + 1;
        }
        times[i] = time;
        predictions[i] = prediction;
        inputs[i] = input;
        inputCount = Math.min(inputCount + 1, count);
    }

    /** The index in the arrays of entry {@code i} (0 the oldest). */
    private int slot(int i) {
        int j = head + i;
        return j < times.length ? j : j - times.length;
    }

    /** The event time of the oldest entry held. */
    public long oldestTime() {
        return times[head];
    }

    /** The held predictions, oldest first (a new array of {@link #count}). */
    public float[] predictionsOldestFirst() {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = predictions[slot(i)];
        }
        return out;
    }

    /** The input of entry {@code i} (0 the oldest). */
    float input(int i) {
        return inputs[slot(i)];
    }

    /** Replaces the prediction of entry {@code i} (0 the oldest). */
    void setPrediction(int i, float prediction) {
        predictions[slot(i)] = prediction;
    }

    /**
     * Keeps only the newest entries whose inputs are known (all of them, unless the state was
     * written before inputs were kept), oldest first; returns how many there are.
     */
    int keepKnownInputs() {
        if (inputs == null || inputs.length != times.length) {
            inputs = new float[times.length];
            inputCount = 0;
        }
        unroll();
        int k = Math.min(count, inputCount);
        if (k < count) {
            System.arraycopy(times, count - k, times, 0, k);
            System.arraycopy(predictions, count - k, predictions, 0, k);
            System.arraycopy(inputs, count - k, inputs, 0, k);
            count = k;
        }
        return k;
    }

    /** Moves the entries to oldest first at index 0 ({@link #head} 0). */
    private void unroll() {
        if (head == 0) {
            return;
        }
        long[] t = times.clone();
        float[] p = predictions.clone();
        float[] in = inputs.clone();
        for (int i = 0; i < count; i++) {
            int from = slot(i);
            times[i] = t[from];
            predictions[i] = p[from];
            inputs[i] = in[from];
        }
        head = 0;
    }
}
