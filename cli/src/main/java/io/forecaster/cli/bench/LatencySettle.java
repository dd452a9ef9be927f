package io.forecaster.cli.bench;

import java.time.Duration;
import java.util.List;

/**
 * When a latency case's warm-up ends: the stream into a just-started job is cut into consecutive
 * {@link #WINDOW}s by the append time of the points, and the warm-up is over once the p99s of
 * {@link #WINDOWS} consecutive windows lie within {@link #BAND} of each other (the highest at most
 * {@code 1 + BAND} times the lowest): latency stopped falling (the JIT compilers settled and any
 * backlog built while they compiled is gone; a backlog draining 15% a window is still falling) and
 * is not rising either (a backlog building: a rate the pipeline cannot sustain has no steady
 * state). The samples of the warm-up windows are not part of the steady-state figures; at most
 * {@code --settle-max} of the stream is discarded (the case then says that latency had not settled,
 * and measures from there).
 */
final class LatencySettle {

    /** Length of the windows whose p99s are compared. */
    static final Duration WINDOW = Duration.ofSeconds(5);

    /** The highest of the compared p99s may be at most {@code 1 + BAND} times the lowest. */
    static final double BAND = 0.25;

    /** Consecutive windows whose p99s are compared. */
    static final int WINDOWS = 3;

    private LatencySettle() {}

    /**
     * The number of windows to discard as the warm-up, or -1 when latency has not settled: the
     * smallest {@code k} of at least {@code minWindows} and {@link #WINDOWS} such that the p99s of
     * windows {@code k - WINDOWS} to {@code k - 1} are all known (a window without samples is NaN)
     * and the highest is at most {@code 1 + BAND} times the lowest.
     *
     * @param p99s the p99 of each complete window, in order, from the start of the stream
     * @param minWindows fewest windows discarded (the {@code --warmup})
     */
    static int settledAfter(List<Double> p99s, int minWindows) {
        for (int k = Math.max(minWindows, WINDOWS); k <= p99s.size(); k++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            boolean known = true;
            for (int j = k - WINDOWS; j < k; j++) {
                double p = p99s.get(j);
                known &= !Double.isNaN(p);
                lo = Math.min(lo, p);
                hi = Math.max(hi, p);
            }
            if (known && hi <= (1 + BAND) * lo) {
                return k;
            }
        }
        return -1;
    }

    /** Windows of {@link #WINDOW} in {@code d}, rounded up: the fewest a warm-up discards. */
    static int windowsIn(Duration d) {
        long w = WINDOW.toMillis();
        return (int) ((d.toMillis() + w - 1) / w);
    }
}
