package io.forecaster.model.forecast;

import java.util.Arrays;

/**
 * Absolute forecast errors measured when a model was made, per horizon step, on points no model
 * selection saw: the starting point for a key's prediction intervals until it has enough scored
 * errors of its own. Each step keeps its errors sorted, thinned evenly to at most {@link #KEEP}
 * order statistics, with the count they were taken from.
 *
 * @param counts errors measured per step
 * @param absErrors per step, sorted ascending: all errors, or {@link #KEEP} evenly spaced order
 *     statistics of them
 */
public record IntervalCalibration(int[] counts, float[][] absErrors) {

    /** Order statistics kept per step. */
    public static final int KEEP = 256;

    public IntervalCalibration {
        if (counts == null || absErrors == null || counts.length != absErrors.length) {
            throw new IllegalArgumentException("calibration needs one count per step's errors");
        }
        for (int h = 0; h < counts.length; h++) {
            if (absErrors[h].length > counts[h] || (counts[h] > 0 && absErrors[h].length == 0)) {
                throw new IllegalArgumentException(
                        "calibration step "
                                + (h + 1)
                                + " keeps "
                                + absErrors[h].length
                                + " errors of "
                                + counts[h]);
            }
        }
    }

    /** Calibration from each step's absolute errors (any order; copied). */
    public static IntervalCalibration of(float[][] errorsPerStep) {
        int[] counts = new int[errorsPerStep.length];
        float[][] kept = new float[errorsPerStep.length][];
        for (int h = 0; h < errorsPerStep.length; h++) {
            float[] sorted = errorsPerStep[h].clone();
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = Math.abs(sorted[i]);
            }
            Arrays.sort(sorted);
            counts[h] = sorted.length;
            if (sorted.length <= KEEP) {
                kept[h] = sorted;
            } else {
                kept[h] = new float[KEEP];
                for (int j = 0; j < KEEP; j++) {
                    kept[h][j] = sorted[(int) Math.round(j * (sorted.length - 1.0) / (KEEP - 1))];
                }
            }
        }
        return new IntervalCalibration(counts, kept);
    }

    /** Horizon steps calibrated. */
    public int steps() {
        return counts.length;
    }

    /**
     * The split-conformal half-width for horizon step {@code step} (0-based) at {@code level}: the
     * ceil((n+1)·level)-th smallest absolute error, or NaN when the step is not calibrated or has
     * too few errors for that level.
     */
    public float halfWidth(int step, double level) {
        if (step >= counts.length || counts[step] == 0) {
            return Float.NaN;
        }
        int n = counts[step];
        long k = (long) Math.ceil((n + 1) * level);
        if (k > n) {
            return Float.NaN;
        }
        float[] kept = absErrors[step];
        int j =
                kept.length == n
                        ? (int) k - 1
                        : (int) Math.round((k - 1) * (kept.length - 1.0) / (n - 1));
        return kept[Math.max(0, j)];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntervalCalibration c
                && Arrays.equals(counts, c.counts)
                && Arrays.deepEquals(absErrors, c.absErrors);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Arrays.deepHashCode(absErrors);
    }

    @Override
    public String toString() {
        return "IntervalCalibration" + Arrays.toString(counts);
    }
}
