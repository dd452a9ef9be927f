package io.forecaster.job;

import io.forecaster.model.engine.StepState;
import io.forecaster.model.forecast.KeyScore;

/**
 * One key's stateful-mode state: the model's recurrent state and the key's last W per-step
 * predictions with their event times (oldest first), a {@link Ring}. A Flink POJO.
 */
public class KeyModelState {

    public StepState model;

    /** The last predictions, oldest first; only the last {@link #count} are used. */
    public float[] predictions;

    /** Event times of the points the predictions were made at. */
    public long[] times;

    /** Predictions currently held (at most W). */
    public int count;

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
        if (inputs == null || inputs.length != times.length) {
            inputs = new float[times.length];
            inputCount = 0;
        }
        if (count == times.length) {
            System.arraycopy(inputs, 1, inputs, 0, count - 1);
        }
        int i = Ring.slotForNext(times, predictions, count);
        times[i] = time;
        predictions[i] = prediction;
        inputs[i] = input;
        count = i + 1;
        inputCount = Math.min(inputCount + 1, count);
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
        int k = Math.min(count, inputCount);
        if (k < count) {
            System.arraycopy(times, count - k, times, 0, k);
            System.arraycopy(predictions, count - k, predictions, 0, k);
            System.arraycopy(inputs, count - k, inputs, 0, k);
            count = k;
        }
        return k;
    }
}
