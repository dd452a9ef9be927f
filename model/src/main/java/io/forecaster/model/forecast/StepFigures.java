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
    private final long[] withOnline; // [step][level], intervals from the key's own errors
    private final long[] coveredOnline;
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
        this.withOnline = new long[horizon * levels.length];
        this.coveredOnline = new long[horizon * levels.length];
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

    /**
     * One scored step with an interval at level {@code level}, which did or did not cover it;
     * {@code online}: the interval came from the key's own errors (after its warm-up).
     */
    void interval(int step, int level, boolean inside, boolean online) {
        int i = step * levels.length + level;
        withInterval[i]++;
        if (inside) {
            covered[i]++;
        }
        if (online) {
            withOnline[i]++;
            if (inside) {
                coveredOnline[i]++;
            }
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
            withOnline[i] += other.withOnline[i];
            coveredOnline[i] += other.coveredOnline[i];
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

    /** As {@link #coverage(int, int)}, of the intervals from the keys' own errors only. */
    public double onlineCoverage(int step, int level) {
        int i = step * levels.length + level;
        return withOnline[i] == 0 ? Double.NaN : (double) coveredOnline[i] / withOnline[i];
    }

    /**
     * The share of scored steps, all steps together, with an interval at {@code level} from the
     * keys' own errors (after the warm-up) that it covered.
     */
    public double onlineCoverage(int level) {
        long with = 0;
        long in = 0;
        for (int h = 0; h < horizon; h++) {
            with += withOnline[h * levels.length + level];
            in += coveredOnline[h * levels.length + level];
        }
        return with == 0 ? Double.NaN : (double) in / with;
    }

    /** Scored steps, all steps together, with an interval at {@code level} from the key's own. */
    public long withOnline(int level) {
        long with = 0;
        for (int h = 0; h < horizon; h++) {
            with += withOnline[h * levels.length + level];
        }
        return with;
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
