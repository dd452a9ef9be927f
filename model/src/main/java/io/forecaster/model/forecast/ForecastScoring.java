package io.forecaster.model.forecast;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Scores H-step forecasts as their actual values arrive and keeps each key's prediction intervals
 * calibrated online, one {@link KeyScore} per key. The job and the offline evaluation both run
 * their keys through this class, in the same order, so they report the same figures.
 *
 * <p>Intervals are symmetric around each forecast step, {@code forecast ± q}, with one half-width q
 * per horizon step and level. Each q is an online quantile tracker of that step's absolute error
 * (quantile tracking, the "P" of conformal PID control): after every scored step, q grows by {@code
 * η·level} if the actual fell outside, and shrinks by {@code η·(1 − level)} if inside, so the
 * long-run share of misses approaches {@code 1 − level} whatever the errors' distribution. The step
 * size η is {@code gain} times the key's running MAE, so it follows the series' scale. Until a step
 * has {@code warmup} scored errors its interval comes from the bundle's {@link IntervalCalibration}
 * (split conformal on the validation slice), and without one there is no interval (NaN).
 */
public final class ForecastScoring implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where a forecast's intervals came from. */
    public enum Source {
        /** Every step's intervals from the key's own scored errors. */
        ONLINE("online"),
        /** At least one step's from the bundle's calibration errors, none missing. */
        CALIBRATION("calibration"),
        /** At least one step without an interval (its bounds are NaN). */
        NONE("none");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final int horizon;
    private final double[] levels;
    private final int warmup;
    private final double gain;
    private final float[] calibrated; // [step][level], NaN where the bundle has none

    /**
     * @param horizon forecast steps H, at least 1
     * @param levels interval levels, each in (0, 1); may be empty
     * @param calibration the bundle's calibration errors, or null
     * @param warmup scored errors a step needs before its own tracker gives its interval
     * @param gain the trackers' step size relative to the key's running MAE
     */
    public ForecastScoring(
            int horizon,
            double[] levels,
            IntervalCalibration calibration,
            int warmup,
            double gain) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
        }
        for (double level : levels) {
            if (!(level > 0 && level < 1)) {
                throw new IllegalArgumentException(
                        "interval level must be between 0 and 1, got " + level);
            }
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up must not be negative, got " + warmup);
        }
        if (!(gain > 0) || Double.isInfinite(gain)) {
            throw new IllegalArgumentException("gain must be positive, got " + gain);
        }
        this.horizon = horizon;
        this.levels = levels.clone();
        this.warmup = warmup;
        this.gain = gain;
        this.calibrated = new float[horizon * levels.length];
        for (int h = 0; h < horizon; h++) {
            for (int l = 0; l < levels.length; l++) {
                calibrated[h * levels.length + l] =
                        calibration == null ? Float.NaN : calibration.halfWidth(h, levels[l]);
            }
        }
    }

    public int horizon() {
        return horizon;
    }

    public double[] levels() {
        return levels.clone();
    }

    /** Scored errors a step needs before its own tracker gives its interval. */
    public int warmup() {
        return warmup;
    }

    public double gain() {
        return gain;
    }

    /** Whether intervals are asked for. */
    public boolean hasLevels() {
        return levels.length > 0;
    }

    /** A key with nothing scored yet. */
    public KeyScore newScore() {
        KeyScore s = new KeyScore();
        s.pending = new float[0];
        s.trackers = new float[horizon * levels.length];
        Arrays.fill(s.trackers, Float.NaN);
        s.stepScored = new int[horizon];
        s.withInterval = new long[levels.length];
        s.covered = new long[levels.length];
        return s;
    }

    /**
     * The half-widths for a new forecast of key {@code s}, {@code halfWidths[step * L + level]}
     * (NaN: no interval), and where they came from.
     */
    public Source intervals(KeyScore s, float[] halfWidths) {
        int nl = levels.length;
        boolean fromCalibration = false;
        boolean missing = false;
        for (int h = 0; h < horizon; h++) {
            boolean own = s.stepScored[h] >= warmup;
            for (int l = 0; l < nl; l++) {
                int i = h * nl + l;
                float q = s.trackers[i];
                if (own && !Float.isNaN(q)) {
                    halfWidths[i] = q;
                } else if (!Float.isNaN(calibrated[i])) {
                    halfWidths[i] = calibrated[i];
                    fromCalibration = true;
                } else {
                    halfWidths[i] = Float.NaN;
                    missing = true;
                }
            }
        }
        return missing ? Source.NONE : fromCalibration ? Source.CALIBRATION : Source.ONLINE;
    }

    /**
     * Adds a forecast made at the key's newest point, whose value was {@code lastValue}: its H
     * values at {@code ahead[from..from+H)} and its half-widths ({@code [step * L + level]}, as
     * {@link #intervals} gave them) wait for the next H actual values.
     */
    public void issue(KeyScore s, float[] ahead, int from, float[] halfWidths, float lastValue) {
        int nl = levels.length;
        int size = 2 + horizon * (1 + nl);
        if (s.pending.length < s.pendingLength + size) {
            s.pending = Arrays.copyOf(s.pending, s.pendingLength + size);
        }
        float[] p = s.pending;
        int at = s.pendingLength;
        p[at] = horizon;
        p[at + 1] = lastValue;
        System.arraycopy(ahead, from, p, at + 2, horizon);
        for (int l = 0; l < nl; l++) {
            for (int h = 0; h < horizon; h++) {
                p[at + 2 + horizon + l * horizon + h] = halfWidths[h * nl + l];
            }
        }
        s.pendingLength += size;
    }

    /**
     * The key's next actual value arrived: scores the step of every pending forecast that targeted
     * it, updates the intervals' trackers and the running accuracy. Returns the number of forecast
     * steps scored.
     */
    public int observe(KeyScore s, float actual) {
        int nl = levels.length;
        float[] p = s.pending;
        int read = 0;
        int write = 0;
        int scoredNow = 0;
        while (read < s.pendingLength) {
            int rem = (int) p[read];
            float last = p[read + 1];
            int step = horizon - rem;
            float error = Math.abs(actual - p[read + 2]);
            s.scored++;
            scoredNow++;
            s.absError += error;
            s.baselineAbsError += Math.abs(actual - last);
            s.stepScored[step]++;
            double eta = gain * (s.absError / s.scored);
            for (int l = 0; l < nl; l++) {
                float issued = p[read + 2 + rem + l * rem];
                if (!Float.isNaN(issued)) {
                    s.withInterval[l]++;
                    if (error <= issued) {
                        s.covered[l]++;
                    }
                }
                int t = step * nl + l;
                float q = s.trackers[t];
                if (Float.isNaN(q)) {
                    q = Float.isNaN(calibrated[t]) ? 0f : calibrated[t];
                }
                double miss = error > q ? 1.0 : 0.0;
                s.trackers[t] = (float) Math.max(0.0, q + eta * (miss - (1.0 - levels[l])));
            }
            int next = rem - 1;
            if (next > 0) {
                p[write] = next;
                p[write + 1] = last;
                System.arraycopy(p, read + 3, p, write + 2, next);
                for (int l = 0; l < nl; l++) {
                    System.arraycopy(
                            p, read + 2 + rem + l * rem + 1, p, write + 2 + next + l * next, next);
                }
                write += 2 + next * (1 + nl);
            }
            read += 2 + rem * (1 + nl);
        }
        s.pendingLength = write;
        s.sinceReport += scoredNow;
        return scoredNow;
    }

    /**
     * The key's series restarted (a gap, a reset): its pending forecasts can no longer be scored.
     */
    public void dropPending(KeyScore s) {
        s.pendingLength = 0;
    }

    /** Key {@code s}'s figures so far. */
    public Accuracy accuracy(KeyScore s) {
        double[] coverage = new double[levels.length];
        for (int l = 0; l < levels.length; l++) {
            coverage[l] =
                    s.withInterval[l] == 0 ? Double.NaN : (double) s.covered[l] / s.withInterval[l];
        }
        return new Accuracy(
                s.scored,
                s.scored == 0 ? Double.NaN : s.absError / s.scored,
                s.scored == 0 ? Double.NaN : s.baselineAbsError / s.scored,
                levels.clone(),
                coverage);
    }

    /**
     * Running figures of one key, or of many added up.
     *
     * @param scored forecast steps scored
     * @param mae the model's mean absolute error over them
     * @param baselineMae the last-value forecast's over the same steps
     * @param levels the interval levels
     * @param coverage per level, the share of scored steps with an interval that it covered
     */
    public record Accuracy(
            long scored, double mae, double baselineMae, double[] levels, double[] coverage) {}
}
