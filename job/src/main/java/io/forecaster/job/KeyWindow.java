package io.forecaster.job;

/**
 * One key's windowing state: the last released points (up to W, oldest first), how many points were
 * released, the newest event time seen and the pending quiet-key cleanup time. A Flink POJO. The
 * points are a {@link Ring}. (Except on the heap backend, the job's {@link OrderedSlidingWindow}
 * keeps a window's points in chunks of their own and leaves these arrays empty.)
 */
public class KeyWindow {

    /** Times of the window's points, oldest first; only the last {@link #count} are used. */
    public long[] times;

    /** Values of the window's points, aligned with {@link #times}. */
    public double[] values;

    /** Points currently in the window (at most W). */
    public int count;

    /** Points released (in event-time order) since this key's state was created. */
    public long released;

    /** Event time of the last released point (meaningful when {@link #released} > 0). */
    public long lastReleased;

    /** Newest event time accepted for this key (released or pending). */
    public long newest;

    /** Event time at which the quiet-key cleanup timer is registered. */
    public long cleanupAt;

    /**
     * How {@link OrderedSlidingWindow} keeps this key's held (not yet released) points: 0 (state
     * written before this field existed) all in its pending-points map, count unknown; 1 up to two
     * of them here (the slots {@link #heldSlots} flags), the others in the map, {@link #heldInMap}
     * of them.
     */
    public int heldLayout;

    /** Which of the two held-point slots here are in use: bit 0 the first, bit 1 the second. */
    public int heldSlots;

    /** Event time of the held point in the first slot. */
    public long heldTime;

    /** Value of the held point in the first slot. */
    public double heldValue;

    /** Event time of the held point in the second slot. */
    public long heldTime2;

    /** Value of the held point in the second slot. */
    public double heldValue2;

    /** Held points in the pending-points map (layout 1). */
    public int heldInMap;

    public KeyWindow() {}

    /** An empty window holding up to {@code capacity} points (0 in stateful mode). */
    public static KeyWindow empty(int capacity) {
        KeyWindow w = new KeyWindow();
        w.times = new long[capacity];
        w.values = new double[capacity];
        w.newest = Long.MIN_VALUE;
        w.cleanupAt = Long.MIN_VALUE;
        return w;
    }

    /** Appends a released point, dropping the oldest once full. */
    public void append(long time, double value) {
        if (times.length > 0) {
            int i = Ring.slotForNext(times, values, count);
            times[i] = time;
            values[i] = value;
            count = i + 1;
        }
        released++;
        lastReleased = time;
    }
}
