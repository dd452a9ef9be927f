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

    public KeyModelState() {}

    /** A key starting from the model's zero state. */
    public static KeyModelState start(StepState zero, int windowSize) {
        KeyModelState s = new KeyModelState();
        s.model = zero;
        s.predictions = new float[windowSize];
        s.times = new long[windowSize];
        return s;
    }

    /** Records the prediction made at event time {@code time}, dropping the oldest once full. */
    public void push(long time, float prediction) {
        int i = Ring.slotForNext(times, predictions, count);
        times[i] = time;
        predictions[i] = prediction;
        count = i + 1;
    }
}
