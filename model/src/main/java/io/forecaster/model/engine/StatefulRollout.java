package io.forecaster.model.engine;

/**
 * Rolls keys' forecasts out past their newest point in stateful mode: each key's state is copied
 * into a scratch state, which is stepped {@code horizon - 1} times on its own predictions, so the
 * keys' own states stay as they were. Batched across keys like {@link Stepper#step}; the scratch
 * states and buffers are allocated once, for up to {@code capacity} keys. Not thread-safe.
 */
public final class StatefulRollout {

    private final Stepper stepper;
    private final StepState[] scratch;
    private final float[] in;
    private final float[] out;

    public StatefulRollout(Stepper stepper, int capacity) {
        this.stepper = stepper;
        this.scratch = new StepState[capacity];
        for (int i = 0; i < capacity; i++) {
            scratch[i] = stepper.newState();
        }
        this.in = new float[capacity];
        this.out = new float[capacity];
    }

    /**
     * Fills {@code ahead[i * horizon + h]} with key i's forecast h + 1 steps past its newest point.
     *
     * @param states the keys' states after their newest point (left unchanged)
     * @param first each key's prediction from that step (the forecast one step ahead)
     * @param n keys, at most the capacity
     */
    public void rollout(StepState[] states, float[] first, int n, int horizon, float[] ahead) {
        if (n > scratch.length) {
            throw new IllegalArgumentException(
                    n + " keys, the rollout was made for at most " + scratch.length);
        }
        Engines.checkHorizon(n, horizon, ahead);
        for (int i = 0; i < n; i++) {
            ahead[i * horizon] = first[i];
        }
        if (horizon == 1) {
            return;
        }
        for (int i = 0; i < n; i++) {
            scratch[i].copyFrom(states[i]);
            in[i] = first[i];
        }
        for (int h = 1; h < horizon; h++) {
            stepper.step(scratch, in, n, out);
            for (int i = 0; i < n; i++) {
                ahead[i * horizon + h] = out[i];
                in[i] = out[i];
            }
        }
    }
}
