package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.model.grid.Aggregate;
import io.forecaster.model.grid.GapFill;
import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.data.SeriesCsv;
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

/** The options naming a CSV series: file, value column, and an optional key filter. */
public final class DataOptions {

    @Option(
            names = "--data",
            required = true,
            paramLabel = "FILE",
            description = "CSV file with a header row.")
    Path file;

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
        return timeColumn != null || interval != null;
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
