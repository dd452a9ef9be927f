package io.forecaster.job;

import io.forecaster.connectors.DeadLetterReasons;

/**
 * The decisions that put one key's points in event-time order, shared by the job's {@link
 * OrderedSlidingWindow} and the SQL function {@code FORECAST}: when a point is released, whether it
 * is a duplicate or late, and whether its release restarts the key. Plain functions of the key's
 * {@link KeyWindow}, so both keep the same semantics with state and timers of their own kind.
 */
public final class KeyOrdering {

    private KeyOrdering() {}

    /**
     * Why the point at event time {@code t} cannot be accepted, or null if it can: {@value
     * DeadLetterReasons#DUPLICATE} when the key already holds a point at {@code t} ({@code held})
     * or {@code t} is its last released point (the first one wins), {@value DeadLetterReasons#LATE}
     * when its release time is not after the watermark or, with points released as they arrive
     * ({@code onArrival}), when the key already has a newer point.
     *
     * @param w the key's window, or null for a key without state
     */
    public static String rejection(
            KeyWindow w, boolean held, long t, long watermark, long latenessMs, boolean onArrival) {
        if (held || (w != null && w.released > 0 && w.lastReleased == t)) {
            return DeadLetterReasons.DUPLICATE;
        }
        if (releaseTime(t, latenessMs) <= watermark || olderThanNewest(w, t, onArrival)) {
            return DeadLetterReasons.LATE;
        }
        return null;
    }

    /** The text that explains a {@link #rejection} of key {@code key}'s point at {@code t}. */
    public static String detail(
            String reason,
            String key,
            KeyWindow w,
            long t,
            long watermark,
            long latenessMs,
            boolean onArrival) {
        if (DeadLetterReasons.DUPLICATE.equals(reason)) {
            return "sensor "
                    + key
                    + " already has a point at event time "
                    + t
                    + "; the first one is kept";
        }
        if (releaseTime(t, latenessMs) > watermark && olderThanNewest(w, t, onArrival)) {
            return "event time "
                    + t
                    + " is before sensor "
                    + key
                    + "'s newest point at "
                    + w.newest
                    + " (ordering.release: arrival releases each point as it comes)";
        }
        return "event time "
                + t
                + " plus allowed lateness "
                + latenessMs
                + " ms is not after the watermark "
                + watermark;
    }

    /** Whether released on arrival, the key's newest point ({@code w}'s) is after {@code t}. */
    private static boolean olderThanNewest(KeyWindow w, long t, boolean onArrival) {
        return onArrival && w != null && t < w.newest;
    }

    /** When a point at event time {@code t} is released: once the watermark reaches this. */
    public static long releaseTime(long t, long latenessMs) {
        return saturatedAdd(t, latenessMs);
    }

    /** When a key whose newest point is at {@code newest} has been quiet long enough. */
    public static long quietTime(long newest, long quietTimeoutMs) {
        return saturatedAdd(newest, quietTimeoutMs);
    }

    /**
     * Whether releasing a point at {@code t} starts the key from scratch (stateful mode: the zero
     * state): its first point, or one more than {@code resetGapMs} after the previous (0: never).
     */
    public static boolean restarts(KeyWindow w, long t, long resetGapMs) {
        return w.released == 0 || (resetGapMs > 0 && t - w.lastReleased > resetGapMs);
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
