package io.forecaster.model.engine;

/**
 * Runs the forecaster over a batch of windows: each window of raw values in, its prediction
 * sequence (one raw-scale prediction per step; step t forecasts the value at t+1) out. The bundle's
 * scaling is applied inside, so callers see raw values only.
 *
 * <p>An instance is opened from a model bundle and closed when done. It is NOT thread-safe: use one
 * instance per thread (one per Flink subtask); it reuses internal buffers between calls.
 */
public interface Predictor extends AutoCloseable {

    /**
     * Predicts {@code batch} windows of {@code length} steps each.
     *
     * @param windows row-major {@code [batch][length]} raw values (at least batch*length floats)
     * @param batch number of windows, at least 1
     * @param length steps per window, at least 1
     * @param out row-major {@code [batch][length]} predictions (at least batch*length floats)
     */
    void predict(float[] windows, int batch, int length, float[] out);

    /**
     * As {@link #predict(float[], int, int, float[])}, then continues each window {@code horizon -
     * 1} steps past its end by recursive rollout: each prediction is fed back as the next input,
     * from the state the window ended in. {@code ahead[b * horizon + h]} is window b's forecast h +
     * 1 steps past its last point; {@code ahead[b * horizon]} equals the window's last prediction.
     *
     * <p>This default reruns the network over the window extended by the predictions so far, once
     * per extra step (the network is causal, so the result is the same); engines override it to
     * continue from their state instead.
     *
     * @param ahead row-major {@code [batch][horizon]} forecasts (at least batch*horizon floats)
     */
    default void forecast(
            float[] windows, int batch, int length, int horizon, float[] out, float[] ahead) {
        Engines.checkHorizon(batch, horizon, ahead);
        predict(windows, batch, length, out);
        for (int b = 0; b < batch; b++) {
            ahead[b * horizon] = out[b * length + length - 1];
        }
        if (horizon == 1) {
            return;
        }
        int longest = length + horizon - 1;
        float[] grown = new float[batch * longest];
        float[] grownOut = new float[batch * longest];
        for (int h = 1; h < horizon; h++) {
            int len = length + h;
            for (int b = 0; b < batch; b++) {
                System.arraycopy(windows, b * length, grown, b * len, length);
                System.arraycopy(ahead, b * horizon, grown, b * len + length, h);
            }
            predict(grown, batch, len, grownOut);
            for (int b = 0; b < batch; b++) {
                ahead[b * horizon + h] = grownOut[b * len + len - 1];
            }
        }
    }

    /** Convenience form: windows of equal length in, prediction sequences out. */
    default float[][] predict(float[][] windows) {
        if (windows.length == 0) {
            return new float[0][];
        }
        int length = windows[0].length;
        float[] flat = new float[windows.length * length];
        for (int b = 0; b < windows.length; b++) {
            if (windows[b].length != length) {
                throw new IllegalArgumentException(
                        "window "
                                + b
                                + " has "
                                + windows[b].length
                                + " steps, window 0 has "
                                + length);
            }
            System.arraycopy(windows[b], 0, flat, b * length, length);
        }
        float[] out = new float[flat.length];
        predict(flat, windows.length, length, out);
        float[][] result = new float[windows.length][];
        for (int b = 0; b < windows.length; b++) {
            result[b] = java.util.Arrays.copyOfRange(out, b * length, (b + 1) * length);
        }
        return result;
    }

    /** Which engine this is ("dl4j", "fast"). */
    String engine();

    @Override
    void close();
}
