package io.forecaster.cli.kafka;

import io.forecaster.broker.Topics;
import io.forecaster.cli.CliErrors;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.WireFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forecaster replay}: streams CSV / JSON-lines files, or another topic, into a topic. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Streams points from CSV or JSON-lines files into a Kafka topic (key = sensor id, value"
                    + " in",
            "the wire format), or replays a range of one topic into another (keys, values,"
                    + " timestamps",
            "and per-key order kept). Prints a progress bar and the final count.",
            "",
            "Examples:",
            "  replay -t sensor-points ../shared/data/wind-ireland/wind_daily_long.csv",
            "  replay -t sensor-points --speedup 864000"
                    + " ../shared/data/wind-ireland/wind_daily_long.csv",
            "  replay -t sunspots --key SUNSPOTS --time-column Date \\",
            "         --value-column 'Monthly Mean Total Sunspot Number'"
                    + " ../shared/data/sunspots/Sunspots.csv",
            "  replay -t points-copy --from-topic sensor-points --from-offset 100 --to-offset 200",
        })
public final class ReplayCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaCli kafka;

    @Option(
            names = {"-t", "--topic"},
            required = true,
            description = "Target topic.")
    String topic;

    @Parameters(
            arity = "0..*",
            paramLabel = "FILE",
            description =
                    "CSV files with a header row, or JSON-lines files (.jsonl/.ndjson/.json).")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--key-column",
            description =
                    "Column of the sensor id (default: key, sensor, sensor_id, station or id).")
    String keyColumn;

    @Option(
            names = "--key",
            description = "One sensor id for every row (files of a single series).")
    String fixedKey;

    @Option(
            names = "--time-column",
            description = "Column of the event time (default: time, date, timestamp or datetime).")
    String timeColumn;

    @Option(names = "--value-column", description = "Column of the value (default: value).")
    String valueColumn;

    @Option(
            names = "--format",
            defaultValue = "JSON",
            description =
                    "Value format written: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    PointFormat format;

    @Option(
            names = "--order",
            defaultValue = "time",
            description =
                    "Send order: time (all keys merged by event time; each key keeps its order) or"
                            + " file (default ${DEFAULT-VALUE}).")
    String order;

    @Option(
            names = "--skip-bad",
            description =
                    "Skip rows that cannot be read (counted) instead of stopping. Rows without a"
                            + " value (an empty or NaN cell) are missing values, always kept out of"
                            + " the topic and counted, never bad.")
    boolean skipBad;

    static final class Speed {
        @Option(names = "--rate", description = "Records per second.")
        Double rate;

        @Option(
                names = "--speedup",
                description =
                        "Event time played this many times faster (86400 = a day per second).")
        Double speedup;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Speed speed;

    @Option(
            names = "--loop",
            defaultValue = "1",
            description =
                    "Passes over the files, 0 = endless; each pass shifts event times past the"
                            + " previous one (default ${DEFAULT-VALUE}).")
    int loops;

    @Option(
            names = "--record-time",
            defaultValue = "SEND",
            description =
                    "Kafka record timestamps: SEND (send time) or EVENT (event time; send time"
                            + " before 1970, which Kafka cannot store). Default ${DEFAULT-VALUE}.")
    FileReplayer.RecordTime recordTime;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description =
                    "Partitions of the target topic if it must be created (default"
                            + " ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--from-topic", description = "Replay this topic instead of files.")
    String fromTopic;

    @Option(
            names = "--from-offset",
            description = "Topic replay: first offset of each partition (inclusive).")
    Long fromOffset;

    @Option(
            names = "--to-offset",
            description = "Topic replay: end offset of each partition (exclusive).")
    Long toOffset;

    @Option(
            names = "--from-time",
            description = "Topic replay: first record timestamp (ISO-8601 or epoch ms, inclusive).")
    String fromTime;

    @Option(names = "--to-time", description = "Topic replay: end record timestamp (exclusive).")
    String toTime;

    @Option(names = "--partition", description = "Topic replay: only this source partition.")
    Integer partition;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    /**
     * Checks every option and reads every file (a usage error names the option, or the FILE and its
     * line) before it talks to Kafka; then an unreachable broker or a send that fails is a failure
     * while running.
     */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((fromTopic == null) == files.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "give FILE arguments or --from-topic, not both or neither");
        }
        if (!order.equals("time") && !order.equals("file")) {
            throw CliErrors.usage(spec, "--order", "'" + order + "' must be time or file");
        }
        CliErrors.atLeast(spec, "--loop", loops, 0);
        CliErrors.atLeast(spec, "--partitions", partitions, 1);
        String bootstrap = kafka.bootstrapServers();
        kafka.connectTimeout();
        Pace pace =
                speed == null
                        ? Pace.fast()
                        : speed.rate != null
                                ? Pace.rate(CliErrors.above(spec, "--rate", speed.rate, 0))
                                : Pace.speedup(
                                        CliErrors.above(spec, "--speedup", speed.speedup, 0));
        Progress progress =
                noProgress
                        ? Progress.none()
                        : new Progress(err, "records", -1, System.console() != null);
        if (fromTopic != null) {
            TopicCopier.Range range =
                    new TopicCopier.Range(
                            fromOffset == null
                                    ? null
                                    : CliErrors.atLeast(spec, "--from-offset", fromOffset, 0),
                            toOffset == null
                                    ? null
                                    : CliErrors.atLeast(spec, "--to-offset", toOffset, 0),
                            fromTime == null
                                    ? null
                                    : CliErrors.option(
                                            spec,
                                            "--from-time",
                                            () -> WireFormat.parseTime(fromTime)),
                            toTime == null
                                    ? null
                                    : CliErrors.option(
                                            spec, "--to-time", () -> WireFormat.parseTime(toTime)),
                            partition);
            kafka.awaitReachable();
            return copyTopic(out, err, bootstrap, range, pace, progress);
        }
        List<SensorPoint> points = new ArrayList<>();
        long skipped = 0;
        long empty = 0;
        PointFiles.Columns cols =
                new PointFiles.Columns(keyColumn, fixedKey, timeColumn, valueColumn);
        for (Path f : files) {
            CliErrors.inputFile(spec, "FILE", f);
            PointFiles.Rows rows;
            try {
                rows = PointFiles.read(f, PointFiles.Layout.of(f), cols, skipBad);
            } catch (PointFiles.ColumnException e) {
                throw CliErrors.usage(spec, e.option(), e.getMessage());
            } catch (IllegalArgumentException e) {
                throw CliErrors.usage(spec, "FILE", e.getMessage());
            }
            points.addAll(rows.points());
            skipped += rows.skipped();
            empty += rows.empty();
            rows.problems().forEach(p -> err.println("skipped: " + p));
        }
        if (empty > 0) {
            err.printf(
                    "kept %,d rows without a value (empty or NaN cells: missing values) out of the"
                            + " topic%n",
                    empty);
        }
        kafka.awaitReachable();
        return replayFiles(out, err, bootstrap, points, skipped, pace, progress);
    }

    private int replayFiles(
            PrintWriter out,
            PrintWriter err,
            String bootstrap,
            List<SensorPoint> points,
            long skipped,
            Pace pace,
            Progress progress) {
        long read = points.size();
        createTopic(err, bootstrap);
        err.printf(
                "read %,d rows from %d file(s)%s; sending to %s %s%n",
                read,
                files.size(),
                skipped > 0 ? String.format(" (%,d bad rows skipped)", skipped) : "",
                topic,
                pace);
        FileReplayer replayer = new FileReplayer();
        FileReplayer.Result r =
                withStopHook(
                        replayer::stop,
                        () ->
                                replayer.replay(
                                        points,
                                        new FileReplayer.Options(
                                                bootstrap,
                                                topic,
                                                format,
                                                pace,
                                                loops,
                                                order.equals("time"),
                                                recordTime),
                                        progress));
        long expected = loops == 0 ? -1 : read * loops;
        out.printf(
                "replayed %,d records (%,d rows read x %s) to %s in %.1f s (%,.0f records/s)%n",
                r.sent(),
                read,
                loops == 0 ? "endless" : loops + " pass(es)",
                topic,
                r.seconds(),
                r.sent() / Math.max(r.seconds(), 1e-9));
        if (r.firstError() != null) {
            throw new IllegalStateException(
                    r.failed() + " records not sent, first error: " + r.firstError());
        }
        if (expected >= 0 && r.sent() != expected) {
            throw new IllegalStateException(
                    String.format(
                            "sent %,d records, expected %,d (stopped early)", r.sent(), expected));
        }
        return 0;
    }

    private int copyTopic(
            PrintWriter out,
            PrintWriter err,
            String bootstrap,
            TopicCopier.Range range,
            Pace pace,
            Progress progress) {
        createTopic(err, bootstrap);
        TopicCopier copier = new TopicCopier();
        TopicCopier.Result r =
                withStopHook(
                        copier::stop,
                        () -> copier.copy(bootstrap, fromTopic, topic, range, pace, progress));
        out.printf(
                "replayed %,d records (%,d read) from %s to %s in %.1f s; per partition %s%n",
                r.sent(), r.read(), fromTopic, topic, r.seconds(), r.perPartition());
        if (r.firstError() != null) {
            throw new IllegalStateException("first error: " + r.firstError());
        }
        if (r.sent() != r.read()) {
            throw new IllegalStateException(
                    String.format("sent %,d of %,d records read", r.sent(), r.read()));
        }
        return 0;
    }

    private void createTopic(PrintWriter err, String bootstrap) {
        if (Topics.create(bootstrap, topic, partitions, Map.of())) {
            err.println(
                    "created topic " + topic + " (" + partitions + " partitions, retention.ms=-1)");
        }
    }

    /** Runs {@code work}; on Ctrl-C asks it to stop and waits (10 s at most) for it to flush. */
    static <T> T withStopHook(Runnable stop, java.util.function.Supplier<T> work) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            stop.run();
                            try {
                                done.await(10, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "replay-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.get();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it was released above
            }
        }
    }
}
