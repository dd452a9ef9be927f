package io.forecaster.cli.kafka;

import io.forecaster.cli.CliErrors;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import io.forecaster.connectors.wire.WireFormat;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code forecaster tail}: prints forecasts as they are committed, or their running accuracy. */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prints the committed forecasts of a topic as a table or as JSON lines; with"
                    + " --accuracy,",
            "joins each forecast's next-step value with the actual next point of the points topic",
            "and prints the running MAE per key and overall next to the last-value baseline.",
            "",
            "Examples:",
            "  tail --from beginning --max 20",
            "  tail --key VAL --format json",
            "  tail --accuracy --from beginning --idle-timeout 10s",
        })
public final class TailCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin KafkaCli kafka;

    @Option(
            names = {"-t", "--topic"},
            defaultValue = "forecasts",
            description = "Forecasts topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = {"-k", "--key"},
            split = ",",
            description = "Only these sensor ids (repeat or comma-separate).")
    List<String> keys = List.of();

    @Option(
            names = "--from",
            defaultValue = "now",
            description = "beginning or now (default ${DEFAULT-VALUE}).")
    String from;

    @Option(
            names = {"-n", "--max"},
            defaultValue = "0",
            description =
                    "Stop after this many forecasts (scored ones with --accuracy); 0 = no limit.")
    long max;

    @Option(
            names = "--until",
            description =
                    "Stop at this time (ISO-8601 or epoch ms), or at the first forecast made after"
                            + " it.")
    String until;

    @Option(
            names = "--idle-timeout",
            description = "Stop when nothing arrives for this long, e.g. 10s, 2m.")
    String idleTimeout;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "table or json (default ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--accuracy",
            description = "Show the running accuracy instead of the forecasts.")
    boolean accuracy;

    @Option(
            names = "--points-topic",
            defaultValue = "sensor-points",
            description = "Points topic for --accuracy (default ${DEFAULT-VALUE}).")
    String pointsTopic;

    @Option(
            names = "--points-format",
            defaultValue = "JSON",
            description = "Value format of the points topic: ${COMPLETION-CANDIDATES}.")
    PointFormat pointsFormat;

    @Option(
            names = "--refresh",
            defaultValue = "2s",
            description =
                    "With --accuracy: how often the table is printed (default ${DEFAULT-VALUE}).")
    String refresh;

    /** Checks every option, then that Kafka answers (a failure if not), then tails. */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String fmt = format.toLowerCase(Locale.ROOT);
        String start = from.toLowerCase(Locale.ROOT);
        if (!fmt.equals("table") && !fmt.equals("json")) {
            throw CliErrors.usage(spec, "--format", "'" + format + "' must be table or json");
        }
        if (!start.equals("beginning") && !start.equals("now")) {
            throw CliErrors.usage(spec, "--from", "'" + from + "' must be beginning or now");
        }
        CliErrors.atLeast(spec, "--max", max, 0);
        Duration idle =
                idleTimeout == null
                        ? null
                        : CliErrors.duration(spec, "--idle-timeout", idleTimeout);
        Duration every = CliErrors.duration(spec, "--refresh", refresh);
        long untilMs =
                until == null
                        ? Long.MAX_VALUE
                        : CliErrors.option(spec, "--until", () -> WireFormat.parseTime(until));
        kafka.connectTimeout();
        Tailer.Options o =
                new Tailer.Options(
                        kafka.bootstrapServers(),
                        topic,
                        new HashSet<>(keys),
                        start.equals("beginning"),
                        max,
                        untilMs,
                        idle,
                        accuracy ? pointsTopic : null,
                        new PointParser(pointsFormat));
        kafka.awaitReachable();
        Tailer tailer = new Tailer();
        AtomicLong count = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        String why;
        if (accuracy) {
            AccuracyView view = new AccuracyView(out, fmt, every, o.keys());
            why = ReplayCommand.withStopHook(tailer::stop, () -> tailer.run(o, view, view::scored));
            view.print();
            count.set(view.scored());
        } else {
            boolean json = fmt.equals("json");
            if (!json) {
                out.printf(
                        "%-24s %-12s %-24s %6s %12s  %-20s %s%n",
                        "created", "sensor", "window end", "points", "next", "model", "mode");
            }
            Tailer.Listener printer =
                    new Tailer.Listener() {
                        @Override
                        public void forecast(Forecast f, byte[] raw, long ts) {
                            if (json) {
                                out.println(new String(raw, StandardCharsets.UTF_8));
                            } else {
                                out.printf(
                                        "%-24s %-12s %-24s %6d %12.4f  %-20s %s%n",
                                        WireFormat.formatTime(f.createdAt()),
                                        f.sensorId(),
                                        WireFormat.formatTime(f.windowEnd()),
                                        f.points(),
                                        f.next(),
                                        f.modelId(),
                                        f.mode());
                            }
                            out.flush();
                            count.incrementAndGet();
                        }

                        @Override
                        public void unreadable(ConsumerRecord<byte[], byte[]> r, String problem) {
                            unreadable.incrementAndGet();
                            err.println(
                                    "tail: unreadable forecast at "
                                            + r.topic()
                                            + "-"
                                            + r.partition()
                                            + "@"
                                            + r.offset()
                                            + ": "
                                            + problem);
                        }
                    };
            why =
                    ReplayCommand.withStopHook(
                            tailer::stop, () -> tailer.run(o, printer, count::get));
        }
        err.printf(
                "tail: %,d forecast(s)%s, stopped (%s)%n",
                count.get(), accuracy ? " scored" : "", why);
        return 0;
    }

    /** The accuracy table, refreshed while the tail runs. */
    static final class AccuracyView implements Tailer.Listener {
        private final Accuracy accuracy = new Accuracy();
        private final PrintWriter out;
        private final boolean json;
        private final long refreshNanos;
        private final java.util.Set<String> keys;
        private long scored;
        private long printedAt = System.nanoTime();
        private long printedScored = -1;

        AccuracyView(PrintWriter out, String format, Duration refresh, java.util.Set<String> keys) {
            this.out = out;
            this.json = format.equals("json");
            this.refreshNanos = refresh.toNanos();
            this.keys = keys;
        }

        long scored() {
            return scored;
        }

        @Override
        public void forecast(Forecast f, byte[] raw, long ts) {
            scored += accuracy.forecast(f).size();
        }

        @Override
        public void point(ParsedPoint p) {
            if (p.isPoint() && (keys.isEmpty() || keys.contains(p.point().sensorId()))) {
                scored += accuracy.point(p.point()).size();
            }
        }

        @Override
        public void polled() {
            if (System.nanoTime() - printedAt >= refreshNanos && scored != printedScored) {
                print();
            }
        }

        void print() {
            printedAt = System.nanoTime();
            printedScored = scored;
            Map<String, Accuracy.Score> byKey = accuracy.byKey();
            Accuracy.Score all = accuracy.overall();
            if (json) {
                byKey.forEach((k, s) -> out.println(line(k, s)));
                out.println(line("*", all));
            } else {
                out.printf(
                        "%-12s %10s %12s %16s %10s%n",
                        "sensor", "forecasts", "MAE model", "MAE last-value", "pending");
                byKey.forEach(
                        (k, s) ->
                                out.printf(
                                        "%-12s %,10d %12.4f %16.4f%n",
                                        k, s.n(), s.mae(), s.baselineMae()));
                out.printf(
                        "%-12s %,10d %12.4f %16.4f %10d%n%n",
                        "ALL", all.n(), all.mae(), all.baselineMae(), accuracy.pending());
            }
            out.flush();
        }

        private static String line(String key, Accuracy.Score s) {
            return String.format(
                    Locale.ROOT,
                    "{\"sensor\":\"%s\",\"forecasts\":%d,\"mae\":%s,\"baselineMae\":%s}",
                    key.replace("\"", "\\\""),
                    s.n(),
                    num(s.mae()),
                    num(s.baselineMae()));
        }

        private static String num(double d) {
            return Double.isFinite(d) ? Double.toString(d) : "null";
        }
    }
}
