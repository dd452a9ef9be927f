package io.forecaster.job;

/**
 * One key's state on a time grid: its last W slots (times, values, whether each was filled; oldest
 * first), the slots released since the key (re)started, the last released slot and its value (where
 * the next gap is filled from), the newest event time seen and the pending quiet-key cleanup time.
 * A Flink POJO, kept under its own state name so that savepoints of the job without a grid are
 * untouched.
 */
public class GridWindow {

    /** Start times of the window's slots, oldest first; only the first {@link #count} are used. */
    public long[] times;

    /** Values of the window's slots, aligned with {@link #times}. */
    public double[] values;

    /** Whether each slot was filled rather than made of points. */
    public boolean[] filled;

    /** Slots currently in the window (at most W). */
    public int count;

    /** Slots released since the key started or last restarted. */
    public long steps;

    /** Whether any slot was released (else {@link #lastSlot} means nothing). */
    public boolean started;

    /** The last released slot. */
    public long lastSlot;

    /** The last released slot's value. */
    public double lastValue;

    /** Newest event time accepted for this key (released or pending). */
    public long newest;

    /** Event time at which the quiet-key cleanup timer is registered. */
    public long cleanupAt;

    public GridWindow() {}

    /** An empty window of up to {@code capacity} slots. */
    public static GridWindow empty(int capacity) {
        GridWindow w = new GridWindow();
        w.times = new long[capacity];
        w.values = new double[capacity];
        w.filled = new boolean[capacity];
        w.newest = Long.MIN_VALUE;
        w.cleanupAt = Long.MIN_VALUE;
        return w;
    }

    /** Empties the window: the key starts again. */
    public void restart() {
        count = 0;
        steps = 0;
    }

    /** Appends a slot, dropping the oldest once full. */
    public void append(long time, double value, boolean isFilled) {
        int capacity = times.length;
        if (count == capacity) {
            System.arraycopy(times, 1, times, 0, capacity - 1);
            System.arraycopy(values, 1, values, 0, capacity - 1);
            System.arraycopy(filled, 1, filled, 0, capacity - 1);
            count--;
        }
        times[count] = time;
        values[count] = value;
        filled[count] = isFilled;
        count++;
        steps++;
    }

    /** Filled slots in the window. */
    public int filledCount() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (filled[i]) {
                n++;
            }
        }
        return n;
    }
}
