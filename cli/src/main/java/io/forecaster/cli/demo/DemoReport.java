package io.forecaster.cli.demo;

import io.forecaster.cli.kafka.Accuracy;
import io.forecaster.connectors.SensorPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the demo's results: a PNG of actual against forecast per station and a text summary. */
final class DemoReport {

    private DemoReport() {}

    /** Stations plotted at most, so the picture stays readable. */
    static final int MAX_PLOTS = 4;

    /** Forecasts plotted at most per station (the latest), so the lines stay readable. */
    static final int MAX_STEPS = 365;

    /**
     * Draws actual values against the model's next-step forecasts (at the time of the point they
     * forecast) for the first few stations, two charts a row, over the last {@link #MAX_STEPS}
     * forecasts.
     */
    static Path plot(
            Path dir,
            String title,
            Map<String, List<Accuracy.Scored>> scored,
            Map<String, List<SensorPoint>> actual)
            throws IOException {
        List<Chart<?, ?>> charts = new ArrayList<>();
        for (String key : scored.keySet()) {
            if (charts.size() == MAX_PLOTS) {
                break;
            }
            List<Accuracy.Scored> all = scored.get(key);
            if (all.isEmpty()) {
                continue;
            }
            List<Accuracy.Scored> s = all.subList(Math.max(0, all.size() - MAX_STEPS), all.size());
            long from = s.get(0).actual().eventTime();
            XYChart chart =
                    new XYChartBuilder()
                            .width(800)
                            .height(400)
                            .title(title + " — " + key)
                            .xAxisTitle("time")
                            .yAxisTitle("value")
                            .build();
            chart.getStyler().setDatePattern("yyyy-MM");
            chart.getStyler().setMarkerSize(0);
            List<Date> at = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (SensorPoint p : actual.get(key)) {
                if (p.eventTime() >= from) {
                    at.add(new Date(p.eventTime()));
                    values.add(p.value());
                }
            }
            XYSeries a = chart.addSeries("actual", at, values);
            a.setMarker(SeriesMarkers.NONE);
            List<Date> ft = new ArrayList<>();
            List<Double> fv = new ArrayList<>();
            for (Accuracy.Scored x : s) {
                ft.add(new Date(x.actual().eventTime()));
                fv.add(x.forecast().next());
            }
            XYSeries f = chart.addSeries("forecast", ft, fv);
            f.setMarker(SeriesMarkers.NONE);
            charts.add(chart);
        }
        Path png = dir.resolve("forecast-vs-actual.png");
        if (charts.isEmpty()) {
            return null;
        }
        // the encoder fills every cell of the grid: two a row only for an even count
        int cols = charts.size() % 2 == 0 ? 2 : 1;
        int rows = (charts.size() + cols - 1) / cols;
        BitmapEncoder.saveBitmap(
                charts, rows, cols, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return png;
    }

    /** The text summary: per-station and overall MAE against the last-value baseline. */
    static Path summary(Path dir, String header, Accuracy accuracy) throws IOException {
        StringBuilder sb = new StringBuilder(header).append('\n');
        sb.append(
                String.format(
                        "%-10s %10s %10s %10s %8s%n",
                        "station", "scored", "MAE", "last-val", "gain"));
        for (Map.Entry<String, Accuracy.Score> e : accuracy.byKey().entrySet()) {
            sb.append(line(e.getKey(), e.getValue()));
        }
        sb.append(line("ALL", accuracy.overall()));
        Path file = dir.resolve("summary.txt");
        Files.writeString(file, sb);
        return file;
    }

    private static String line(String key, Accuracy.Score s) {
        return String.format(
                "%-10s %10d %10.3f %10.3f %8s%n",
                key, s.n(), s.mae(), s.baselineMae(), LiveTable.gain(s));
    }
}
