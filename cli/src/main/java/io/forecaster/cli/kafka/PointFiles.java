package io.forecaster.cli.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.training.data.SeriesCsv;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads the points of a CSV file (with a header row, through {@link SeriesCsv}) or a JSON-lines
 * file (one object a line) for replay. The key, time and value columns are named by {@link
 * Columns}; left null, they are guessed from the header ({@code key}/{@code sensor}/{@code
 * sensor_id}/{@code id}, {@code time}/{@code date}/{@code timestamp}/{@code datetime}, {@code
 * value}). Every error names the file, the line, the column and the bad value.
 */
public final class PointFiles {

    /** Input file layouts. */
    public enum Layout {
        CSV,
        JSONL;

        /** JSONL for {@code .jsonl}, {@code .ndjson} and {@code .json} files, else CSV. */
        public static Layout of(Path file) {
            String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")
                    ? JSONL
                    : CSV;
        }
    }

    /**
     * Which columns hold what.
     *
     * @param key the key column, or null to guess
     * @param fixedKey a key for every row (a file of one series), or null
     * @param time the time column, or null to guess
     * @param value the value column, or null to guess
     */
    public record Columns(String key, String fixedKey, String time, String value) {
        /** Guess everything. */
        public static Columns guess() {
            return new Columns(null, null, null, null);
        }
    }

    /**
     * The rows of a file, how many lines were skipped as bad (when skipping is on), and how many
     * rows had no value (an empty or NaN value cell: a missing value, kept out, never an error).
     */
    public record Rows(List<SensorPoint> points, int skipped, List<String> problems, int empty) {

        public Rows(List<SensorPoint> points, int skipped, List<String> problems) {
            this(points, skipped, problems, 0);
        }
    }

    /** A column that is not in the file, or cannot be guessed; names the option that sets it. */
    public static final class ColumnException extends IllegalArgumentException {
        private final String option;

        ColumnException(String option, String message) {
            super(message);
            this.option = option;
        }

        /** The option that names the column, e.g. {@code --value-column}. */
        public String option() {
            return option;
        }
    }

    private static final List<String> KEY_NAMES =
            List.of("key", "sensor", "sensor_id", "sensorid", "station", "id");
    private static final List<String> TIME_NAMES =
            List.of("time", "date", "timestamp", "datetime", "event_time");
    private static final List<String> VALUE_NAMES = List.of("value", "val", "y");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PointFiles() {}

    /**
     * Reads a whole file.
     *
     * @param skipBad true: a bad row is counted and skipped; false: it stops the read
     * @throws IllegalArgumentException on a bad row (when not skipping) or a missing column
     */
    public static Rows read(Path file, Layout layout, Columns columns, boolean skipBad) {
        Objects.requireNonNull(columns, "columns");
        return layout == Layout.CSV
                ? readCsv(file, columns, skipBad)
                : readJsonLines(file, columns, skipBad);
    }

    private static Rows readCsv(Path file, Columns c, boolean skipBad) {
        List<String> header = SeriesCsv.header(file);
        String keyCol =
                c.fixedKey() != null ? null : column(file, header, c.key(), KEY_NAMES, "key");
        String timeCol = column(file, header, c.time(), TIME_NAMES, "time");
        String valueCol = column(file, header, c.value(), VALUE_NAMES, "value");
        SeriesCsv.Rows<SensorPoint> rows =
                SeriesCsv.readWithMissing(
                        file,
                        new SeriesCsv.Columns(valueCol, keyCol, timeCol),
                        skipBad,
                        r -> {
                            // checked like any row, then kept out: a missing value, not bad
                            SensorPoint p =
                                    point(
                                            keyCol == null ? c.fixedKey() : r.key(),
                                            r.time(),
                                            Double.isNaN(r.value()) ? 0 : r.value(),
                                            timeCol);
                            return Double.isNaN(r.value()) ? null : p;
                        });
        List<SensorPoint> points = new ArrayList<>(rows.rows().size());
        int empty = 0;
        for (SensorPoint p : rows.rows()) {
            if (p == null) {
                empty++;
            } else {
                points.add(p);
            }
        }
        return new Rows(points, rows.skipped(), rows.problems(), empty);
    }

    private static Rows readJsonLines(Path file, Columns c, boolean skipBad) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return readJsonLines(file, in, c, skipBad);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("data file not found: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Rows readJsonLines(Path file, BufferedReader in, Columns c, boolean skipBad)
            throws IOException {
        String keyCol = c.fixedKey() != null ? null : c.key();
        List<SensorPoint> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        int lineNo = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n;
                try {
                    n = MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new IllegalArgumentException(
                            "not a JSON object: " + WireFormat.shorten(line));
                }
                if (n == null || !n.isObject()) {
                    throw new IllegalArgumentException(
                            "not a JSON object: " + WireFormat.shorten(line));
                }
                String k = keyCol != null ? keyCol : pick(n, KEY_NAMES, "sensor");
                String t = c.time() != null ? c.time() : pick(n, TIME_NAMES, "time");
                String v = c.value() != null ? c.value() : pick(n, VALUE_NAMES, "value");
                String key = c.fixedKey() != null ? c.fixedKey() : text(n, k);
                out.add(point(key, text(n, t), value(text(n, v), v), t));
            } catch (IllegalArgumentException e) {
                String msg = file + " line " + lineNo + ": " + e.getMessage();
                if (!skipBad) {
                    throw new IllegalArgumentException(msg, e);
                }
                skipped++;
                if (problems.size() < 10) {
                    problems.add(msg);
                }
            }
        }
        return new Rows(out, skipped, problems);
    }

    private static SensorPoint point(String key, String time, double value, String timeCol) {
        String problem = WireFormat.keyProblem(key);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        try {
            return new SensorPoint(key, WireFormat.parseTime(time), value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column '" + timeCol + "': " + e.getMessage());
        }
    }

    /** A JSON field's value; CSV values are parsed by {@link SeriesCsv}. */
    private static double value(String text, String field) {
        try {
            double v = Double.parseDouble(text.strip());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(
                "field '"
                        + field
                        + "' value '"
                        + WireFormat.shorten(text)
                        + "' is not a finite number");
    }

    private static String text(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            throw new IllegalArgumentException("field \"" + field + "\" is missing");
        }
        return f.isTextual() ? f.textValue() : f.toString();
    }

    private static String pick(JsonNode n, List<String> names, String fallback) {
        for (String name : names) {
            if (n.has(name)) {
                return name;
            }
        }
        return fallback;
    }

    private static String column(
            Path file, List<String> header, String wanted, List<String> guesses, String what) {
        if (wanted != null) {
            if (!header.contains(wanted)) {
                throw new ColumnException(
                        "--" + what + "-column",
                        "'" + wanted + "' not found in " + file + "; columns are " + header);
            }
            return wanted;
        }
        String found = SeriesCsv.find(header, guesses);
        if (found == null) {
            throw new ColumnException(
                    "--" + what + "-column",
                    "cannot tell the "
                            + what
                            + " column of "
                            + file
                            + " "
                            + header
                            + "; name it with --"
                            + what
                            + "-column"
                            + (what.equals("key") ? " or give one key with --key" : ""));
        }
        return found;
    }
}
