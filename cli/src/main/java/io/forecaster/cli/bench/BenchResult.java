package io.forecaster.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one benchmark case. Doubles are NaN where a figure was not measured.
 *
 * @param benchCase what was run
 * @param startedAt UTC time the case started (ISO-8601)
 * @param load1Before one-minute load average before the case
 * @param load1After one-minute load average after it
 * @param points points in the measured interval (entering the windowing operator)
 * @param seconds length of the measured interval
 * @param pointsPerSecond sustained input throughput
 * @param forecastsPerSecond forecasts made per second
 * @param targetRate latency cases: the paced input rate asked for
 * @param latencySamples forecasts whose latency was measured
 * @param p50 steady-state latency percentiles, ms (append of the window's last point to
 *     read_committed poll), after the warm-up of {@link LatencySettle}
 * @param p90 see p50
 * @param p99 see p50
 * @param p999 see p50
 * @param maxLatency see p50
 * @param p99InJob p99 of append to the forecast being made (createdAt), ms
 * @param p99Delivery p99 of the forecast being made to it being read, ms
 * @param checkpoints checkpoints completed
 * @param checkpointAvgMs average end-to-end checkpoint duration
 * @param checkpointMaxMs longest checkpoint
 * @param stateBytes full state size of the latest completed checkpoint
 * @param heapUsedMaxMb most TaskManager heap used seen (in-process: the whole JVM's heap)
 * @param heapMaxMb TaskManager heap limit
 * @param sourceBusy source vertex busy time, ms/s averaged over subtasks
 * @param sourceBackPressured source vertex back-pressured time, ms/s
 * @param windowBusy window/inference vertex busy time, ms/s
 * @param speedup window-s1 rows: throughput / the one-window DL4J baseline's; baseline rows:
 *     window-s1 throughput / theirs
 * @param vsIdentity points/s as a share of the same case's on the identity engine in the same run
 *     (the model's share of the cost: 1 means the model costs nothing); throughput rows with an
 *     identity row only
 * @param p99VsIdentity latency rows with an identity row: p99 / the identity row's p99
 * @param phases latency rows: the first interval after the job started, and the warm-up before the
 *     steady state that the percentiles above are of; {@link LatencyPhases#NONE} otherwise
 * @param profile where the task threads' time went (in-process only)
 * @param status ok, or what went wrong
 */
public record BenchResult(
        BenchCase benchCase,
        String startedAt,
        double load1Before,
        double load1After,
        long points,
        double seconds,
        double pointsPerSecond,
        double forecastsPerSecond,
        double targetRate,
        long latencySamples,
        double p50,
        double p90,
        double p99,
        double p999,
        double maxLatency,
        double p99InJob,
        double p99Delivery,
        long checkpoints,
        double checkpointAvgMs,
        double checkpointMaxMs,
        double stateBytes,
        double heapUsedMaxMb,
        double heapMaxMb,
        double sourceBusy,
        double sourceBackPressured,
        double windowBusy,
        double speedup,
        double vsIdentity,
        double p99VsIdentity,
        LatencyPhases phases,
        String profile,
        String status) {

    /** Bytes of checkpointed state per key. */
    public double stateBytesPerKey() {
        return stateBytes / benchCase.keys();
    }

    /** A copy with the speed-up set. */
    public BenchResult withSpeedup(double s) {
        return withRatios(s, vsIdentity, p99VsIdentity);
    }

    /** A copy with the ratios to the identity engine's row set. */
    public BenchResult withIdentityRatios(double throughputRatio, double p99Ratio) {
        return withRatios(speedup, throughputRatio, p99Ratio);
    }

    private BenchResult withRatios(double s, double throughputRatio, double p99Ratio) {
        return new BenchResult(
                benchCase,
                startedAt,
                load1Before,
                load1After,
                points,
                seconds,
                pointsPerSecond,
                forecastsPerSecond,
                targetRate,
                latencySamples,
                p50,
                p90,
                p99,
                p999,
                maxLatency,
                p99InJob,
                p99Delivery,
                checkpoints,
                checkpointAvgMs,
                checkpointMaxMs,
                stateBytes,
                heapUsedMaxMb,
                heapMaxMb,
                sourceBusy,
                sourceBackPressured,
                windowBusy,
                s,
                throughputRatio,
                p99Ratio,
                phases,
                profile,
                status);
    }

    /** A failed case. */
    public static BenchResult failed(BenchCase c, String startedAt, double load, String why) {
        double n = Double.NaN;
        return new BenchResult(
                c,
                startedAt,
                load,
                Double.NaN,
                0,
                n,
                n,
                n,
                n,
                0,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                0,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                n,
                LatencyPhases.NONE,
                "",
                "failed: " + why);
    }

    /** The CSV columns, in order. */
    public Map<String, Object> columns() {
        BenchCase c = benchCase;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("case", c.name());
        m.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("setting", c.setting().label());
        m.put("mode", c.setting().mode().label());
        m.put("window", 60);
        m.put("slide", c.setting().slide());
        m.put(
                "engine",
                c.identity()
                        ? io.forecaster.model.engine.IdentityEngine.NAME
                        : c.setting().engine());
        m.put("keys", c.keys());
        m.put("backend", c.backend());
        m.put("cluster", c.cluster());
        m.put("delivery", c.delivery().name());
        m.put("profile", c.profile());
        m.put("parallelism", 2);
        m.put("started_utc", startedAt);
        m.put("load1_before", load1Before);
        m.put("load1_after", load1After);
        m.put("points", points);
        m.put("seconds", seconds);
        m.put("points_per_s", pointsPerSecond);
        m.put("forecasts_per_s", forecastsPerSecond);
        m.put("target_rate", targetRate);
        m.put("latency_samples", latencySamples);
        m.put("p50_ms", p50);
        m.put("p90_ms", p90);
        m.put("p99_ms", p99);
        m.put("p999_ms", p999);
        m.put("max_ms", maxLatency);
        m.put("p99_append_to_made_ms", p99InJob);
        m.put("p99_made_to_read_ms", p99Delivery);
        m.put("warmup_s", phases.warmupSeconds());
        m.put("settled", c.kind() == BenchCase.Kind.LATENCY ? phases.settled() : "");
        m.put("warmup_window_p99s_ms", phases.warmupP99s());
        m.put("first_interval_s", phases.firstSeconds());
        m.put("first_samples", c.kind() == BenchCase.Kind.LATENCY ? phases.firstSamples() : "");
        m.put("first_p50_ms", phases.firstP50());
        m.put("first_p99_ms", phases.firstP99());
        m.put("first_max_ms", phases.firstMax());
        m.put("checkpoints", checkpoints);
        m.put("checkpoint_avg_ms", checkpointAvgMs);
        m.put("checkpoint_max_ms", checkpointMaxMs);
        m.put("state_bytes", stateBytes);
        m.put("state_bytes_per_key", stateBytesPerKey());
        m.put("heap_used_max_mb", heapUsedMaxMb);
        m.put("heap_max_mb", heapMaxMb);
        m.put("source_busy_ms_per_s", sourceBusy);
        m.put("source_backpressured_ms_per_s", sourceBackPressured);
        m.put("window_busy_ms_per_s", windowBusy);
        m.put("speedup_vs_baseline", speedup);
        m.put("points_per_s_vs_identity", vsIdentity);
        m.put("p99_vs_identity", p99VsIdentity);
        m.put("profile", profile);
        m.put("status", status);
        return m;
    }
}
