package io.forecaster.training.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads time series from CSV files with a header row, the columns named by the caller: the one CSV
 * reader of training, evaluation and replay. Two layouts work: one series per file (the course's
 * {@code Sunspots.csv}: {@code ,Date,Monthly Mean Total Sunspot Number}) and the long layout {@code
 * key,date,value} holding one series per key in row order (the wind data). Every error names the
 * file, and where it applies the line, column and value.
 */
public final class SeriesCsv {

    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .setAllowMissingColumnNames(true)
                    .setIgnoreEmptyLines(true)
                    .setTrim(true)
                    .get();

    /** Bad rows described in {@link Rows#problems()} at most, when skipping them. */
    static final int MAX_PROBLEMS = 10;

    /**
     * The columns to read.
     *
     * @param value the value column
     * @param key the key column, or null (every row has the key "")
     * @param time the time column, or null (rows carry no time)
     */
    public record Columns(String value, String key, String time) {
        public Columns {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("no value column given");
            }
        }
    }

    /**
     * One data row.
     *
     * @param line its line in the file (1 is the header)
     * @param key the key column's text, or "" without a key column
     * @param time the time column's text, or null without a time column
     * @param value the value, a finite number (NaN for a missing value, when asked for)
     */
    public record Row(long line, String key, String time, double value) {}

    /** The rows read and, when bad rows are skipped, how many were and the first few problems. */
    public record Rows<T>(List<T> rows, int skipped, List<String> problems) {}

    private SeriesCsv() {}

    /** The column names of {@code file}'s header row. */
    public static List<String> header(Path file) {
        try (CSVParser parser = open(file)) {
            return List.copyOf(parser.getHeaderNames());
        } catch (IOException | UncheckedIOException e) {
            throw ioError(file, e);
        }
    }

    /**
     * Reads every data row and maps it with {@code mapper}. A row is bad when it is too short, its
     * value is not a finite number, or {@code mapper} throws an {@link IllegalArgumentException};
     * the error then names the file and the line.
     *
     * @param skipBad true: a bad row is counted and skipped; false: it stops the read
     * @throws IllegalArgumentException on a missing file or column, or a bad row when not skipping
     */
    public static <T> Rows<T> read(
            Path file, Columns columns, boolean skipBad, Function<Row, T> mapper) {
        return read(file, columns, skipBad, false, mapper);
    }

    /**
     * As {@link #read(Path, Columns, boolean, Function)}, but an empty value cell or the text
     * {@code NaN} is a missing value (a row with value NaN), not a bad row: for series on a time
     * grid, where a missing value is a missing slot.
     */
    public static <T> Rows<T> readWithMissing(
            Path file, Columns columns, boolean skipBad, Function<Row, T> mapper) {
        return read(file, columns, skipBad, true, mapper);
    }

    private static <T> Rows<T> read(
            Path file,
            Columns columns,
            boolean skipBad,
            boolean missingAsNaN,
            Function<Row, T> mapper) {
        Objects.requireNonNull(columns, "columns");
        List<T> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        try (CSVParser parser = open(file)) {
            List<String> names = parser.getHeaderNames();
            int valueIndex = index(file, names, columns.value(), "value");
            int keyIndex = columns.key() == null ? -1 : index(file, names, columns.key(), "key");
            int timeIndex =
                    columns.time() == null ? -1 : index(file, names, columns.time(), "time");
            int needed = Math.max(valueIndex, Math.max(keyIndex, timeIndex)) + 1;
            for (CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                try {
                    if (record.size() < needed) {
                        String missing =
                                record.size() <= valueIndex
                                        ? columns.value()
                                        : record.size() <= keyIndex
                                                ? columns.key()
                                                : columns.time();
                        throw new IllegalArgumentException(
                                "has "
                                        + record.size()
                                        + " fields, column '"
                                        + missing
                                        + "' needs "
                                        + needed);
                    }
                    String text = record.get(valueIndex);
                    double value =
                            missingAsNaN && (text.isEmpty() || text.equalsIgnoreCase("nan"))
                                    ? Double.NaN
                                    : parse(columns.value(), text);
                    String key = keyIndex < 0 ? "" : record.get(keyIndex);
                    String time = timeIndex < 0 ? null : record.get(timeIndex);
                    out.add(mapper.apply(new Row(line, key, time, value)));
                } catch (IllegalArgumentException e) {
                    String problem = file + " line " + line + ": " + e.getMessage();
                    if (!skipBad) {
                        throw new IllegalArgumentException(problem, e);
                    }
                    skipped++;
                    if (problems.size() < MAX_PROBLEMS) {
                        problems.add(problem);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw ioError(file, e);
        }
        return new Rows<>(out, skipped, problems);
    }

    /** Every value of {@code column}, in row order. */
    public static double[] read(Path file, String column) {
        return read(file, column, null, null);
    }

    /**
     * The values of {@code column} in the rows whose {@code keyColumn} equals {@code key}, in row
     * order; all rows when {@code keyColumn} is null.
     */
    public static double[] read(Path file, String column, String keyColumn, String key) {
        if (keyColumn == null) {
            return readByKey(file, column, null).get("");
        }
        if (key == null) {
            throw new IllegalArgumentException(
                    "a key is needed to filter on column '" + keyColumn + "'");
        }
        Map<String, double[]> all = readByKey(file, column, keyColumn);
        double[] series = all.get(key);
        if (series == null) {
            throw new IllegalArgumentException(
                    "key '"
                            + key
                            + "' not found in column '"
                            + keyColumn
                            + "' of "
                            + file
                            + "; keys are "
                            + all.keySet());
        }
        return series;
    }

    /**
     * One series per distinct value of {@code keyColumn}, in order of first appearance, each in row
     * order. With a null {@code keyColumn} the whole column is one series under the key "".
     */
    public static Map<String, double[]> readByKey(Path file, String column, String keyColumn) {
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("no value column given for " + file);
        }
        Map<String, DoubleList> byKey = new LinkedHashMap<>();
        read(
                file,
                new Columns(column, keyColumn, null),
                false,
                row -> {
                    byKey.computeIfAbsent(row.key(), k -> new DoubleList()).add(row.value());
                    return null;
                });
        if (byKey.isEmpty()) {
            throw new IllegalArgumentException(file + " has no data rows");
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        byKey.forEach((k, v) -> result.put(k, v.toArray()));
        return result;
    }

    /**
     * The header's column named like one of {@code names} (case-insensitively, in the order of
     * {@code names}), or null if there is none.
     */
    public static String find(List<String> header, List<String> names) {
        for (String name : names) {
            for (String h : header) {
                if (h.equalsIgnoreCase(name)) {
                    return h;
                }
            }
        }
        return null;
    }

    private static CSVParser open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        try {
            CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get();
            if (parser.getHeaderNames().isEmpty()) {
                parser.close();
                throw new IllegalArgumentException(file + " is empty: no header row");
            }
            return parser;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private static int index(Path file, List<String> names, String column, String role) {
        int i = names.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException(
                    role
                            + " column '"
                            + column
                            + "' not found in "
                            + file
                            + "; columns are "
                            + names);
        }
        return i;
    }

    static double parse(String column, String text) {
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "column '" + column + "' value '" + text + "' is not a finite number");
        }
    }

    private static IllegalArgumentException ioError(Path file, Exception e) {
        if (e instanceof NoSuchFileException) {
            return new IllegalArgumentException("data file not found: " + file);
        }
        return new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }

    private static final class DoubleList {
        private double[] data = new double[1024];
        private int size;

        void add(double v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        double[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
