package io.forecaster.cli.kafka;

import io.forecaster.broker.Topics;
import io.forecaster.cli.CliErrors;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.wire.ForecastCodec;
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
            "Prints the committed forecasts of a topic as a table or as JSON lines. With"
                    + " --accuracy,",
            "prints the running accuracy per key and overall: the job's own figures from its"
                    + " accuracy",
            "topic when that topic exists (MAE over every forecast step, last-value MAE, interval",
            "coverage per level), else the MAE of each forecast's next-step value against the"
                    + " actual",
            "next point of the points topic, next to the last-value baseline.",
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
            description =
                    "table or json (default ${DEFAULT-VALUE}); json prints each record's JSON,"
                            + " forecasts written as CBOR too.")
    String format;

    @Option(
            names = "--accuracy",
            description = "Show the running accuracy instead of the forecasts.")
    boolean accuracy;

    @Option(
            names = "--accuracy-topic",
            defaultValue = "accuracy",
            description =
                    "The job's accuracy topic (kafka.accuracy.topic), read by --accuracy when it"
                            + " exists, always from its beginning, the latest record per key;"
                            + " empty: score here from the forecasts and points topics (default"
                            + " ${DEFAULT-VALUE}).")
    String accuracyTopic;

    @Option(
            names = "--points-topic",
            defaultValue = "sensor-points",
            description =
                    "Points topic for --accuracy without the job's accuracy topic (default"
                            + " ${DEFAULT-VALUE}).")
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
        kafka.awaitReachable();
        boolean jobAccuracy =
                accuracy
                        && !accuracyTopic.isBlank()
                        && Topics.exists(kafka.bootstrapServers(), accuracyTopic);
        if (jobAccuracy) {
            err.printf(
                    "tail: the job's accuracy records from topic %s (every forecast step, the"
                            + " latest record per key)%n",
                    accuracyTopic);
        } else if (accuracy) {
            err.printf(
                    "tail: %s, so scoring next-step forecasts of %s against the points of %s"
                            + " here%n",
                    accuracyTopic.isBlank()
                            ? "--accuracy-topic is empty"
                            : "no topic " + accuracyTopic + " on the broker",
                    topic,
                    pointsTopic);
        }
        Tailer.Options o =
                new Tailer.Options(
                        kafka.bootstrapServers(),
                        jobAccuracy ? accuracyTopic : topic,
                        new HashSet<>(keys),
                        start.equals("beginning"),
                        max,
                        untilMs,
                        idle,
                        accuracy && !jobAccuracy ? pointsTopic : null,
                        new PointParser(pointsFormat),
                        jobAccuracy);
        Tailer tailer = new Tailer();
        AtomicLong count = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        String why;
        if (jobAccuracy) {
            JobAccuracyView view = new JobAccuracyView(out, err, fmt, every);
            why = ReplayCommand.withStopHook(tailer::stop, () -> tailer.run(o, view, view::scored));
            view.print();
            count.set(view.scored());
        } else if (accuracy) {
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
                                // a CBOR record (kafka.forecasts.format=CBOR) as its JSON
                                byte[] text =
                                        ForecastCodec.isCbor(raw) ? ForecastCodec.toJson(f) : raw;
                                out.println(new String(text, StandardCharsets.UTF_8));
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
                            err.println(unreadableLine("forecast", r, problem));
                        }
                    };
            why =
                    ReplayCommand.withStopHook(
                            tailer::stop, () -> tailer.run(o, printer, count::get));
        }
        err.printf(
                "tail: %,d %s, stopped (%s)%n",
                count.get(),
                jobAccuracy
                        ? "forecast step(s) scored by the job"
                        : accuracy ? "forecast(s) scored" : "forecast(s)",
                why);
        return 0;
    }

    /**
     * The job's accuracy records as a table (latest record per key, total weighted by scored
     * steps), refreshed while the tail runs.
     */
    static final class JobAccuracyView implements Tailer.Listener {
        private final AccuracyRecords records = new AccuracyRecords();
        private final PrintWriter out;
        private final PrintWriter err;
        private final boolean json;
        private final long refreshNanos;
        private long printedAt = System.nanoTime();
        private long printedScored = -1;

        JobAccuracyView(PrintWriter out, PrintWriter err, String format, Duration refresh) {
            this.out = out;
            this.err = err;
            this.json = format.equals("json");
            this.refreshNanos = refresh.toNanos();
        }

        long scored() {
            return records.scored();
        }

        @Override
        public void forecast(Forecast f, byte[] raw, long ts) {}

        @Override
        public void accuracy(io.forecaster.connectors.Accuracy a) {
            records.add(a);
        }

        @Override
        public void unreadable(ConsumerRecord<byte[], byte[]> r, String problem) {
            err.println(unreadableLine("accuracy record", r, problem));
        }

        @Override
        public void polled() {
            if (System.nanoTime() - printedAt >= refreshNanos && scored() != printedScored) {
                print();
            }
        }

        void print() {
            printedAt = System.nanoTime();
            printedScored = scored();
            double[] levels = records.levels();
            io.forecaster.connectors.Accuracy all = records.total("*");
            if (json) {
                records.byKey().values().forEach(a -> out.println(line(a, levels)));
                out.println(line(all, levels));
            } else {
                StringBuilder head =
                        new StringBuilder(
                                String.format(
                                        "%-12s %12s %12s %16s",
                                        "sensor", "steps scored", "MAE model", "MAE last-value"));
                for (double level : levels) {
                    head.append(String.format(" %9s", "in " + AccuracyRecords.label(level)));
                }
                out.println(head);
                records.byKey().values().forEach(a -> out.println(row(a.sensorId(), a, levels)));
                out.println(row("ALL", all, levels));
                out.println();
            }
            out.flush();
        }

        private static String row(
                String key, io.forecaster.connectors.Accuracy a, double[] levels) {
            StringBuilder sb =
                    new StringBuilder(
                            String.format(
                                    "%-12s %,12d %12s %16s",
                                    key, a.scored(), fixed(a.mae()), fixed(a.baselineMae())));
            for (double level : levels) {
                double c = AccuracyRecords.coverage(a, level);
                sb.append(
                        String.format(
                                " %9s", Double.isNaN(c) ? "-" : String.format("%.1f%%", 100 * c)));
            }
            return sb.toString();
        }

        private static String fixed(double d) {
            return Double.isNaN(d) ? "-" : String.format("%.4f", d);
        }

        private static String line(io.forecaster.connectors.Accuracy a, double[] levels) {
            StringBuilder cov = new StringBuilder();
            StringBuilder lv = new StringBuilder();
            for (double level : levels) {
                cov.append(cov.length() == 0 ? "" : ",")
                        .append(AccuracyView.num(AccuracyRecords.coverage(a, level)));
                lv.append(lv.length() == 0 ? "" : ",").append(level);
            }
            return String.format(
                    Locale.ROOT,
                    "{\"sensor\":\"%s\",\"scored\":%d,\"mae\":%s,\"baselineMae\":%s,"
                            + "\"levels\":[%s],\"coverage\":[%s]}",
                    a.sensorId().replace("\"", "\\\""),
                    a.scored(),
                    AccuracyView.num(a.mae()),
                    AccuracyView.num(a.baselineMae()),
                    lv,
                    cov);
        }
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

        static String num(double d) {
            return Double.isFinite(d) ? Double.toString(d) : "null";
        }
    }

    /** "tail: unreadable WHAT at topic-partition@offset: PROBLEM". */
    static String unreadableLine(String what, ConsumerRecord<?, ?> r, String problem) {
        return "tail: unreadable "
                + what
                + " at "
                + r.topic()
                + "-"
                + r.partition()
                + "@"
                + r.offset()
                + ": "
                + problem;
    }
}
