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
