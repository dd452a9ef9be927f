package io.forecaster.training.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads time series from CSV files with a header row, the value column named by the user. Two
 * layouts work: one series per file (the course's {@code Sunspots.csv}: {@code ,Date,Monthly Mean
 * Total Sunspot Number}) and the long layout {@code key,date,value} holding one series per key in
 * row order (the wind data). Every error names the file, and where it applies the line, column
 * and value.
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

    private SeriesCsv() {}

    /** The column names of {@code file}'s header row. */
    public static List<String> header(Path file) {
        try (CSVParser parser = open(file)) {
            return List.copyOf(parser.getHeaderNames());
        } catch (IOException e) {
            throw ioError(file, e);
        }
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
            throw new IllegalArgumentException("a key is needed to filter on column '" + keyColumn + "'");
        }
        Map<String, double[]> all = readByKey(file, column, keyColumn);
        double[] series = all.get(key);
        if (series == null) {
            throw new IllegalArgumentException(
                    "key '" + key + "' not found in column '" + keyColumn + "' of " + file
                            + "; keys are " + all.keySet());
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
        try (CSVParser parser = open(file)) {
            List<String> names = parser.getHeaderNames();
            requireColumn(file, names, column, "value");
            if (keyColumn != null) {
                requireColumn(file, names, keyColumn, "key");
            }
            int valueIndex = names.indexOf(column);
            int keyIndex = keyColumn == null ? -1 : names.indexOf(keyColumn);
            for (CSVRecord record : parser) {
                long line = parser.getCurrentLineNumber();
                int needed = Math.max(valueIndex, keyIndex) + 1;
                if (record.size() < needed) {
                    throw new IllegalArgumentException(
                            file + " line " + line + ": has " + record.size()
                                    + " fields, column '" + (record.size() <= valueIndex ? column : keyColumn)
                                    + "' needs " + needed);
                }
                String key = keyIndex < 0 ? "" : record.get(keyIndex);
                byKey.computeIfAbsent(key, k -> new DoubleList())
                        .add(parse(file, line, column, record.get(valueIndex)));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw ioError(file, e);
        }
        if (byKey.isEmpty()) {
            throw new IllegalArgumentException(file + " has no data rows");
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        byKey.forEach((k, v) -> result.put(k, v.toArray()));
        return result;
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

    private static void requireColumn(Path file, List<String> names, String column, String role) {
        if (!names.contains(column)) {
            throw new IllegalArgumentException(
                    role + " column '" + column + "' not found in " + file + "; columns are "
                            + names);
        }
    }

    static double parse(Path file, long line, String column, String text) {
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    file + " line " + line + ": column '" + column + "' value '" + text
                            + "' is not a finite number");
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
