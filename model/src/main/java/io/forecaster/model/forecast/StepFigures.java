package io.forecaster.model.forecast;

import java.util.Arrays;

/**
 * Per horizon step: the scored forecast steps, the absolute errors of the model, of the last-value
 * forecast (the value at the forecast's origin) and of the seasonal-naive forecast on them, and per
 * level how many had an interval and how many it covered. Figures of many keys add up ({@link
 * #add(StepFigures)}); the model's absolute errors are kept per step for calibration.
 */
public final class StepFigures {

    private final int horizon;
    private final double[] levels;
    private final long[] scored;
    private final double[] model;
    private final double[] lastValue;
    private final double[] seasonal;
    private final long[] seasonalScored;
    private final long[] withInterval; // [step][level]
    private final long[] covered;
    private final float[][] errors;
    private final int[] errorCount;

    public StepFigures(int horizon, double[] levels) {
        this.horizon = horizon;
        this.levels = levels.clone();
        this.scored = new long[horizon];
        this.model = new double[horizon];
        this.lastValue = new double[horizon];
        this.seasonal = new double[horizon];
        this.seasonalScored = new long[horizon];
        this.withInterval = new long[horizon * levels.length];
        this.covered = new long[horizon * levels.length];
        this.errors = new float[horizon][16];
        this.errorCount = new int[horizon];
    }

    /** One scored step: the model's, last-value's and seasonal-naive's (NaN: none) errors. */
    void add(int step, float error, float lastValueError, float seasonalError) {
        scored[step]++;
        model[step] += error;
        lastValue[step] += lastValueError;
        if (!Float.isNaN(seasonalError)) {
            seasonal[step] += seasonalError;
            seasonalScored[step]++;
        }
        if (errorCount[step] == errors[step].length) {
            errors[step] = Arrays.copyOf(errors[step], errors[step].length * 2);
        }
        errors[step][errorCount[step]++] = error;
    }

    /** One scored step with an interval at level {@code level}, which did or did not cover it. */
    void interval(int step, int level, boolean inside) {
        int i = step * levels.length + level;
        withInterval[i]++;
        if (inside) {
            covered[i]++;
        }
    }

    /** Adds {@code other}'s figures (same horizon and levels) to these. */
    public StepFigures add(StepFigures other) {
        if (other.horizon != horizon || !Arrays.equals(other.levels, levels)) {
            throw new IllegalArgumentException("figures of another horizon or other levels");
        }
        for (int h = 0; h < horizon; h++) {
            scored[h] += other.scored[h];
            model[h] += other.model[h];
            lastValue[h] += other.lastValue[h];
            seasonal[h] += other.seasonal[h];
            seasonalScored[h] += other.seasonalScored[h];
            int n = errorCount[h] + other.errorCount[h];
            if (n > errors[h].length) {
                errors[h] = Arrays.copyOf(errors[h], Math.max(n, errors[h].length * 2));
            }
            System.arraycopy(other.errors[h], 0, errors[h], errorCount[h], other.errorCount[h]);
            errorCount[h] = n;
        }
        for (int i = 0; i < withInterval.length; i++) {
            withInterval[i] += other.withInterval[i];
            covered[i] += other.covered[i];
        }
        return this;
    }

    public int horizon() {
        return horizon;
    }

    public double[] levels() {
        return levels.clone();
    }

    /** Forecast steps scored at horizon step {@code step} (0-based). */
    public long scored(int step) {
        return scored[step];
    }

    /** Forecast steps scored, all steps together. */
    public long scored() {
        return Arrays.stream(scored).sum();
    }

    public double mae(int step) {
        return scored[step] == 0 ? Double.NaN : model[step] / scored[step];
    }

    public double lastValueMae(int step) {
        return scored[step] == 0 ? Double.NaN : lastValue[step] / scored[step];
    }

    /** The seasonal-naive MAE at {@code step}, NaN unless every scored step had one. */
    public double seasonalMae(int step) {
        return scored[step] == 0 || seasonalScored[step] < scored[step]
                ? Double.NaN
                : seasonal[step] / scored[step];
    }

    /** The seasonal-naive MAE over all steps, NaN unless every scored step had one. */
    public double seasonalMae() {
        long n = scored();
        long s = Arrays.stream(seasonalScored).sum();
        return n == 0 || s < n ? Double.NaN : Arrays.stream(seasonal).sum() / n;
    }

    /** The share of scored steps at {@code step} with an interval at {@code level} it covered. */
    public double coverage(int step, int level) {
        int i = step * levels.length + level;
        return withInterval[i] == 0 ? Double.NaN : (double) covered[i] / withInterval[i];
    }

    /** Scored steps at {@code step} with an interval at {@code level}. */
    public long withInterval(int step, int level) {
        return withInterval[step * levels.length + level];
    }

    /** The model's absolute errors at {@code step}, in scoring order. */
    public float[] errors(int step) {
        return Arrays.copyOf(errors[step], errorCount[step]);
    }

    /** Every step's absolute errors, for {@link IntervalCalibration#of}. */
    public float[][] errors() {
        float[][] all = new float[horizon][];
        for (int h = 0; h < horizon; h++) {
            all[h] = errors(h);
        }
        return all;
    }
}
