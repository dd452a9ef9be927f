package io.forecaster.cli.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A latency case's figures beside its steady state: the first interval after the job started (what
 * a restart costs a reader), and how long the warm-up before the steady state lasted.
 *
 * @param firstSeconds the first interval: points appended this long after the stream began
 * @param firstSamples latency samples in it
 * @param firstP50 append-to-read p50 in it, ms
 * @param firstP99 p99 in it, ms
 * @param firstMax the longest in it, ms
 * @param warmupSeconds stream discarded before the steady state ({@link LatencySettle})
 * @param settled false when latency was still falling when the warm-up reached its cap
 * @param warmupP99s the p99 (ms) of each {@link LatencySettle#WINDOW} of the stream, as the settle
 *     rule saw them, the discarded windows and the ones that ended the warm-up
 */
record LatencyPhases(
        double firstSeconds,
        long firstSamples,
        double firstP50,
        double firstP99,
        double firstMax,
        double warmupSeconds,
        boolean settled,
        String warmupP99s) {

    /** Not a latency case. */
    static final LatencyPhases NONE =
            new LatencyPhases(
                    Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, "");

    /** The window p99s as text: "7849 3120 410 130 118 121" (ms; "-" for an empty window). */
    static String format(List<Double> p99s) {
        return p99s.stream()
                .map(p -> Double.isNaN(p) ? "-" : String.format(Locale.ROOT, "%.0f", p))
                .collect(Collectors.joining(" "));
    }
}
