package io.forecaster.model.engine;

/**
 * Stateful stepping, batched across keys: advances many keys' {@link StepState}s by one new raw
 * point each and returns each key's prediction for that step (raw scale). Stepping a key from
 * {@link StepState#zero} through a sequence reproduces, step for step, the full-sequence output of
 * the same network on that sequence. Not thread-safe: one instance per thread.
 */
public interface Stepper extends AutoCloseable {

    /** A zero state sized for this model. */
    StepState newState();

    /**
     * Advances {@code states[0..n)} in place, each by {@code points[i]}, writing predictions.
     *
     * @param states the keys' states, updated in place
     * @param points one new raw value per key
     * @param n number of keys to step
     * @param out one raw-scale prediction per key (forecast of that key's next value)
     */
    void step(StepState[] states, float[] points, int n, float[] out);

    @Override
    void close();
}
