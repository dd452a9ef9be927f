package io.forecaster.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How many points a throughput case must still have to read when its measured interval starts, from
 * the rate it reached during its warm-up, and whether the interval it got is long enough.
 *
 * <p>A throughput case reads a preloaded topic as fast as it can. The warm-up (at least {@code
 * --warmup}, until every key's window is full and the JIT compilers settled) reads part of the
 * preload; whenever, during the warm-up, what is left would not last the measured interval at the
 * rate the job reads, the case writes more points into the topic (a top-up, each key's series
 * continued) and goes on warming up. It starts measuring only with enough left, and no top-up in
 * the last {@link #AFTER_TOP_UP}. A case whose measured interval is still shorter than {@code
 * --duration} fails: its figure is not reported.
 */
final class PreloadSizing {

    /** What is left must last this many times the measured interval at the warm-up's rate. */
    static final double HEADROOM = 1.5;

    /** The warm-up's rate is taken over its last this long. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(5);

    /**
     * After a top-up the warm-up goes on this long (no producer running) before the rate is taken
     * again: longer than {@link #RATE_WINDOW}, so the new rate does not include the top-up.
     */
    static final Duration AFTER_TOP_UP = Duration.ofSeconds(7);

    /** Top-ups before a case that still cannot get ahead of its job fails. */
    static final int MAX_TOP_UPS = 10;

    /** The smallest share of a top-up assumed still unread when it ends (see {@link #topUp}). */
    static final double MIN_UNREAD_SHARE = 0.25;

    private PreloadSizing() {}

    /**
     * The points/s between the last sample and the latest one at least {@code window} before it,
     * among the samples taken at or after {@code fromNanos} (the earliest such one if none is that
     * old); NaN with fewer than two such samples.
     */
    static double warmupRate(List<E2eBenchmark.Sample> samples, long fromNanos, Duration window) {
        E2eBenchmark.Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        if (last == null || last.nanos() < fromNanos) {
            return Double.NaN;
        }
        E2eBenchmark.Sample from = null;
        for (E2eBenchmark.Sample x : samples) {
            if (x.nanos() < fromNanos || x == last) {
                continue;
            }
            if (from == null || x.nanos() <= last.nanos() - window.toNanos()) {
                from = x;
            }
        }
        if (from == null || last.nanos() <= from.nanos()) {
            return Double.NaN;
        }
        return (last.points() - from.points()) / ((last.nanos() - from.nanos()) / 1e9);
    }

    /** Points that last {@code measured} at {@code rate} with {@link #HEADROOM}. */
    static long needed(double rate, Duration measured) {
        if (!(rate > 0)) {
            return 0;
        }
        return (long) Math.ceil(rate * measured.toNanos() / 1e9 * HEADROOM);
    }

    /**
     * Points to add to a topic of {@code total} points of which {@code left} are still unread, so
     * that after the top-up and {@link #AFTER_TOP_UP} at least {@link #needed} are: the job goes on
     * reading at {@code rate} while the top-up is written at {@code producerRate} (how fast the
     * last preload or top-up of the topic was written) and during the time after it. When the job
     * reads nearly as fast as the producer writes, at least {@link #MIN_UNREAD_SHARE} of the top-up
     * is taken to be left (the case checks again after the top-up, and tops up again or fails). A
     * job that has read 99% of the topic has caught up, and its rate is only how fast points
     * arrived: then at least twice the topic's points are added. 0 when {@code left} is enough.
     */
    static long topUp(long left, long total, double rate, Duration measured, double producerRate) {
        long atLeast = left < total * 0.01 ? 2 * total : 0;
        long need = needed(rate, measured);
        if (left >= need) {
            return atLeast;
        }
        double deficit = need - left + rate * AFTER_TOP_UP.toNanos() / 1e9;
        double unread = producerRate > 0 ? 1 - rate / producerRate : 0;
        return Math.max(atLeast, (long) Math.ceil(deficit / Math.max(MIN_UNREAD_SHARE, unread)));
    }

    /**
     * The failure of a case whose measured interval ({@code gotSeconds}, NaN when it never started)
     * is shorter than {@code required}, naming the case, both intervals and why; empty when the
     * interval is long enough.
     */
    static Optional<String> shortInterval(
            String caseName, double gotSeconds, Duration required, String why) {
        double req = required.toNanos() / 1e9;
        if (gotSeconds >= req) {
            return Optional.empty();
        }
        return Optional.of(
                String.format(
                        Locale.ROOT,
                        "%s: measured interval %s, %.0f s required (%s)",
                        caseName,
                        Double.isNaN(gotSeconds)
                                ? "none"
                                : String.format(Locale.ROOT, "%.1f s", gotSeconds),
                        req,
                        why));
    }
}
