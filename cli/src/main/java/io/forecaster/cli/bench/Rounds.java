package io.forecaster.cli.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The same cases run several times (rounds): each case's figure (points/s for throughput, steady
 * p99 for latency) and its ratio to the identity twin of the same round, as the median with the
 * lowest and highest round beside it. Failed rounds are counted, never averaged in.
 */
public final class Rounds {

    private Rounds() {}

    /**
     * One case over the rounds.
     *
     * @param caseName the case
     * @param unit "points/s" or "ms p99"
     * @param values the figure of every round that did not fail, in round order
     * @param failed rounds that failed
     * @param vsIdentity the round's ratio to its identity twin, rounds that have one
     */
    public record Summary(
            String caseName, String unit, double[] values, int failed, double[] vsIdentity) {

        public double median() {
            return Rounds.median(values);
        }

        public double min() {
            return Arrays.stream(values).min().orElse(Double.NaN);
        }

        public double max() {
            return Arrays.stream(values).max().orElse(Double.NaN);
        }

        /** (max - min) / median, the spread between rounds; NaN with fewer than two. */
        public double spread() {
            return values.length < 2 ? Double.NaN : (max() - min()) / median();
        }
    }

    /** The median (mean of the middle two for an even count), NaN for none. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Every case of the rounds, in the order of its first appearance. */
    public static List<Summary> summarize(List<List<BenchResult>> rounds) {
        Map<String, List<BenchResult>> byCase = new LinkedHashMap<>();
        for (List<BenchResult> round : rounds) {
            for (BenchResult r : round) {
                byCase.computeIfAbsent(r.benchCase().name(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Summary> out = new ArrayList<>();
        for (Map.Entry<String, List<BenchResult>> e : byCase.entrySet()) {
            boolean latency = e.getValue().get(0).benchCase().kind() == BenchCase.Kind.LATENCY;
            List<Double> values = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            int failed = 0;
            for (BenchResult r : e.getValue()) {
                if (r.status().startsWith("failed")) {
                    failed++;
                    continue;
                }
                values.add(latency ? r.p99() : r.pointsPerSecond());
                double ratio = latency ? r.p99VsIdentity() : r.vsIdentity();
                if (!Double.isNaN(ratio)) {
                    ratios.add(ratio);
                }
            }
            out.add(
                    new Summary(
                            e.getKey(),
                            latency ? "ms p99" : "points/s",
                            values.stream().mapToDouble(Double::doubleValue).toArray(),
                            failed,
                            ratios.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return out;
    }

    /**
     * One line per case: {@code name: median unit (min-max, spread s%, n of N rounds); / identity
     * median (min-max)}.
     */
    public static List<String> lines(List<List<BenchResult>> rounds) {
        List<String> lines = new ArrayList<>();
        for (Summary s : summarize(rounds)) {
            int n = s.values().length;
            StringBuilder b = new StringBuilder(s.caseName()).append(": ");
            if (n == 0) {
                b.append("every round failed");
            } else {
                b.append(
                        String.format(
                                Locale.ROOT,
                                "median %,.0f %s (%,.0f-%,.0f",
                                s.median(),
                                s.unit(),
                                s.min(),
                                s.max()));
                if (n > 1) {
                    b.append(String.format(Locale.ROOT, ", spread %.0f%%", 100 * s.spread()));
                }
                b.append(String.format(Locale.ROOT, ", %d of %d rounds)", n, n + s.failed()));
            }
            double[] ratios = s.vsIdentity();
            if (ratios.length > 0) {
                b.append(
                        String.format(
                                Locale.ROOT,
                                "; / identity %.2f (%.2f-%.2f)",
                                median(ratios),
                                Arrays.stream(ratios).min().orElseThrow(),
                                Arrays.stream(ratios).max().orElseThrow()));
            }
            lines.add(b.toString());
        }
        return lines;
    }

    /** Writes {@code summary.csv}: one row per case with the median, lowest and highest round. */
    public static Path csv(Path dir, List<List<BenchResult>> rounds) throws IOException {
        Path file = dir.resolve("summary.csv");
        try (Writer w = Files.newBufferedWriter(file);
                CSVPrinter p =
                        new CSVPrinter(
                                w,
                                CSVFormat.DEFAULT
                                        .builder()
                                        .setHeader(
                                                "case",
                                                "unit",
                                                "rounds_ok",
                                                "rounds_failed",
                                                "median",
                                                "min",
                                                "max",
                                                "spread",
                                                "vs_identity_median",
                                                "vs_identity_min",
                                                "vs_identity_max")
                                        .get())) {
            for (Summary s : summarize(rounds)) {
                double[] r = s.vsIdentity();
                p.printRecord(
                        s.caseName(),
                        s.unit(),
                        s.values().length,
                        s.failed(),
                        num(s.median()),
                        num(s.min()),
                        num(s.max()),
                        num(s.spread()),
                        num(median(r)),
                        num(Arrays.stream(r).min().orElse(Double.NaN)),
                        num(Arrays.stream(r).max().orElse(Double.NaN)));
            }
        }
        return file;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4g", v);
    }
}
