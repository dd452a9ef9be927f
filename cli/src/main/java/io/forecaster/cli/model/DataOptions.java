package io.forecaster.cli.model;

import io.forecaster.broker.Topics;
import io.forecaster.cli.CliErrors;
import io.forecaster.cli.kafka.KafkaCli;
import io.forecaster.cli.kafka.TopicHistory;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.model.grid.Aggregate;
import io.forecaster.model.grid.GapFill;
import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.data.SeriesCsv;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options naming the series: a CSV file (value column, key and time columns) or a points topic
 * ({@link TopicHistory}), an optional key filter, and the time grid.
 */
public final class DataOptions {

    @Option(
            names = "--data",
            paramLabel = "FILE",
            description = "CSV file with a header row (or --topic).")
    Path file;

    @Option(
            names = "--topic",
            paramLabel = "NAME",
            description =
                    "Instead of --data: a points topic in the job's wire format, read_committed,"
                        + " every partition from its beginning up to its end offsets at the start"
                        + " (never waiting for more); each record's key is a series, its time and"
                        + " value a point, ordered by time per key (the first of equal times wins);"
                        + " records that cannot be read are counted and reported.")
    String topic;

    @Option(
            names = {"-b", "--bootstrap-servers"},
            paramLabel = "HOST:PORT",
            description =
                    "With --topic: Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or "
                            + DEFAULT_BOOTSTRAP
                            + ").")
    String bootstrapServers;

    @Option(
            names = "--points-format",
            paramLabel = "FORMAT",
            description =
                    "With --topic: value format of the points, as the job's kafka.points.format:"
                            + " JSON, CSV or BINARY (default: JSON).")
    String pointsFormat;

    @Option(
            names = "--points-max-bytes",
            paramLabel = "BYTES",
            description =
                    "With --topic: longest point value read, as the job's kafka.points.max-bytes;"
                            + " longer ones are counted as too-large (default: "
                            + WireFormat.DEFAULT_MAX_VALUE_BYTES
                            + ").")
    Integer pointsMaxBytes;

    @Option(
            names = "--connect-timeout",
            paramLabel = "DURATION",
            description =
                    "With --topic: give up when no broker answers, or the read makes no progress,"
                            + " for this long (default: "
                            + DEFAULT_TIMEOUT
                            + ").")
    String connectTimeout;

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final String DEFAULT_TIMEOUT = "30s";

    @Option(
            names = "--column",
            paramLabel = "NAME",
            description = "Value column (default: the last column).")
    String column;

    @Option(
            names = "--key-column",
            paramLabel = "NAME",
            description = "Key column of a long key,date,value file: one series per key.")
    String keyColumn;

    @Option(
            names = "--key",
            paramLabel = "KEY",
            split = ",",
            description = "Use only these keys (needs --key-column; default: every key).")
    List<String> keys;

    @Option(
            names = "--time-column",
            paramLabel = "NAME",
            description =
                    "Time column (ISO-8601 or epoch ms): rows are ordered by time per key and"
                        + " repeated times reported (default with --interval: a column named time,"
                        + " date, timestamp, datetime or event_time).")
    String timeColumn;

    @Option(
            names = "--interval",
            paramLabel = "DURATION",
            description =
                    "Time grid, as the job's series.interval (e.g. 1h, 1d): one value per slot;"
                            + " empty and NaN cells are missing slots.")
    String interval;

    @Option(
            names = "--aggregate",
            paramLabel = "HOW",
            defaultValue = "mean",
            description =
                    "With --interval: points in one slot combined by mean, last, first, max, min"
                            + " or sum (default: ${DEFAULT-VALUE}).")
    String aggregate;

    @Option(
            names = "--gap-fill",
            paramLabel = "HOW",
            defaultValue = "linear",
            description =
                    "With --interval: missing slots filled by none, hold or linear (default:"
                            + " ${DEFAULT-VALUE}).")
    String gapFill;

    @Option(
            names = "--gap-max-fill",
            paramLabel = "SLOTS",
            defaultValue = "3",
            description =
                    "With --interval: the longest gap filled; a longer one restarts the series"
                            + " (default: ${DEFAULT-VALUE}).")
    int gapMaxFill;

    @Option(
            names = "--origin",
            paramLabel = "TIME",
            defaultValue = "1970-01-01T00:00:00Z",
            description =
                    "With --interval: a slot start, ISO-8601 or epoch ms (default:"
                            + " ${DEFAULT-VALUE}).")
    String origin;

    /** The time grid of {@code --interval} and its options, or null without {@code --interval}. */
    TimeGrid grid(CommandSpec spec) {
        checkSource(spec);
        if (interval == null) {
            return null;
        }
        Duration d = CliErrors.option(spec, "--interval", () -> TimeUtils.parseDuration(interval));
        if (d.isNegative() || d.toMillis() < 1) {
            throw CliErrors.usage(spec, "--interval", "'" + interval + "' must be at least 1 ms");
        }
        Aggregate how = CliErrors.option(spec, "--aggregate", () -> Aggregate.parse(aggregate));
        GapFill fill = CliErrors.option(spec, "--gap-fill", () -> GapFill.parse(gapFill));
        CliErrors.atLeast(spec, "--gap-max-fill", gapMaxFill, 0);
        long originMs = CliErrors.option(spec, "--origin", () -> WireFormat.parseTime(origin));
        return TimeGrid.of(d, originMs, how, fill, gapMaxFill);
    }

    /** One key's rows on the grid. */
    record KeyGrid(String key, TimeGrid.Gridded gridded) {}

    /**
     * Every key's rows (or the {@code --key} ones) on the grid {@code grid}, in file order of the
     * keys: ordered by time, repeated times and empty cells dropped, slots aggregated and gaps
     * filled or restarted by {@link TimeGrid#grid}, exactly as the job does with the same points.
     */
    Map<String, TimeGrid.Gridded> readGrid(CommandSpec spec, TimeGrid grid) {
        checkSource(spec);
        if (topic != null) {
            Map<String, TimeGrid.Gridded> out = new LinkedHashMap<>();
            chosen(spec, history(spec).byKey())
                    .forEach((k, p) -> out.put(k, grid.grid(p.times(), p.values())));
            return out;
        }
        String timeCol = timeColumn(spec);
        Map<String, List<SeriesCsv.Row>> rows = new LinkedHashMap<>();
        List<String> header = checkColumns(spec);
        String valueColumn = column != null ? column : header.get(header.size() - 1);
        CliErrors.option(
                spec,
                "--data",
                () ->
                        SeriesCsv.readWithMissing(
                                file,
                                new SeriesCsv.Columns(valueColumn, keyColumn, timeCol),
                                false,
                                row ->
                                        rows.computeIfAbsent(row.key(), k -> new ArrayList<>())
                                                .add(row)));
        if (rows.isEmpty()) {
            throw CliErrors.usage(spec, "--data", file + " has no data rows");
        }
        Map<String, TimeGrid.Gridded> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<SeriesCsv.Row>> e : chosen(spec, rows).entrySet()) {
            List<SeriesCsv.Row> keyRows = e.getValue();
            long[] times = new long[keyRows.size()];
            double[] values = new double[keyRows.size()];
            for (int i = 0; i < times.length; i++) {
                SeriesCsv.Row r = keyRows.get(i);
                times[i] = time(spec, r, timeCol);
                values[i] = r.value();
            }
            out.put(e.getKey(), grid.grid(times, values));
        }
        return out;
    }

    /** The time column: the one given, else one named like a time. */
    private String timeColumn(CommandSpec spec) {
        if (timeColumn != null) {
            return timeColumn;
        }
        List<String> header = CliErrors.option(spec, "--data", () -> SeriesCsv.header(file));
        String found = SeriesCsv.find(header, TIME_NAMES);
        if (found == null) {
            throw CliErrors.usage(
                    spec,
                    "--time-column",
                    "none given and none of "
                            + TIME_NAMES
                            + " in "
                            + file
                            + "; columns are "
                            + header);
        }
        return found;
    }

    private long time(CommandSpec spec, SeriesCsv.Row r, String timeCol) {
        try {
            return WireFormat.parseTime(r.time());
        } catch (RuntimeException e) {
            throw CliErrors.usage(
                    spec,
                    "--data",
                    file
                            + " line "
                            + r.line()
                            + ": column '"
                            + timeCol
                            + "' value '"
                            + r.time()
                            + "' is not a time: "
                            + e.getMessage());
        }
    }

    /** Names a time column is guessed from, as replay guesses them. */
    static final List<String> TIME_NAMES =
            List.of("time", "date", "timestamp", "datetime", "event_time");

    /**
     * Without a grid but with {@code --time-column}: each key's rows ordered by time, rows with a
     * repeated time (the first one wins) and empty cells dropped; {@code report} gets one line per
     * key that had any.
     */
    Map<String, double[]> readOrdered(
            CommandSpec spec, java.util.function.Consumer<String> report) {
        TimeGrid none = new TimeGrid(1, 0, Aggregate.FIRST, GapFill.NONE, 0);
        Map<String, double[]> out = new LinkedHashMap<>();
        readGrid(spec, none)
                .forEach(
                        (k, g) -> {
                            int n = g.segments().stream().mapToInt(TimeGrid.Segment::length).sum();
                            double[] all = new double[n];
                            int i = 0;
                            for (TimeGrid.Segment s : g.segments()) {
                                System.arraycopy(s.values(), 0, all, i, s.length());
                                i += s.length();
                            }
                            out.put(k, all);
                            TimeGrid.Stats st = g.stats();
                            if (st.empty() + st.duplicates() > 0) {
                                report.accept(
                                        String.format(
                                                Locale.ROOT,
                                                "%s: %d rows, %d empty, %d repeated times dropped",
                                                k.isEmpty() ? "series" : k,
                                                st.rows(),
                                                st.empty(),
                                                st.duplicates()));
                            }
                        });
        return out;
    }

    /** Whether rows are read by time ({@code --time-column} or {@code --interval} given). */
    boolean timed() {
        return topic != null || timeColumn != null || interval != null;
    }

    private <V> Map<String, V> chosen(CommandSpec spec, Map<String, V> all) {
        if (keys == null) {
            return all;
        }
        Map<String, V> chosen = new LinkedHashMap<>();
        for (String k : keys) {
            V s = all.get(k);
            if (s == null) {
                throw CliErrors.usage(
                        spec,
                        "--key",
                        "'" + k + "' not found in " + keysWhere() + "; keys are " + all.keySet());
            }
            chosen.put(k, s);
        }
        return chosen;
    }

    private String keysWhere() {
        return topic != null ? "topic " + topic : "column '" + keyColumn + "' of " + file;
    }

    /**
     * Checks that exactly one of {@code --data} and {@code --topic} is given, and only the options
     * that go with it: a usage error naming the option otherwise.
     */
    private void checkSource(CommandSpec spec) {
        if (file != null && topic != null) {
            throw CliErrors.usage(
                    spec,
                    "--topic",
                    "give --data FILE or --topic NAME, not both (--data " + file + ")");
        }
        if (file == null && topic == null) {
            throw CliErrors.usage(
                    spec,
                    "--data",
                    "missing: give --data FILE (a CSV file) or --topic NAME (a points topic)");
        }
        if (topic == null) {
            needsTopic(spec, "--bootstrap-servers", bootstrapServers);
            needsTopic(spec, "--points-format", pointsFormat);
            needsTopic(spec, "--connect-timeout", connectTimeout);
            needsTopic(spec, "--points-max-bytes", pointsMaxBytes);
            return;
        }
        csvOnly(spec, "--column", column);
        csvOnly(spec, "--key-column", keyColumn);
        csvOnly(spec, "--time-column", timeColumn);
        servers(spec);
        timeout(spec);
        pointFormat(spec);
    }

    private PointFormat pointFormat(CommandSpec spec) {
        if (pointsFormat == null) {
            return PointFormat.JSON;
        }
        try {
            return PointFormat.valueOf(pointsFormat.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliErrors.usage(
                    spec,
                    "--points-format",
                    "'"
                            + pointsFormat
                            + "' is not a points format; choose one of "
                            + java.util.Arrays.toString(PointFormat.values()));
        }
    }

    private String servers(CommandSpec spec) {
        return KafkaCli.checkBootstrap(
                spec,
                "--bootstrap-servers",
                bootstrapServers != null ? bootstrapServers : defaultBootstrap());
    }

    private Duration timeout(CommandSpec spec) {
        Duration timeout =
                CliErrors.duration(
                        spec,
                        "--connect-timeout",
                        connectTimeout != null ? connectTimeout : DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw CliErrors.usage(spec, "--connect-timeout", "must be above 0");
        }
        return timeout;
    }

    private static void needsTopic(CommandSpec spec, String option, Object value) {
        if (value != null) {
            throw CliErrors.usage(spec, option, "goes with --topic, not with --data");
        }
    }

    private static void csvOnly(CommandSpec spec, String option, Object value) {
        if (value != null) {
            throw CliErrors.usage(
                    spec,
                    option,
                    "names a CSV column; with --topic each record gives the key, time and value");
        }
    }

    /** The topic's history, read once on first use (null with {@code --data}). */
    private TopicHistory.Result history;

    /**
     * Reads {@code --topic} once and prints what was read: the offsets, records, points and keys,
     * and a line on the records that could not be read. A missing topic, or one without a readable
     * point, is a usage error; no broker answering is a failure.
     */
    private TopicHistory.Result history(CommandSpec spec) {
        if (history != null) {
            return history;
        }
        String servers = servers(spec);
        Duration timeout = timeout(spec);
        int maxBytes = pointsMaxBytes == null ? WireFormat.DEFAULT_MAX_VALUE_BYTES : pointsMaxBytes;
        if (maxBytes <= 0) {
            throw CliErrors.usage(
                    spec,
                    "--points-max-bytes",
                    "must be a positive number of bytes, got " + maxBytes);
        }
        PointParser parser =
                new PointParser(pointFormat(spec), maxBytes, java.time.Clock.systemUTC());
        Topics.awaitReachable(servers, timeout);
        TopicHistory.Result r =
                CliErrors.option(
                        spec,
                        "--topic",
                        () ->
                                TopicHistory.read(
                                        new TopicHistory.Options(servers, topic, parser, timeout)));
        PrintWriter out = spec.commandLine().getOut();
        out.println(r.summary());
        if (r.unreadableLine() != null) {
            out.println(r.unreadableLine());
        }
        out.flush();
        if (r.byKey().isEmpty()) {
            throw CliErrors.usage(
                    spec,
                    "--topic",
                    "topic "
                            + topic
                            + " has no readable point up to its end offsets "
                            + r.endOffsetsText());
        }
        history = r;
        return r;
    }

    private static String defaultBootstrap() {
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return env != null && !env.isBlank() ? env : DEFAULT_BOOTSTRAP;
    }

    /** Where the series come from, for the commands' lines: the file, or "topic NAME". */
    String name() {
        return topic != null ? "topic " + topic : String.valueOf(file);
    }

    /**
     * The bundle's data digest: the file's sha256, or with {@code --topic} the sha256 of the points
     * read ({@link TopicHistory.Result#sha256()}); read the series first.
     */
    String sha256() throws IOException {
        if (topic != null) {
            if (history == null) {
                throw new IllegalStateException("the topic is read by read or readGrid first");
            }
            return history.sha256();
        }
        return Cli.sha256(file);
    }

    /**
     * What the bundle's source adds to the command line: with {@code --topic}, the end offsets the
     * read stopped at, so the same points can be read again; nothing for a file (its sha256 names
     * it).
     */
    String sourceNote() {
        return history == null
                ? ""
                : " (topic " + topic + " end offsets " + history.endOffsetsText() + ")";
    }

    private List<String> checkColumns(CommandSpec spec) {
        if (keys != null && keyColumn == null) {
            throw CliErrors.usage(spec, "--key", "needs --key-column");
        }
        CliErrors.inputFile(spec, "--data", file);
        List<String> header = CliErrors.option(spec, "--data", () -> SeriesCsv.header(file));
        requireColumn(spec, "--column", column, header);
        requireColumn(spec, "--key-column", keyColumn, header);
        requireColumn(spec, "--time-column", timeColumn, header);
        return header;
    }

    private void requireColumn(CommandSpec spec, String option, String name, List<String> header) {
        if (name != null && !header.contains(name)) {
            throw CliErrors.usage(
                    spec,
                    option,
                    "'" + name + "' not found in " + file + "; columns are " + header);
        }
    }

    /** What reading the rows by time dropped, one line per key; for the command to print. */
    final List<String> notes = new ArrayList<>();

    /** The value column: the one given, else the file's last column. */
    String column() {
        if (topic != null) {
            return "value";
        }
        if (column != null) {
            return column;
        }
        List<String> header = SeriesCsv.header(file);
        return header.get(header.size() - 1);
    }

    /**
     * The series to use, by key ("" for a single-series file), in file order. A missing file,
     * column or key, or a bad row, is a usage error naming the option.
     */
    Map<String, double[]> read(CommandSpec spec) {
        if (interval != null) {
            throw new IllegalStateException("a grid is read with readGrid");
        }
        checkSource(spec);
        if (topic != null) {
            return readOrdered(spec, notes::add);
        }
        if (timeColumn != null) {
            checkColumns(spec);
            return readOrdered(spec, notes::add);
        }
        List<String> header = checkColumns(spec);
        String valueColumn = column != null ? column : header.get(header.size() - 1);
        Map<String, double[]> all =
                CliErrors.option(
                        spec, "--data", () -> SeriesCsv.readByKey(file, valueColumn, keyColumn));
        if (keys == null) {
            return all;
        }
        Map<String, double[]> chosen = new LinkedHashMap<>();
        for (String k : keys) {
            double[] s = all.get(k);
            if (s == null) {
                throw CliErrors.usage(
                        spec,
                        "--key",
                        "'"
                                + k
                                + "' not found in column '"
                                + keyColumn
                                + "' of "
                                + file
                                + "; keys are "
                                + all.keySet());
            }
            chosen.put(k, s);
        }
        return chosen;
    }
}
