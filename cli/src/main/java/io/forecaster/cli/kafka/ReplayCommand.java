package io.forecaster.cli.kafka;

import io.forecaster.connectors.SensorPoint;
import io.forecaster.cli.kafka.FileReplayer;
import io.forecaster.cli.kafka.Pace;
import io.forecaster.cli.kafka.Progress;
import io.forecaster.cli.kafka.RowReader;
import io.forecaster.cli.kafka.TopicCopier;
import io.forecaster.broker.Topics;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forecaster replay}: streams CSV / JSON-lines files, or another topic, into a topic. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Streams points from CSV or JSON-lines files into a Kafka topic (key = sensor id, value in",
            "the wire format), or replays a range of one topic into another (keys, values, timestamps",
            "and per-key order kept). Prints a progress bar and the final count.",
            "",
            "Examples:",
            "  replay -t sensor-points ../shared/data/wind-ireland/wind_daily_long.csv",
            "  replay -t sensor-points --speedup 864000 ../shared/data/wind-ireland/wind_daily_long.csv",
            "  replay -t sunspots --key SUNSPOTS --time-column Date \\",
            "         --value-column 'Monthly Mean Total Sunspot Number' ../shared/data/sunspots/Sunspots.csv",
            "  replay -t points-copy --from-topic sensor-points --from-offset 100 --to-offset 200",
        })
public final class ReplayCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaCli kafka;

    @Option(names = {"-t", "--topic"}, required = true, description = "Target topic.")
    String topic;

    @Parameters(arity = "0..*", paramLabel = "FILE",
            description = "CSV files with a header row, or JSON-lines files (.jsonl/.ndjson/.json).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--key-column", description = "Column of the sensor id (default: key, sensor, sensor_id, station or id).")
    String keyColumn;

    @Option(names = "--key", description = "One sensor id for every row (files of a single series).")
    String fixedKey;

    @Option(names = "--time-column", description = "Column of the event time (default: time, date, timestamp or datetime).")
    String timeColumn;

    @Option(names = "--value-column", description = "Column of the value (default: value).")
    String valueColumn;

    @Option(names = "--format", defaultValue = "JSON", description = "Value format written: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    PointFormat format;

    @Option(names = "--order", defaultValue = "time", description = "Send order: time (all keys merged by event time; each key keeps its order) or file (default ${DEFAULT-VALUE}).")
    String order;

    @Option(names = "--skip-bad", description = "Skip rows that cannot be read (counted) instead of stopping.")
    boolean skipBad;

    static final class Speed {
        @Option(names = "--rate", description = "Records per second.")
        Double rate;

        @Option(names = "--speedup", description = "Event time played this many times faster (86400 = a day per second).")
        Double speedup;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Speed speed;

    @Option(names = "--loop", defaultValue = "1", description = "Passes over the files, 0 = endless; each pass shifts event times past the previous one (default ${DEFAULT-VALUE}).")
    int loops;

    @Option(names = "--record-time", defaultValue = "SEND", description = "Kafka record timestamps: SEND (send time) or EVENT (event time; send time before 1970, which Kafka cannot store). Default ${DEFAULT-VALUE}.")
    FileReplayer.RecordTime recordTime;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the target topic if it must be created (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--from-topic", description = "Replay this topic instead of files.")
    String fromTopic;

    @Option(names = "--from-offset", description = "Topic replay: first offset of each partition (inclusive).")
    Long fromOffset;

    @Option(names = "--to-offset", description = "Topic replay: end offset of each partition (exclusive).")
    Long toOffset;

    @Option(names = "--from-time", description = "Topic replay: first record timestamp (ISO-8601 or epoch ms, inclusive).")
    String fromTime;

    @Option(names = "--to-time", description = "Topic replay: end record timestamp (exclusive).")
    String toTime;

    @Option(names = "--partition", description = "Topic replay: only this source partition.")
    Integer partition;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException
                | org.apache.kafka.common.KafkaException e) {
            spec.commandLine().getErr().println("replay: " + e.getMessage());
            return 1;
        }
    }

    private int run() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((fromTopic == null) == files.isEmpty()) {
            err.println("replay: give FILE arguments or --from-topic, not both or neither");
            return 2;
        }
        if (!order.equals("time") && !order.equals("file")) {
            err.println("replay: --order must be time or file, got \"" + order + "\"");
            return 2;
        }
        Pace pace = speed == null ? Pace.fast()
                : speed.rate != null ? Pace.rate(speed.rate) : Pace.speedup(speed.speedup);
        String bootstrap = kafka.bootstrapServers();
        Progress progress = noProgress ? Progress.none()
                : new Progress(err, "records", -1, System.console() != null);
        return fromTopic != null ? copyTopic(out, err, bootstrap, pace, progress)
                : replayFiles(out, err, bootstrap, pace, progress);
    }

    private int replayFiles(PrintWriter out, PrintWriter err, String bootstrap, Pace pace, Progress progress) {
        List<SensorPoint> points = new ArrayList<>();
        long skipped = 0;
        RowReader.Columns cols = new RowReader.Columns(keyColumn, fixedKey, timeColumn, valueColumn);
        for (Path f : files) {
            RowReader.Rows rows = RowReader.read(f, RowReader.Layout.of(f), cols, skipBad);
            points.addAll(rows.points());
            skipped += rows.skipped();
            rows.problems().forEach(p -> err.println("skipped: " + p));
        }
        long read = points.size();
        createTopic(err, bootstrap);
        err.printf("read %,d rows from %d file(s)%s; sending to %s %s%n", read, files.size(),
                skipped > 0 ? String.format(" (%,d bad rows skipped)", skipped) : "", topic, pace);
        FileReplayer replayer = new FileReplayer();
        FileReplayer.Result r = withStopHook(replayer::stop, () -> replayer.replay(points,
                new FileReplayer.Options(bootstrap, topic, format, pace, loops, order.equals("time"), recordTime),
                progress));
        long expected = loops == 0 ? -1 : read * loops;
        out.printf("replayed %,d records (%,d rows read x %s) to %s in %.1f s (%,.0f records/s)%n",
                r.sent(), read, loops == 0 ? "endless" : loops + " pass(es)", topic, r.seconds(),
                r.sent() / Math.max(r.seconds(), 1e-9));
        if (r.firstError() != null) {
            err.println("replay: " + r.failed() + " records not sent, first error: " + r.firstError());
            return 1;
        }
        if (expected >= 0 && r.sent() != expected) {
            err.printf("replay: sent %,d records, expected %,d (stopped early)%n", r.sent(), expected);
            return 1;
        }
        return 0;
    }

    private int copyTopic(PrintWriter out, PrintWriter err, String bootstrap, Pace pace, Progress progress) {
        TopicCopier.Range range = new TopicCopier.Range(fromOffset, toOffset,
                fromTime == null ? null : WireFormat.parseTime(fromTime),
                toTime == null ? null : WireFormat.parseTime(toTime), partition);
        createTopic(err, bootstrap);
        TopicCopier copier = new TopicCopier();
        TopicCopier.Result r = withStopHook(copier::stop,
                () -> copier.copy(bootstrap, fromTopic, topic, range, pace, progress));
        out.printf("replayed %,d records (%,d read) from %s to %s in %.1f s; per partition %s%n",
                r.sent(), r.read(), fromTopic, topic, r.seconds(), r.perPartition());
        if (r.firstError() != null) {
            err.println("replay: first error: " + r.firstError());
            return 1;
        }
        return r.sent() == r.read() ? 0 : 1;
    }

    private void createTopic(PrintWriter err, String bootstrap) {
        if (Topics.create(bootstrap, topic, partitions, Map.of())) {
            err.println("created topic " + topic + " (" + partitions + " partitions, retention.ms=-1)");
        }
    }

    /** Runs {@code work}; on Ctrl-C asks it to stop and waits (10 s at most) for it to flush. */
    static <T> T withStopHook(Runnable stop, java.util.function.Supplier<T> work) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.run();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "replay-stop");
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
