package io.forecaster.cli.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the benchmark's results: a CSV file and PNG plots. */
public final class BenchReport {

    private BenchReport() {}

    /** Writes {@code results.csv}: the results of one round. */
    public static Path csv(Path dir, List<BenchResult> results) throws IOException {
        return csvOfRounds(dir, List.of(results));
    }

    /** Writes {@code results.csv}: every round's results, its number in the last column. */
    public static Path csvOfRounds(Path dir, List<List<BenchResult>> rounds) throws IOException {
        Path file = dir.resolve("results.csv");
        List<String> header =
                rounds.stream()
                        .flatMap(List::stream)
                        .findFirst()
                        .map(r -> new ArrayList<>(r.columns().keySet()))
                        .orElseGet(() -> new ArrayList<>(List.of("case")));
        header.add("round");
        try (Writer w = Files.newBufferedWriter(file);
                CSVPrinter p =
                        new CSVPrinter(
                                w,
                                CSVFormat.DEFAULT
                                        .builder()
                                        .setHeader(header.toArray(String[]::new))
                                        .get())) {
            for (int round = 0; round < rounds.size(); round++) {
                for (BenchResult r : rounds.get(round)) {
                    List<Object> row = new ArrayList<>();
                    for (Object v : r.columns().values()) {
                        row.add(format(v));
                    }
                    row.add(round + 1);
                    p.printRecord(row);
                }
            }
        }
        return file;
    }

    private static Object format(Object v) {
        if (v instanceof Double d) {
            if (d.isNaN()) {
                return "";
            }
            return Math.abs(d) >= 100
                    ? String.format(Locale.ROOT, "%.0f", d)
                    : String.format(Locale.ROOT, "%.3f", d);
        }
        return v;
    }

    /**
     * Throughput (points/s) against keys, one series per setting, backend and cluster; log-log.
     * Returns null when there is nothing to plot.
     */
    public static Path throughputPlot(Path dir, List<BenchResult> results) throws IOException {
        Map<String, TreeMap<Integer, Double>> series = new TreeMap<>();
        for (BenchResult r : results) {
            BenchCase c = r.benchCase();
            if (c.kind() != BenchCase.Kind.THROUGHPUT || !(r.pointsPerSecond() > 0)) {
                continue;
            }
            String name =
                    c.setting().label()
                            + " "
                            + c.backend()
                            + (c.cluster().equals(BenchCase.MINI) ? "" : " " + c.cluster());
            series.computeIfAbsent(name, k -> new TreeMap<>()).put(c.keys(), r.pointsPerSecond());
        }
        if (series.isEmpty()) {
            return null;
        }
        XYChart chart =
                new XYChartBuilder()
                        .width(900)
                        .height(560)
                        .title("Sustained input throughput, W=60, parallelism 2, 2 cores")
                        .xAxisTitle("keys")
                        .yAxisTitle("points/s")
                        .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        for (Map.Entry<String, TreeMap<Integer, Double>> e : series.entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            e.getValue()
                    .forEach(
                            (k, v) -> {
                                x.add(k.doubleValue());
                                y.add(v);
                            });
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        Path file = dir.resolve("throughput.png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** Bars on a log axis need values of at least 1 (ms). */
    private static double atLeastOne(double v) {
        return Double.isNaN(v) || v < 1 ? 1 : v;
    }

    /** Latency percentiles per latency case, as grouped bars (ms, log scale). */
    public static Path latencyPlot(Path dir, List<BenchResult> results) throws IOException {
        List<BenchResult> lat =
                results.stream()
                        .filter(
                                r ->
                                        r.benchCase().kind() == BenchCase.Kind.LATENCY
                                                && r.latencySamples() > 0)
                        .toList();
        if (lat.isEmpty()) {
            return null;
        }
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(900)
                        .height(560)
                        .title(
                                "End-to-end latency: Kafka append of a point to its forecast read"
                                        + " (read_committed)")
                        .xAxisTitle("percentile")
                        .yAxisTitle("ms")
                        .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(1.0);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        List<String> cats = List.of("p50", "p90", "p99", "p99.9", "max");
        for (BenchResult r : lat) {
            BenchCase c = r.benchCase();
            String name =
                    String.format(
                            Locale.ROOT,
                            "%s %s keys, %s, %,.0f points/s",
                            c.setting().label(),
                            BenchCase.keysLabel(c.keys()),
                            c.delivery().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                            r.targetRate());
            chart.addSeries(
                    name,
                    cats,
                    List.of(
                            atLeastOne(r.p50()),
                            atLeastOne(r.p90()),
                            atLeastOne(r.p99()),
                            atLeastOne(r.p999()),
                            atLeastOne(r.maxLatency())));
        }
        Path file = dir.resolve("latency.png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
