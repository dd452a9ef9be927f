package io.forecaster.cli.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.WireFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the points of a CSV file (with a header row) or a JSON-lines file (one object a line).
 * The key, time and value columns are named by {@link Columns}; left null, they are guessed from
 * the header ({@code key}/{@code sensor}/{@code sensor_id}/{@code id}, {@code time}/{@code date}/
 * {@code timestamp}/{@code datetime}, {@code value}). Every error names the file, the line, the
 * column and the bad value.
 */
public final class RowReader {

    /** Input file layouts. */
    public enum Layout {
        CSV,
        JSONL;

        /** JSONL for {@code .jsonl}, {@code .ndjson} and {@code .json} files, else CSV. */
        public static Layout of(Path file) {
            String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json") ? JSONL : CSV;
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

    /** The rows of a file and how many lines were skipped as bad (when skipping is on). */
    public record Rows(List<SensorPoint> points, int skipped, List<String> problems) {}

    private static final List<String> KEY_NAMES = List.of("key", "sensor", "sensor_id", "sensorid", "station", "id");
    private static final List<String> TIME_NAMES = List.of("time", "date", "timestamp", "datetime", "event_time");
    private static final List<String> VALUE_NAMES = List.of("value", "val", "y");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RowReader() {}

    /**
     * Reads a whole file.
     *
     * @param skipBad true: a bad row is counted and skipped; false: it stops the read
     * @throws IllegalArgumentException on a bad row (when not skipping) or a missing column
     */
    public static Rows read(Path file, Layout layout, Columns columns, boolean skipBad) {
        Objects.requireNonNull(columns, "columns");
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return layout == Layout.CSV
                    ? readCsv(file, in, columns, skipBad)
                    : readJsonLines(file, in, columns, skipBad);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Rows readCsv(Path file, Reader in, Columns c, boolean skipBad) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setHeader().setSkipHeaderRecord(true).setAllowMissingColumnNames(true)
                .setIgnoreEmptyLines(true).setTrim(true).get();
        List<SensorPoint> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        try (CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get()) {
            List<String> header = parser.getHeaderNames();
            String keyCol = c.fixedKey() != null ? null : column(file, header, c.key(), KEY_NAMES, "key");
            String timeCol = column(file, header, c.time(), TIME_NAMES, "time");
            String valueCol = column(file, header, c.value(), VALUE_NAMES, "value");
            for (CSVRecord r : parser) {
                long line = parser.getCurrentLineNumber();
                try {
                    String key = keyCol == null ? c.fixedKey() : field(r, keyCol);
                    out.add(point(key, field(r, timeCol), field(r, valueCol), timeCol, valueCol));
                } catch (IllegalArgumentException e) {
                    String msg = file + ":" + line + ": " + e.getMessage();
                    if (!skipBad) {
                        throw new IllegalArgumentException(msg, e);
                    }
                    skipped++;
                    if (problems.size() < 10) {
                        problems.add(msg);
                    }
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(file + ": not a CSV file: " + e.getMessage(), e);
        }
        return new Rows(out, skipped, problems);
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
                    throw new IllegalArgumentException("not a JSON object: "
                            + WireFormat.shorten(line));
                }
                if (n == null || !n.isObject()) {
                    throw new IllegalArgumentException("not a JSON object: " + WireFormat.shorten(line));
                }
                String k = keyCol != null ? keyCol : pick(n, KEY_NAMES, "sensor");
                String t = c.time() != null ? c.time() : pick(n, TIME_NAMES, "time");
                String v = c.value() != null ? c.value() : pick(n, VALUE_NAMES, "value");
                String key = c.fixedKey() != null ? c.fixedKey() : text(n, k);
                out.add(point(key, text(n, t), text(n, v), t, v));
            } catch (IllegalArgumentException e) {
                String msg = file + ":" + lineNo + ": " + e.getMessage();
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

    private static SensorPoint point(String key, String time, String value, String timeCol, String valueCol) {
        String problem = WireFormat.keyProblem(key);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        long t;
        try {
            t = WireFormat.parseTime(time);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column \"" + timeCol + "\": " + e.getMessage());
        }
        double v;
        try {
            v = new BigDecimal(value.strip()).doubleValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "column \"" + valueCol + "\": not a number: \"" + WireFormat.shorten(value) + "\"");
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("column \"" + valueCol + "\": not finite: " + value);
        }
        return new SensorPoint(key, t, v);
    }

    private static String field(CSVRecord r, String col) {
        if (!r.isSet(col)) {
            throw new IllegalArgumentException("column \"" + col + "\" is missing in this row");
        }
        return r.get(col);
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

    private static String column(Path file, List<String> header, String wanted, List<String> guesses, String what) {
        if (wanted != null) {
            if (!header.contains(wanted)) {
                throw new IllegalArgumentException(file + ": no " + what + " column \"" + wanted
                        + "\"; the header has " + header);
            }
            return wanted;
        }
        for (String g : guesses) {
            for (String h : header) {
                if (h.equalsIgnoreCase(g)) {
                    return h;
                }
            }
        }
        throw new IllegalArgumentException(file + ": cannot tell the " + what + " column of "
                + header + "; name it with --" + what + "-column"
                + (what.equals("key") ? " or give one key with --key" : ""));
    }
}
