package io.forecaster.cli.bench;

import io.forecaster.cli.CliErrors;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The end-to-end benchmark: the real job on a real Flink cluster (in-process MiniCluster or the
 * standalone session cluster of deploy/cluster.sh) reading from and writing to a real Kafka broker
 * (embedded, KRaft). Writes results.csv, throughput.png, latency.png, profiles.txt and run.txt
 * (and, with {@code --repeat}, summary.csv) into a new folder under {@code --out}.
 */
@Command(
        name = "e2e-bench",
        mixinStandardHelpOptions = true,
        description = {
            "End-to-end benchmark through real Kafka and Flink: sustained throughput, forecasts/s,"
                    + " latency percentiles (Kafka append to read_committed read), state per key,"
                    + " heap and checkpoint duration, with the one-window-at-a-time DL4J baseline"
                    + " in the same run.",
            "Cases are kind:setting:keys[:option...]; kinds throughput, latency; settings"
                + " window-s1, window-s10, stateful-s10, baseline (dl4j, batch 1); options"
                + " hashmap|rocksdb, mini|standalone, exactly-once|at-least-once, rate=N|half|P%%"
                + " (a share of the rate measured earlier in the run), grid|grid=DURATION (the job"
                + " on a time grid, series.interval 1s by default: the preloaded points are 1 s"
                + " apart per key), h=N (forecast.horizon N), intervals (interval levels 0.8,0.95),"
                + " models=N (N models from a models topic, routed by key prefix or regex; latency"
                + " cases publish version 2 of each halfway and report the time to its first"
                + " forecast), sql (throughput through the FORECAST SQL function over Kafka tables"
                + " instead of the DataStream job; points/s counts the points it released),"
                + " identity (the identity engine instead of the model: the last value repeated;"
                + " the pipeline's own limit), hot (throughput on a few hot keys: points 1 ms"
                + " apart, shuffled within 4 s, the job waiting 5 s for out-of-order points),"
                + " binary (the points as 17-byte binary values, kafka.points.format=BINARY,"
                + " instead of JSON), low-latency (the job's profile=low-latency instead of the"
                + " benchmark's inference.max-delay=20ms and --watermark-interval; rate=half is"
                + " still half the throughput case without it).",
            "Every case that also ran with identity gets the ratio setting / identity (points/s;"
                    + " p99 for latency) in results.csv, run.txt and the console.",
            "A throughput case tops up its preload during the warm-up whenever what is left would"
                    + " not last --duration at the rate it reads, and fails (exit code 1) if its"
                    + " measured interval is still shorter than --duration. A latency case reports"
                    + " the steady state (after a warm-up that ends when latency settles) and,"
                    + " separately, the first --first-interval after the job started."
        })
public final class E2eBenchCommand implements Callable<Integer> {

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(E2eBenchCommand.class);

    @Spec CommandSpec spec;

    @Option(
            names = "--matrix",
            defaultValue = "reduced",
            description =
                    "Cases when --case is not given: reduced or full (default: ${DEFAULT-VALUE}).")
    String matrix;

    @Option(
            names = "--case",
            split = ",",
            description = "Cases to run, in order, e.g. throughput:stateful-s10:10k:rocksdb.")
    List<String> cases;

    @Option(
            names = "--identity",
            description =
                    "Runs every case (but the DL4J baselines) a second time right after it, with"
                            + " the identity engine, for the setting / identity ratios.")
    boolean identity;

    @Option(
            names = "--repeat",
            defaultValue = "1",
            description =
                    "Runs the whole list of cases this many times (rounds, each on a fresh broker;"
                            + " identity ratios pair rows of the same round); run.txt and"
                            + " summary.csv give each case's median with the lowest and highest"
                            + " round (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(
            names = "--model",
            defaultValue = "models/sunspots.zip",
            description = "Model bundle, window 60 (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(
            names = "--preload-points",
            defaultValue = "6000000",
            description =
                    "Points preloaded per key count for throughput runs (default:"
                            + " ${DEFAULT-VALUE}).")
    long preloadPoints;

    @Option(
            names = "--min-points-per-key",
            defaultValue = "20",
            description =
                    "Fewest points per key in a preload; window settings need at least"
                            + " W+20 (default: ${DEFAULT-VALUE}).")
    int minPointsPerKey;

    @Option(
            names = "--warmup",
            defaultValue = "10s",
            description = "Not measured at the start of each run (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(
            names = "--duration",
            defaultValue = "20s",
            description = "Measured after the warm-up (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "5s",
            description = "The job's checkpoint interval (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(
            names = "--watermark-interval",
            defaultValue = "20ms",
            description = "Flink's periodic watermark interval (default: ${DEFAULT-VALUE}).")
    String watermarkInterval;

    @Option(
            names = "--latency-sample-every",
            defaultValue = "4",
            description = "Measure latency on every n-th key (default: ${DEFAULT-VALUE}).")
    int latencySampleEvery;

    @Option(
            names = "--first-interval",
            defaultValue = "60s",
            description =
                    "Latency cases also report p50/p99 of the points appended this long after the"
                            + " stream into the just-started job begins (default:"
                            + " ${DEFAULT-VALUE}).")
    String firstInterval;

    @Option(
            names = "--settle-max",
            defaultValue = "120s",
            description =
                    "Longest warm-up of a latency case: the steady state starts once the p99s of"
                        + " three consecutive 5 s windows lie within 25%% of each other and do not"
                        + " rise or fall window on window by more than 200 ms in all, or after this"
                        + " (default: ${DEFAULT-VALUE}).")
    String settleMax;

    @Option(
            names = "--job-option",
            description =
                    "Further job options, key=value, over every case's (which include"
                            + " inference.max-delay=20ms unless the case has option low-latency).")
    Map<String, String> jobOptions = new LinkedHashMap<>();

    @Option(
            names = "--flink",
            description =
                    "Further Flink configuration, key=value, e.g."
                            + " execution.buffer-timeout.interval=5ms.")
    Map<String, String> flinkConf = new LinkedHashMap<>();

    @Option(
            names = "--out",
            defaultValue = "bench-results",
            description = "Results go to a new folder in here (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work", description = "Scratch folder (default: a new temporary folder).")
    Path work;

    /**
     * Checks every option and loads the model (usage errors) before anything starts; failing to
     * create the result or scratch folders, and everything after, is a failure while running.
     */
    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        System.setProperty("java.awt.headless", "true");
        List<BenchCase> todo;
        if (cases != null && !cases.isEmpty()) {
            todo = CliErrors.option(spec, "--case", () -> BenchCase.parseAll(cases));
        } else if (matrix.equalsIgnoreCase("full")) {
            todo = BenchCase.fullMatrix();
        } else if (matrix.equalsIgnoreCase("reduced")) {
            todo = BenchCase.reducedMatrix();
        } else {
            throw CliErrors.usage(spec, "--matrix", "'" + matrix + "' must be reduced or full");
        }
        if (identity) {
            todo = withIdentityTwins(todo);
        }
        CliErrors.atLeast(spec, "--repeat", repeat, 1);
        CliErrors.atLeast(spec, "--preload-points", preloadPoints, 1);
        CliErrors.atLeast(spec, "--min-points-per-key", minPointsPerKey, 1);
        CliErrors.atLeast(spec, "--latency-sample-every", latencySampleEvery, 1);
        Duration warmupTime = duration("--warmup", warmup);
        Duration measured = duration("--duration", duration);
        Duration checkpoints = duration("--checkpoint-interval", checkpointInterval);
        Duration watermarks = duration("--watermark-interval", watermarkInterval);
        Duration first = duration("--first-interval", firstInterval);
        Duration settleCap = duration("--settle-max", settleMax);
        positive("--warmup", warmup, warmupTime);
        positive("--duration", duration, measured);
        positive("--first-interval", firstInterval, first);
        if (settleCap.compareTo(warmupTime) < 0) {
            throw CliErrors.usage(
                    spec,
                    "--settle-max",
                    "'" + settleMax + "' is shorter than --warmup '" + warmup + "'");
        }
        CliErrors.inputFile(spec, "--model", model);
        CliErrors.option(spec, "--model", () -> io.forecaster.model.ModelBundle.load(model));
        Path root = Path.of("").toAbsolutePath();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Path dir = out.resolve("e2e-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm")));
        Files.createDirectories(dir);
        Path scratch = work != null ? work : Files.createTempDirectory("e2e-bench-");
        Files.createDirectories(scratch);
        // A private copy: the committed bundle may be rewritten while the benchmark runs.
        Path modelCopy = scratch.resolve("model.zip");
        Files.copy(model, modelCopy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        E2eBenchmark.Settings settings =
                new E2eBenchmark.Settings(
                        root,
                        modelCopy,
                        scratch,
                        preloadPoints,
                        minPointsPerKey,
                        warmupTime,
                        measured,
                        checkpoints,
                        watermarks,
                        latencySampleEvery,
                        first,
                        settleCap,
                        jobOptions,
                        flinkConf);
        String machine = machine();
        console.printf("e2e-bench: %d case(s), results in %s%n%s%n", todo.size(), dir, machine);
        console.flush();
        E2eBenchmark bench = new E2eBenchmark(settings, console);
        List<List<BenchResult>> rounds = new ArrayList<>();
        for (int round = 1; round <= repeat; round++) {
            if (repeat > 1) {
                console.printf("e2e-bench: round %d of %d%n", round, repeat);
                console.flush();
            }
            List<List<BenchResult>> before = List.copyOf(rounds);
            List<BenchResult> results =
                    bench.run(
                            todo,
                            soFar -> {
                                try {
                                    Files.writeString(
                                            dir.resolve("profiles.txt"), bench.profiles());
                                    writeTimelines(dir, bench);
                                    List<List<BenchResult>> all = new ArrayList<>(before);
                                    all.add(soFar);
                                    BenchReport.csvOfRounds(dir, all);
                                } catch (java.io.IOException e) {
                                    LOG.error("writing the results so far failed", e);
                                }
                            });
            rounds.add(results);
        }
        List<BenchResult> results = rounds.get(rounds.size() - 1);
        List<BenchResult> all = rounds.stream().flatMap(List::stream).toList();

        Files.writeString(dir.resolve("profiles.txt"), bench.profiles());
        writeTimelines(dir, bench);
        Path csv = BenchReport.csvOfRounds(dir, rounds);
        Path tp = null;
        Path lp = null;
        try {
            tp = BenchReport.throughputPlot(dir, results);
            lp = BenchReport.latencyPlot(dir, results);
        } catch (RuntimeException e) {
            LOG.error("plotting failed", e);
            console.println("e2e-bench: plotting failed: " + e);
        }
        List<String> run = new ArrayList<>();
        run.add(
                "command: ./forecaster "
                        + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        run.add("started: " + now.format(DateTimeFormatter.ISO_INSTANT));
        run.add(
                "finished: "
                        + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT));
        run.add(machine);
        run.add("settings: " + settings);
        for (int round = 0; round < rounds.size(); round++) {
            if (repeat > 1) {
                run.add("round " + (round + 1) + ":");
            }
            for (BenchResult r : rounds.get(round)) {
                run.add(r.benchCase().name() + ": " + E2eBenchmark.oneLine(r));
            }
            List<String> ratios = E2eBenchmark.identityTable(rounds.get(round));
            if (!ratios.isEmpty()) {
                run.add("setting / identity (same run):");
                ratios.forEach(l -> run.add("  " + l));
                console.println("e2e-bench: setting / identity (same run):");
                ratios.forEach(l -> console.println("  " + l));
            }
        }
        if (repeat > 1) {
            List<String> medians = Rounds.lines(rounds);
            Rounds.csv(dir, rounds);
            run.add("over " + repeat + " rounds (median, lowest-highest round):");
            medians.forEach(l -> run.add("  " + l));
            console.println("e2e-bench: over " + repeat + " rounds:");
            medians.forEach(l -> console.println("  " + l));
        }
        Files.write(dir.resolve("run.txt"), run);
        console.printf(
                "e2e-bench: wrote %s%s%s, profiles.txt, run.txt%n",
                csv,
                tp == null ? "" : ", " + tp.getFileName(),
                lp == null ? "" : ", " + lp.getFileName());
        console.flush();
        return all.stream().noneMatch(r -> r.status().startsWith("failed")) ? 0 : 1;
    }

    /** Writes {@code latency-timeline.csv} when the run has latency cases. */
    private static void writeTimelines(Path dir, E2eBenchmark bench) throws java.io.IOException {
        String t = bench.timelines();
        if (!t.isEmpty()) {
            Files.writeString(dir.resolve("latency-timeline.csv"), t);
        }
    }

    /**
     * The cases with each one's identity twin right after it (unless the list has it already, or
     * the case is a DL4J baseline or an identity case itself).
     */
    static List<BenchCase> withIdentityTwins(List<BenchCase> cases) {
        List<BenchCase> out = new ArrayList<>();
        for (BenchCase c : cases) {
            out.add(c);
            if (c.identity() || c.setting().isBaseline()) {
                continue;
            }
            BenchCase twin = c.withIdentity();
            if (!cases.contains(twin)) {
                out.add(twin);
            }
        }
        return out;
    }

    private void positive(String option, String text, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw CliErrors.usage(spec, option, "'" + text + "' must be longer than 0");
        }
    }

    /** Flink's duration syntax ("10s", "20 ms", "1 min"), as the job options use. */
    private Duration duration(String option, String text) {
        return CliErrors.option(
                spec, option, () -> org.apache.flink.util.TimeUtils.parseDuration(text));
    }

    static String machine() {
        long memGiB = -1;
        try {
            String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            memGiB = Math.round(Long.parseLong(mem.replaceAll("\\D+", "")) / 1024.0 / 1024.0);
        } catch (Exception ignored) {
            // not Linux
        }
        return String.format(
                Locale.ROOT,
                "machine: %d cores, %d GiB, %s %s, Java %s; load %.2f",
                Runtime.getRuntime().availableProcessors(),
                memGiB,
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                System.getProperty("java.version"),
                E2eBenchmark.load1());
    }
}
