package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link BenchReport} and the speed-up ratios of {@link E2eBenchmark}. */
class BenchReportTest {

    @TempDir Path dir;

    private static BenchResult throughput(String spec, double pointsPerSecond) {
        return result(spec, pointsPerSecond, Double.NaN);
    }

    private static BenchResult withForecasts(BenchResult r, double forecastsPerSecond) {
        return new BenchResult(
                r.benchCase(),
                r.startedAt(),
                1,
                1,
                r.points(),
                r.seconds(),
                r.pointsPerSecond(),
                forecastsPerSecond,
                r.targetRate(),
                r.latencySamples(),
                r.p50(),
                r.p90(),
                r.p99(),
                r.p999(),
                r.maxLatency(),
                r.p99InJob(),
                r.p99Delivery(),
                r.checkpoints(),
                r.checkpointAvgMs(),
                r.checkpointMaxMs(),
                r.stateBytes(),
                r.heapUsedMaxMb(),
                r.heapMaxMb(),
                r.sourceBusy(),
                r.sourceBackPressured(),
                r.windowBusy(),
                r.speedup(),
                r.vsIdentity(),
                r.p99VsIdentity(),
                r.phases(),
                r.profile(),
                r.status());
    }

    private static BenchResult result(String spec, double pps, double p99) {
        return new BenchResult(
                BenchCase.parse(spec),
                "2026-11-26T16:00:00Z",
                1.0,
                1.0,
                1000,
                10,
                pps,
                pps,
                Double.NaN,
                Double.isNaN(p99) ? 0 : 100,
                p99 / 2,
                p99 * 0.8,
                p99,
                p99 * 1.1,
                p99 * 1.2,
                p99 / 2,
                p99 / 2,
                3,
                120,
                300,
                1_000_000,
                500,
                4000,
                900,
                0,
                950,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.isNaN(p99)
                        ? LatencyPhases.NONE
                        : new LatencyPhases(
                                60, 600, p99 * 3, p99 * 20, p99 * 40, 15, true, "400 90 85 88"),
                "inference 60%",
                "ok");
    }

    @Test
    void speedupIsTheRatioOfWindowsForecastPerSecondOnTheSameJob() {
        List<BenchResult> rs =
                E2eBenchmark.withSpeedups(
                        List.of(
                                throughput("throughput:window-s1:1k", 5000),
                                withForecasts(throughput("throughput:baseline:1k", 0), 100),
                                throughput("throughput:window-s1:10k", 4000)));
        assertThat(rs.get(0).speedup()).isEqualTo(50.0);
        assertThat(rs.get(1).speedup()).isEqualTo(50.0);
        assertThat(rs.get(2).speedup()).isNaN();
    }

    @Test
    void windowS1KeepsItsRatioToTheOneWindowBaselineAndEachBaselineRowGetsItsOwn() {
        List<BenchResult> rs =
                E2eBenchmark.withSpeedups(
                        List.of(
                                withForecasts(
                                        throughput("throughput:baseline-dl4j-b256-s1:1k", 0), 1000),
                                throughput("throughput:window-s1:1k", 5000),
                                withForecasts(throughput("throughput:baseline:1k", 0), 100)));
        assertThat(rs.get(0).speedup()).isEqualTo(5.0);
        assertThat(rs.get(1).speedup()).isEqualTo(50.0);
        assertThat(rs.get(2).speedup()).isEqualTo(50.0);
    }

    @Test
    void rowsThatAlsoRanOnIdentityGetTheirShareOfIt() {
        List<BenchResult> rs =
                E2eBenchmark.withRatios(
                        List.of(
                                throughput("throughput:stateful-s10:10k", 150_000),
                                throughput("throughput:stateful-s10:10k:identity", 200_000),
                                throughput("throughput:window-s1:10k", 40_000),
                                result("latency:stateful-s10:10k:alo:rate=half", 0, 90),
                                result("latency:stateful-s10:10k:alo:rate=half:identity", 0, 60)));
        assertThat(rs.get(0).vsIdentity()).isEqualTo(0.75);
        assertThat(rs.get(0).p99VsIdentity()).isNaN();
        assertThat(rs.get(1).vsIdentity()).isNaN(); // the identity row itself
        assertThat(rs.get(2).vsIdentity()).isNaN(); // no identity row for window-s1
        assertThat(rs.get(3).p99VsIdentity()).isEqualTo(1.5);
        assertThat(rs.get(3).vsIdentity()).isNaN();
        assertThat(E2eBenchmark.identityTable(rs))
                .containsExactly(
                        "throughput-stateful-s10-10k-hashmap-mini-eo / identity: 150,000 / 200,000"
                                + " points/s = 0.75",
                        "latency-stateful-s10-10k-hashmap-mini-alo-half / identity: p99 90 / 60 ms"
                                + " = 1.50");
        assertThat(rs.get(1).columns()).containsEntry("engine", "identity");
        assertThat(rs.get(0).columns())
                .containsEntry("engine", "fast")
                .containsEntry("points_per_s_vs_identity", 0.75);
    }

    @Test
    void roundsGiveEachCaseItsMedianWithTheLowestAndHighestRoundAndFailuresApart()
            throws Exception {
        List<List<BenchResult>> rounds = new java.util.ArrayList<>();
        double[][] pps = {{150_000, 200_000}, {120_000, 160_000}, {180_000, 200_000}};
        double[] p99 = {90, 300, 60};
        for (int i = 0; i < 3; i++) {
            List<BenchResult> round =
                    new java.util.ArrayList<>(
                            List.of(
                                    throughput("throughput:stateful-s10:10k", pps[i][0]),
                                    throughput("throughput:stateful-s10:10k:identity", pps[i][1])));
            round.add(
                    i == 1
                            ? BenchResult.failed(
                                    BenchCase.parse("latency:stateful-s10:10k:alo"), "t", 1, "x")
                            : result("latency:stateful-s10:10k:alo", 0, p99[i]));
            rounds.add(E2eBenchmark.withRatios(round));
        }
        List<Rounds.Summary> s = Rounds.summarize(rounds);
        assertThat(s).hasSize(3);
        Rounds.Summary stateful = s.get(0);
        assertThat(stateful.median()).isEqualTo(150_000);
        assertThat(stateful.min()).isEqualTo(120_000);
        assertThat(stateful.max()).isEqualTo(180_000);
        assertThat(stateful.spread()).isEqualTo(0.4);
        // each round against its own identity twin: 0.75, 0.75, 0.9
        assertThat(Rounds.median(stateful.vsIdentity())).isEqualTo(0.75);
        Rounds.Summary latency = s.get(2);
        assertThat(latency.values()).containsExactly(90, 60);
        assertThat(latency.failed()).isEqualTo(1);
        assertThat(latency.median()).isEqualTo(75);
        assertThat(Rounds.lines(rounds))
                .containsExactly(
                        "throughput-stateful-s10-10k-hashmap-mini-eo: median 150,000 points/s"
                                + " (120,000-180,000, spread 40%, 3 of 3 rounds); / identity"
                                + " 0.75 (0.75-0.90)",
                        "throughput-stateful-s10-10k-hashmap-mini-eo-identity: median 200,000"
                                + " points/s (160,000-200,000, spread 20%, 3 of 3 rounds)",
                        "latency-stateful-s10-10k-hashmap-mini-alo-half: median 75 ms p99 (60-90,"
                                + " spread 40%, 2 of 3 rounds)");
        List<String> csv = Files.readAllLines(Rounds.csv(dir, rounds));
        assertThat(csv.get(1))
                .startsWith("throughput-stateful-s10-10k-hashmap-mini-eo,points/s,3,0,1.500e+05");
        List<String> all = Files.readAllLines(BenchReport.csvOfRounds(dir, rounds));
        assertThat(all).hasSize(10);
        assertThat(all.get(0)).endsWith(",round");
        assertThat(all.get(9)).endsWith(",3");
    }

    @Test
    void writesCsvAndPlots() throws Exception {
        List<BenchResult> rs =
                List.of(
                        throughput("throughput:window-s1:1k", 5000),
                        throughput("throughput:window-s1:10k", 4000),
                        throughput("throughput:stateful-s10:10k:rocksdb", 40000),
                        result("latency:stateful-s10:10k:at-least-once", 20000, 80),
                        result("latency:stateful-s10:10k", 20000, 5200),
                        BenchResult.failed(
                                BenchCase.parse("throughput:window-s10:100k"), "t", 1, "x"));
        Path csv = BenchReport.csv(dir, rs);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(7);
        assertThat(lines.get(0))
                .startsWith("case,kind,setting")
                .contains("p99_ms", "state_bytes_per_key");
        assertThat(lines.get(3)).contains("rocksdb", "40000", "1000000,100,");
        // latency rows: the steady state's p99 and the first interval's, separately
        List<String> header = List.of(lines.get(0).split(","));
        String[] latency = lines.get(4).split(",");
        assertThat(latency[header.indexOf("p99_ms")]).isEqualTo("80.000");
        assertThat(latency[header.indexOf("first_p99_ms")]).isEqualTo("1600");
        assertThat(latency[header.indexOf("first_samples")]).isEqualTo("600");
        assertThat(latency[header.indexOf("warmup_s")]).isEqualTo("15.000");
        assertThat(latency[header.indexOf("settled")]).isEqualTo("true");
        assertThat(BenchReport.throughputPlot(dir, rs)).exists().isNotEmptyFile();
        assertThat(BenchReport.latencyPlot(dir, rs)).exists().isNotEmptyFile();
    }

    @Test
    void measuredIntervalStartsAfterTheWarmUpAndEndsBeforeThePreloadRunsOut() {
        List<E2eBenchmark.Sample> samples =
                List.of(
                        new E2eBenchmark.Sample(0, 10, 0),
                        new E2eBenchmark.Sample(5_000_000_000L, 5000, 100),
                        new E2eBenchmark.Sample(10_000_000_000L, 10_000, 600),
                        new E2eBenchmark.Sample(15_000_000_000L, 19_900, 1600),
                        new E2eBenchmark.Sample(16_000_000_000L, 20_000, 1600));
        E2eBenchmark.Interval iv = E2eBenchmark.Interval.of(samples, samples.get(1), 20_000);
        // the sample at 19,900 of 20,000 points is past 99% of the preload: the job may idle
        assertThat(iv.points()).isEqualTo(5000);
        assertThat(iv.forecasts()).isEqualTo(500);
        assertThat(iv.seconds()).isEqualTo(5.0);
        // with a bigger preload the interval runs to the last sample
        E2eBenchmark.Interval all = E2eBenchmark.Interval.of(samples, samples.get(1), 40_000);
        assertThat(all.points()).isEqualTo(15_000);
        assertThat(all.seconds()).isEqualTo(11.0);
    }
}
