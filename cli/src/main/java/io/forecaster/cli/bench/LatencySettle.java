package io.forecaster.cli.bench;

import java.time.Duration;
import java.util.List;

/**
 * When a latency case's warm-up ends: the stream into a just-started job is cut into consecutive
 * {@link #WINDOW}s by the append time of the points, and the warm-up is over once the p99 of each
 * of the last {@link #STEPS} windows is no more than {@link #MAX_DROP} below the p99 of the window
 * before it (latency stopped falling: the JIT compilers settled and any backlog built while they
 * compiled is gone). Rising p99s end the warm-up too: a rate the pipeline cannot sustain shows as a
 * high steady-state p99, not as a warm-up that never ends. The samples of the warm-up windows are
 * not part of the steady-state figures; at most {@code --settle-max} of the stream is discarded
 * (the case then says that latency had not settled).
 */
final class LatencySettle {

    /** Length of the windows whose p99s are compared. */
    static final Duration WINDOW = Duration.ofSeconds(5);

    /**
     * A window's p99 more than this share below its predecessor's means still falling, more than
     * this share above it rising.
     */
    static final double MAX_CHANGE = 0.20;

    /** Consecutive windows that must not change by more than {@link #MAX_CHANGE}. */
    static final int STEPS = 2;

    private LatencySettle() {}

    /**
     * The number of windows to discard as the warm-up, or -1 when latency has not settled: the
     * smallest {@code k} of at least {@code minWindows} and {@code STEPS + 1} such that for each of
     * windows {@code k - STEPS} to {@code k - 1}, its p99 is between {@code (1 - MAX_CHANGE)} and
     * {@code (1 + MAX_CHANGE)} times the p99 of the window before it. A window without samples
     * (NaN) never counts as settled.
     *
     * @param p99s the p99 of each complete window, in order, from the start of the stream
     * @param minWindows fewest windows discarded (the {@code --warmup})
     */
    static int settledAfter(List<Double> p99s, int minWindows) {
        for (int k = Math.max(minWindows, STEPS + 1); k <= p99s.size(); k++) {
            boolean flat = true;
            for (int j = k - STEPS; j < k && flat; j++) {
                double prev = p99s.get(j - 1);
                double cur = p99s.get(j);
                flat =
                        !Double.isNaN(prev)
                                && !Double.isNaN(cur)
                                && cur >= (1 - MAX_CHANGE) * prev
                                && cur <= (1 + MAX_CHANGE) * prev;
            }
            if (flat) {
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
