package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.training.data.SeriesCsv;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        if (keys != null && keyColumn == null) {
            throw CliErrors.usage(spec, "--key", "needs --key-column");
        }
        CliErrors.inputFile(spec, "--data", file);
        List<String> header = CliErrors.option(spec, "--data", () -> SeriesCsv.header(file));
        if (column != null && !header.contains(column)) {
            throw CliErrors.usage(
                    spec,
                    "--column",
                    "'" + column + "' not found in " + file + "; columns are " + header);
        }
        if (keyColumn != null && !header.contains(keyColumn)) {
            throw CliErrors.usage(
                    spec,
                    "--key-column",
                    "'" + keyColumn + "' not found in " + file + "; columns are " + header);
        }
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
