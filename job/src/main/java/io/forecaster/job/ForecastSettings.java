package io.forecaster.job;

import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.IntervalCalibration;
import java.io.Serializable;

/**
 * What a forecast holds beyond {@code next}, and how forecasts are scored live.
 *
 * @param horizon H: values forecast past the newest point (1: {@code next} only)
 * @param levels prediction-interval levels, sorted; empty: none
 * @param intervalWarmup scored errors a key's horizon step needs before its own intervals
 * @param intervalGain the interval trackers' step size relative to the key's running MAE
 * @param accuracyRecords whether accuracy records are emitted (a topic is set)
 * @param accuracyEvery a key's accuracy record is emitted after every this many scored steps
 * @param gridIntervalMs the time grid's slot length, or 0 without a grid
 */
public record ForecastSettings(
        int horizon,
        double[] levels,
        int intervalWarmup,
        double intervalGain,
        boolean accuracyRecords,
        int accuracyEvery,
        long gridIntervalMs)
        implements Serializable {

    /** Today's forecasts: one step, no intervals, no accuracy records. */
    public static final ForecastSettings ONE_STEP =
            new ForecastSettings(1, new double[0], 50, 0.1, false, 100, 0);

    /** Whether forecasts carry more than {@code next}: a horizon above 1 or intervals. */
    public boolean extended() {
        return horizon > 1 || levels.length > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForecastSettings f
                && horizon == f.horizon
                && java.util.Arrays.equals(levels, f.levels)
                && intervalWarmup == f.intervalWarmup
                && intervalGain == f.intervalGain
                && accuracyRecords == f.accuracyRecords
                && accuracyEvery == f.accuracyEvery
                && gridIntervalMs == f.gridIntervalMs;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                horizon, java.util.Arrays.hashCode(levels), intervalWarmup, accuracyEvery);
    }

    @Override
    public String toString() {
        return "ForecastSettings[horizon="
                + horizon
                + ", levels="
                + java.util.Arrays.toString(levels)
                + ", warmup="
                + intervalWarmup
                + ", gain="
                + intervalGain
                + ", accuracy="
                + (accuracyRecords ? "every " + accuracyEvery : "off")
                + ", grid="
                + gridIntervalMs
                + " ms]";
    }

    /** The scoring of these settings with the bundle's calibration errors (may be null). */
    public ForecastScoring scoring(IntervalCalibration calibration) {
        return new ForecastScoring(horizon, levels, calibration, intervalWarmup, intervalGain);
    }
}
