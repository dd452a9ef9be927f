package io.forecaster.job;

/**
 * The ring both keyed states keep: a key's last N entries, oldest first, as a {@code long[]} of
 * event times and a parallel value array ({@code double[]} points in {@link KeyWindow}, {@code
 * float[]} predictions in {@link KeyModelState}). Both hold these arrays as public POJO fields
 * whose names and types existing savepoints depend on, so the ring is this one rule over them
 * rather than a state type of its own.
 */
final class Ring {

    private Ring() {}

    /**
     * Makes room for one more entry in a ring of {@code count} entries, dropping the oldest once
     * all {@code times.length} slots are used, and returns the index the new entry goes to (the new
     * count is that index plus one).
     *
     * @param times event times, oldest first; its length is the capacity (at least 1)
     * @param values the value array parallel to {@code times}
     */
    static int slotForNext(long[] times, Object values, int count) {
        int capacity = times.length;
        if (count < capacity) {
            return count;
        }
        System.arraycopy(times, 1, times, 0, capacity - 1);
        System.arraycopy(values, 1, values, 0, capacity - 1);
        return capacity - 1;
    }
}
