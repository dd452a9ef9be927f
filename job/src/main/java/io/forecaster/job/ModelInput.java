package io.forecaster.job;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the windowing operator hands the inference operator for one key: a full window (window
 * mode), one new point (stateful mode), or the notice that the key's state was removed. A Flink
 * POJO, so it travels without Kryo.
 */
public class ModelInput {

    /** What this input asks the inference operator to do. */
    public enum Kind {
        /** Run the model over {@link #values} (W points, oldest first) from the zero state. */
        WINDOW,
        /** Advance the key's model state by {@code values[0]}. */
        STEP,
        /** The key went quiet and its state was removed: drop its model state too. */
        EVICT
    }

    public Kind kind;
    public String sensorId;

    /** Event time of the window's first point (a step: the point's own time). */
    public long windowStart;

    /** Event time of the newest point. */
    public long time;

    /** Window values oldest first (WINDOW), the one new value (STEP), or empty (EVICT). */
    public double[] values;

    /** STEP only: start this key from the zero state before stepping. */
    public boolean reset;

    /** Time grid only: the event time of the slot the forecast is for; null without a grid. */
    public Long nextTime;

    /**
     * Time grid only: filled slots among the window's values (WINDOW), or among the key's last W
     * slots including this one (STEP).
     */
    public int filled;

    /**
     * WINDOW only: the newest point's number in the key's run (1-based, from the key's start or its
     * last restart on a grid), so the inference operator knows which of the window's values it has
     * not seen; 0 when unknown.
     */
    public long seq;

    public ModelInput() {}

    /** A window of values, oldest first. */
    public static ModelInput window(String sensorId, long windowStart, long time, double[] values) {
        return of(Kind.WINDOW, sensorId, windowStart, time, values, false);
    }

    /** One point for stateful stepping. */
    public static ModelInput step(String sensorId, long time, double value, boolean reset) {
        return of(Kind.STEP, sensorId, time, time, new double[] {value}, reset);
    }

    /** The key's state was removed at (watermark) time {@code time}. */
    public static ModelInput evict(String sensorId, long time) {
        return of(Kind.EVICT, sensorId, time, time, new double[0], false);
    }

    /** This window's newest point is number {@code seq} of its key's run; returns it. */
    public ModelInput numbered(long seq) {
        this.seq = seq;
        return this;
    }

    /** This input on a time grid: the forecast slot's time and the filled inputs; returns it. */
    public ModelInput onGrid(long nextTime, int filled) {
        this.nextTime = nextTime;
        this.filled = filled;
        return this;
    }

    private static ModelInput of(
            Kind kind, String sensorId, long start, long time, double[] values, boolean reset) {
        ModelInput m = new ModelInput();
        m.kind = kind;
        m.sensorId = sensorId;
        m.windowStart = start;
        m.time = time;
        m.values = values;
        m.reset = reset;
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInput m
                && kind == m.kind
                && Objects.equals(sensorId, m.sensorId)
                && windowStart == m.windowStart
                && time == m.time
                && Arrays.equals(values, m.values)
                && reset == m.reset
                && Objects.equals(nextTime, m.nextTime)
                && filled == m.filled
                && seq == m.seq;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                kind,
                sensorId,
                windowStart,
                time,
                Arrays.hashCode(values),
                reset,
                nextTime,
                filled,
                seq);
    }

    @Override
    public String toString() {
        return kind
                + "("
                + sensorId
                + ", "
                + windowStart
                + ".."
                + time
                + ", "
                + Arrays.toString(values)
                + (reset ? ", reset" : "")
                + (nextTime == null ? "" : ", next " + nextTime + ", filled " + filled)
                + (seq == 0 ? "" : ", #" + seq)
                + ")";
    }
}
