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
 * state). A backlog that builds or drains slowly stays within the band once it is seconds long
 * (3,389, 3,405 and 3,746 ms building; 1,473, 1,361 and 1,202 ms draining), so windows whose p99s
 * rise from each to the next, or fall, by more than {@link #RISE} of the time between the first and
 * the last, have not settled either: the pipeline then falls behind, or catches up, by more than
 * that share of the stream. The samples of the warm-up windows are not part of the steady-state
 * figures; at most {@code --settle-max} of the stream is discarded (the case then says that latency
 * had not settled, and measures from there).
 */
final class LatencySettle {

    /** Length of the windows whose p99s are compared. */
    static final Duration WINDOW = Duration.ofSeconds(5);

    /** The highest of the compared p99s may be at most {@code 1 + BAND} times the lowest. */
    static final double BAND = 0.25;

    /** Consecutive windows whose p99s are compared. */
    static final int WINDOWS = 3;

    /**
     * A steady rise or fall of the compared p99s may move them by at most this share of the time
     * between the first window and the last (200 ms over two 5 s windows): a backlog building or
     * draining slower than that is taken as steady.
     */
    static final double RISE = 0.02;

    private LatencySettle() {}

    /**
     * The number of windows to discard as the warm-up, or -1 when latency has not settled: the
     * smallest {@code k} of at least {@code minWindows} and {@link #WINDOWS} such that the p99s of
     * windows {@code k - WINDOWS} to {@code k - 1} are all known (a window without samples is NaN),
     * the highest is at most {@code 1 + BAND} times the lowest, and they are not {@link #trending}.
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
            if (known && hi <= (1 + BAND) * lo && !trending(p99s.subList(k - WINDOWS, k))) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Whether the p99s rise from each window to the next, or fall from each to the next, and move
     * from the first to the last by more than {@link #RISE} of the time between them.
     */
    static boolean trending(List<Double> p99s) {
        boolean rising = true;
        boolean falling = true;
        for (int j = 1; j < p99s.size(); j++) {
            rising &= p99s.get(j) > p99s.get(j - 1);
            falling &= p99s.get(j) < p99s.get(j - 1);
        }
        double betweenMs = (p99s.size() - 1) * (double) WINDOW.toMillis();
        double moved = Math.abs(p99s.get(p99s.size() - 1) - p99s.get(0));
        return (rising || falling) && moved > RISE * betweenMs;
    }

    /**
     * The least share of the rate asked that the job must read over the steady state: below it a
     * backlog builds (however steady its p99s look over three windows), and the case says so.
     */
    static final double KEEP_UP = 0.97;

    /** Whether a job that read {@code read} points/s of the {@code asked} kept up. */
    static boolean keptUp(double read, double asked) {
        return !(read < KEEP_UP * asked);
    }

    /** Windows of {@link #WINDOW} in {@code d}, rounded up: the fewest a warm-up discards. */
    static int windowsIn(Duration d) {
        long w = WINDOW.toMillis();
        return (int) ((d.toMillis() + w - 1) / w);
    }
}
