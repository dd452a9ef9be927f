package io.forecaster.cli.model;

import io.forecaster.training.data.SeriesCsv;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options naming a CSV series: file, value column, and an optional key filter. */
public final class DataOptions {

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "CSV file with a header row.")
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

    /** The value column: the one given, else the file's last column. */
    String column() {
        if (column != null) {
            return column;
        }
        List<String> header = SeriesCsv.header(file);
        return header.get(header.size() - 1);
    }

    /** The series to use, by key ("" for a single-series file), in file order. */
    Map<String, double[]> read() {
        if (keys != null && keyColumn == null) {
            throw new IllegalArgumentException("--key needs --key-column");
        }
        String valueColumn = column();
        Map<String, double[]> all = SeriesCsv.readByKey(file, valueColumn, keyColumn);
        if (keys == null) {
            return all;
        }
        Map<String, double[]> chosen = new LinkedHashMap<>();
        for (String k : keys) {
            double[] s = all.get(k);
            if (s == null) {
                throw new IllegalArgumentException(
                        "key '" + k + "' not found in column '" + keyColumn + "' of " + file
                                + "; keys are " + all.keySet());
            }
            chosen.put(k, s);
        }
        return chosen;
    }
}
