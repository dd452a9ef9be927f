package io.forecaster.model.forecast;

/**
 * One key's live scoring state (see {@link ForecastScoring}): the forecast steps still waiting for
 * their actual value, the interval trackers, and the running accuracy. A Flink POJO (public no-arg
 * constructor, public fields), so it is stored without Kryo. About 0.8 KB at horizon 10 with two
 * levels.
 */
public class KeyScore {

    /**
     * Pending forecasts, oldest first, packed: per forecast {@code [remaining r, last value, r
     * predictions, then r half-widths per level]}; only the first {@link #pendingLength} used.
     */
    public float[] pending;

    public int pendingLength;

    /** Interval trackers' half-widths, {@code [step][level]}; NaN before the first update. */
    public float[] trackers;

    /** Errors scored per horizon step (for the warm-up). */
    public int[] stepScored;

    /** Forecast steps scored, all steps together. */
    public long scored;

    /** Sum of the model's absolute errors over the scored steps. */
    public double absError;

    /** Sum of the last-value forecast's absolute errors over the same steps. */
    public double baselineAbsError;

    /** Per level: scored steps that had an interval. */
    public long[] withInterval;

    /** Per level: scored steps whose actual value fell inside the interval. */
    public long[] covered;

    /** Scored steps since the key's accuracy was last reported. */
    public int sinceReport;

    /** Where the next actual value should be (a point count, or a slot time on a grid). */
    public long expectNext;

    public KeyScore() {}
}
