package io.forecaster.training.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Windows as the course cuts them: {@code W + 1} consecutive points, sliding by one. The input is
 * the first {@code W} points and the target the last {@code W}, so target step {@code t} is input
 * step {@code t + 1}: the prediction at each step forecasts the next point.
 */
public final class Windows {

    private Windows() {}

    /**
     * Every window of {@code window + 1} consecutive points lying inside {@code series[from, to)},
     * as floats, in order.
     */
    public static List<float[]> of(double[] series, int from, int to, int window) {
        return of(series, from, to, window, 1);
    }

    /**
     * Every {@code stride}-th window of {@code window + 1} consecutive points inside {@code
     * series[from, to)}, starting at {@code from} (stride 1 = the course's windows).
     */
    public static List<float[]> of(double[] series, int from, int to, int window, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be at least 1, got " + stride);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        if (from < 0 || to > series.length || from > to) {
            throw new IllegalArgumentException(
                    "range ["
                            + from
                            + ", "
                            + to
                            + ") is outside a series of "
                            + series.length
                            + " points");
        }
        List<float[]> out = new ArrayList<>(Math.max(0, to - from - window));
        for (int start = from; start + window + 1 <= to; start += stride) {
            float[] w = new float[window + 1];
            for (int i = 0; i <= window; i++) {
                w[i] = (float) series[start + i];
            }
            out.add(w);
        }
        return out;
    }

    /** The input part of a {@code W + 1} window: its first W points. */
    public static float[] input(float[] window) {
        return java.util.Arrays.copyOfRange(window, 0, window.length - 1);
    }

    /** The target part of a {@code W + 1} window: its last W points. */
    public static float[] target(float[] window) {
        return java.util.Arrays.copyOfRange(window, 1, window.length);
    }
}
