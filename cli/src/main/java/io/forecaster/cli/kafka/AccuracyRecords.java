package io.forecaster.cli.kafka;

import io.forecaster.connectors.Accuracy;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The job's live accuracy records as read from the accuracy topic: the latest record of each key
 * (each one holds the key's running figures) and their total, weighted by scored steps. Not
 * thread-safe.
 */
public final class AccuracyRecords {

    private final Map<String, Accuracy> latest = new TreeMap<>();

    /** Keeps {@code a} as its key's latest record. */
    public void add(Accuracy a) {
        latest.put(a.sensorId(), a);
    }

    /** The latest record of every key, by key. */
    public Map<String, Accuracy> byKey() {
        return Collections.unmodifiableMap(latest);
    }

    /** True before the first record. */
    public boolean isEmpty() {
        return latest.isEmpty();
    }

    /** Forecast steps scored over all keys. */
    public long scored() {
        return latest.values().stream().mapToLong(Accuracy::scored).sum();
    }

    /** Every key's interval levels together, sorted. */
    public double[] levels() {
        TreeSet<Double> all = new TreeSet<>();
        latest.values().forEach(a -> Arrays.stream(a.levels()).forEach(all::add));
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The total over all keys, as a record with key {@code sensorId}: scored steps summed; MAE,
     * baseline MAE and each level's coverage averaged over the keys that have one, weighted by
     * their scored steps.
     */
    public Accuracy total(String sensorId) {
        double[] levels = levels();
        double[] coverage = new double[levels.length];
        for (int l = 0; l < levels.length; l++) {
            double sum = 0;
            double n = 0;
            for (Accuracy a : latest.values()) {
                double c = coverage(a, levels[l]);
                if (!Double.isNaN(c)) {
                    sum += c * a.scored();
                    n += a.scored();
                }
            }
            coverage[l] = n == 0 ? Double.NaN : sum / n;
        }
        long time = latest.values().stream().mapToLong(Accuracy::time).max().orElse(0);
        long created = latest.values().stream().mapToLong(Accuracy::createdAt).max().orElse(0);
        String models =
                String.join(
                        ",",
                        new TreeSet<>(latest.values().stream().map(Accuracy::modelId).toList()));
        return new Accuracy(
                sensorId,
                time,
                scored(),
                weighted(Accuracy::mae),
                weighted(Accuracy::baselineMae),
                levels,
                coverage,
                models,
                created);
    }

    private double weighted(java.util.function.ToDoubleFunction<Accuracy> figure) {
        double sum = 0;
        double n = 0;
        for (Accuracy a : latest.values()) {
            double v = figure.applyAsDouble(a);
            if (!Double.isNaN(v)) {
                sum += v * a.scored();
                n += a.scored();
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The record's coverage at {@code level}; NaN when it has no such level or no interval yet. */
    public static double coverage(Accuracy a, double level) {
        for (int i = 0; i < a.levels().length; i++) {
            if (a.levels()[i] == level && i < a.coverage().length) {
                return a.coverage()[i];
            }
        }
        return Double.NaN;
    }

    /** A level as a column label: 0.8 is "80%", 0.975 is "97.5%". */
    public static String label(double level) {
        return String.format(Locale.ROOT, "%.2f", 100 * level).replaceAll("\\.?0+$", "") + "%";
    }
}
