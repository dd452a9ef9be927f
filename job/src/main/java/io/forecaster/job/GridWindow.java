package io.forecaster.job;

import java.util.Arrays;

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

    /**
     * The ordering step's slots with held points, ascending (the first {@link #held}); null where
     * nothing is held this way (the SQL function, and state written before held points were indexed
     * by slot).
     */
    public long[] heldSlots;

    /**
     * The held point of each of {@link #heldSlots} that arrived last: the head of the slot's chain
     * of held points (each later arrival links to the slot's point that arrived before it).
     */
    public long[] heldHeads;

    /** Held points in each of {@link #heldSlots}. */
    public int[] heldCounts;

    /** How many of {@link #heldSlots} are used. */
    public int held;

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

    /** Starts indexing held points by slot (empty). */
    void indexHeld() {
        heldSlots = new long[0];
        heldHeads = new long[0];
        heldCounts = new int[0];
        held = 0;
    }

    /**
     * Notes that the point at {@code t} of {@code slot} is held; returns the slot's head before it
     * (the point the new one links to), or {@code t} itself when the slot held nothing.
     */
    long holdPoint(long slot, long t) {
        int i = heldIndex(slot);
        if (i >= 0) {
            long before = heldHeads[i];
            heldHeads[i] = t;
            heldCounts[i]++;
            return before;
        }
        int at = -i - 1;
        if (held == heldSlots.length) {
            int capacity = Math.max(4, 2 * held);
            heldSlots = Arrays.copyOf(heldSlots, capacity);
            heldHeads = Arrays.copyOf(heldHeads, capacity);
            heldCounts = Arrays.copyOf(heldCounts, capacity);
        }
        System.arraycopy(heldSlots, at, heldSlots, at + 1, held - at);
        System.arraycopy(heldHeads, at, heldHeads, at + 1, held - at);
        System.arraycopy(heldCounts, at, heldCounts, at + 1, held - at);
        heldSlots[at] = slot;
        heldHeads[at] = t;
        heldCounts[at] = 1;
        held++;
        return t;
    }

    /**
     * The index of {@code slot} among the held slots, or {@code -(insertion point) - 1}; the newest
     * held slot, where points in order go, is checked first.
     */
    private int heldIndex(long slot) {
        if (held == 0 || slot > heldSlots[held - 1]) {
            return -held - 1;
        }
        if (slot == heldSlots[held - 1]) {
            return held - 1;
        }
        return Arrays.binarySearch(heldSlots, 0, held - 1, slot);
    }

    /** Forgets the first (oldest) held slot: its points were released. */
    void dropOldestHeld() {
        held--;
        System.arraycopy(heldSlots, 1, heldSlots, 0, held);
        System.arraycopy(heldHeads, 1, heldHeads, 0, held);
        System.arraycopy(heldCounts, 1, heldCounts, 0, held);
        if (heldSlots.length > 8 && held < heldSlots.length / 4) {
            // after a burst: keep the state small
            heldSlots = Arrays.copyOf(heldSlots, heldSlots.length / 2);
            heldHeads = Arrays.copyOf(heldHeads, heldHeads.length / 2);
            heldCounts = Arrays.copyOf(heldCounts, heldCounts.length / 2);
        }
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
