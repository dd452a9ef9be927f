package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Tests for {@link E2eBenchCommand} on tiny input: one throughput and one latency case through the
 * embedded broker and a MiniCluster write a CSV row each, the plots and the profiles. Checks that
 * the command works, not how fast anything is.
 */
class E2eBenchCommandITCase {

    private static final Path MODEL =
            Path.of("").toAbsolutePath().getParent().resolve("models/sunspots.zip");

    @TempDir Path out;

    @Test
    void runsThroughputAndLatencyCasesAndWritesResults() throws Exception {
        StringWriter console = new StringWriter();
        CommandLine cli = new CommandLine(new E2eBenchCommand());
        cli.setOut(new PrintWriter(console));
        int exit =
                cli.execute(
                        "--case",
                                "throughput:window-s1:20,latency:stateful-s10:20:at-least-once:rate=200",
                        "--model", MODEL.toString(),
                        // enough that even a quiet machine reads for several seconds (a run that
                        // reads
                        // everything within one sample has no interval to measure)
                        "--preload-points", "60000",
                        "--warmup", "1s",
                        "--duration", "3s",
                        "--checkpoint-interval", "1s",
                        "--latency-sample-every", "1",
                        "--first-interval", "10s",
                        "--settle-max", "20s",
                        "--out", out.toString(),
                        "--work", out.resolve("work").toString());
        assertThat(exit).as(console.toString()).isZero();

        Path dir;
        try (Stream<Path> dirs = Files.list(out)) {
            dir =
                    dirs.filter(p -> p.getFileName().toString().startsWith("e2e-"))
                            .findFirst()
                            .orElseThrow();
        }
        List<CSVRecord> rows;
        try (var reader = Files.newBufferedReader(dir.resolve("results.csv"))) {
            rows =
                    CSVFormat.DEFAULT
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .get()
                            .parse(reader)
                            .getRecords();
        }
        assertThat(rows).hasSize(2);
        CSVRecord throughput = rows.get(0);
        assertThat(throughput.get("case")).isEqualTo("throughput-window-s1-20-hashmap-mini-eo");
        assertThat(Double.parseDouble(throughput.get("points_per_s"))).isPositive();
        CSVRecord latency = rows.get(1);
        assertThat(latency.get("delivery")).isEqualTo("AT_LEAST_ONCE");
        assertThat(Long.parseLong(latency.get("latency_samples"))).isPositive();
        assertThat(Double.parseDouble(latency.get("p99_ms"))).isPositive();
        // the first interval after the job started, beside the steady state
        assertThat(Long.parseLong(latency.get("first_samples"))).isPositive();
        assertThat(Double.parseDouble(latency.get("first_p99_ms"))).isPositive();
        assertThat(Double.parseDouble(latency.get("first_interval_s"))).isEqualTo(10.0);
        double warmup = Double.parseDouble(latency.get("warmup_s"));
        // at least three 5 s windows (two comparisons), at most --settle-max
        assertThat(warmup).isBetween(15.0, 20.0);
        assertThat(latency.get("settled")).isIn("true", "false");
        assertThat(latency.get("warmup_window_p99s_ms")).isNotBlank();
        assertThat(dir.resolve("throughput.png")).isNotEmptyFile();
        assertThat(dir.resolve("latency.png")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("profiles.txt")))
                .contains("CPU seconds per thread group")
                .contains("in the steady state, this JVM's collections ");
        assertThat(Files.readString(dir.resolve("run.txt"))).contains("machine: ");
        // a row per second of the latency case's stream, beside collections and checkpoints
        List<String> timeline = Files.readAllLines(dir.resolve("latency-timeline.csv"));
        assertThat(timeline.get(0) + "\n").isEqualTo(Stalls.HEADER);
        List<String[]> seconds = timeline.stream().skip(1).map(l -> l.split(",", -1)).toList();
        assertThat(seconds)
                .hasSizeGreaterThanOrEqualTo(18) // 15-20 s of warm-up, then 3 s measured
                .allSatisfy(r -> assertThat(r[0]).isEqualTo(latency.get("case")))
                .allSatisfy(r -> assertThat(r).hasSize(11));
        assertThat(seconds.stream().mapToLong(r -> Long.parseLong(r[3])).sum())
                .isGreaterThanOrEqualTo(Long.parseLong(latency.get("latency_samples")));
        assertThat(seconds.stream().filter(r -> !r[10].isEmpty()))
                .as("seconds in which a checkpoint (every 5 s) began")
                .isNotEmpty();
    }

    @Test
    void runsAHotKeyCaseBesideItsIdentityTwinTwiceAndPrintsTheirRatios() throws Exception {
        StringWriter console = new StringWriter();
        CommandLine cli = new CommandLine(new E2eBenchCommand());
        cli.setOut(new PrintWriter(console));
        int exit =
                cli.execute(
                        "--case",
                        "throughput:stateful-s10:4:hot",
                        "--identity",
                        // two rounds, each on a broker of its own
                        "--repeat",
                        "2",
                        "--model",
                        MODEL.toString(),
                        // the identity twin read 60,000 points of 4 keys before the first
                        // one-second sample
                        "--preload-points",
                        "600000",
                        "--warmup",
                        "1s",
                        "--duration",
                        "3s",
                        "--checkpoint-interval",
                        "1s",
                        "--out",
                        out.toString(),
                        "--work",
                        out.resolve("work").toString());
        assertThat(exit).as(console.toString()).isZero();
        Path dir;
        try (Stream<Path> dirs = Files.list(out)) {
            dir =
                    dirs.filter(p -> p.getFileName().toString().startsWith("e2e-"))
                            .findFirst()
                            .orElseThrow();
        }
        List<CSVRecord> rows;
        try (var reader = Files.newBufferedReader(dir.resolve("results.csv"))) {
            rows =
                    CSVFormat.DEFAULT
                            .builder()
                            .setHeader()
                            .setSkipHeaderRecord(true)
                            .get()
                            .parse(reader)
                            .getRecords();
        }
        assertThat(rows)
                .extracting(r -> r.get("engine") + " " + r.get("round"))
                .containsExactly("fast 1", "identity 1", "fast 2", "identity 2");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("status")).startsWith("ok"));
        assertThat(Files.readAllLines(dir.resolve("summary.csv")))
                .hasSize(3)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith(
                                                "throughput-stateful-s10-4-hashmap-mini-eo-hot,points/s,2,0,"));
        assertThat(rows.get(1).get("case")).isEqualTo(rows.get(0).get("case") + "-identity");
        for (CSVRecord r : rows) {
            assertThat(Double.parseDouble(r.get("points_per_s"))).as(r.get("case")).isPositive();
            assertThat(Double.parseDouble(r.get("forecasts_per_s"))).as(r.get("case")).isPositive();
        }
        double ratio = Double.parseDouble(rows.get(0).get("points_per_s_vs_identity"));
        assertThat(ratio)
                .isEqualTo(
                        Double.parseDouble(rows.get(0).get("points_per_s"))
                                / Double.parseDouble(rows.get(1).get("points_per_s")),
                        org.assertj.core.api.Assertions.within(0.001 + 0.01 * ratio));
        assertThat(Files.readString(dir.resolve("run.txt")))
                .contains("setting / identity (same run):")
                .contains("throughput-stateful-s10-4-hashmap-mini-eo-hot / identity: ");
    }
}
