package io.forecaster.cli.demo;

import io.forecaster.cli.kafka.Accuracy;
import io.forecaster.cli.kafka.AccuracyRecords;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes the demo's results: a PNG of actual values against forecasts per station (with H above 1,
 * the H-step forecast fans of a few recent forecasts and their interval bands) and a text summary.
 */
final class DemoReport {

    private DemoReport() {}

    /** Stations plotted at most, so the picture stays readable. */
    static final int MAX_PLOTS = 4;

    /**
     * Forecasts plotted at most per station with H = 1 (the latest), so the lines stay readable.
     */
    static final int MAX_STEPS = 365;

    /** Fans plotted per station with H above 1: every H-th forecast, the latest ones. */
    static final int FANS = 6;

    private static final Color ACTUAL = new Color(0x2b, 0x57, 0xe0);
    private static final Color FORECAST = new Color(0xf0, 0x8c, 0x00);

    /** One forecast line with its interval bounds, in time order. */
    record Fan(long[] times, double[] values, double[][] lower, double[][] upper) {}

    /**
     * Draws actual values against forecasts for the first few stations, two charts a row. With
     * {@code horizon} 1, the next-step forecasts (at the time of the point they forecast) over the
     * last {@link #MAX_STEPS} forecasts; above 1, the H-step fans of every H-th forecast among the
     * latest, each starting at its newest point. Interval bands, where the forecasts have them, are
     * filled areas, lighter for wider levels.
     */
    static Path plot(
            Path dir,
            String title,
            Map<String, List<Accuracy.Scored>> scored,
            Map<String, List<SensorPoint>> actual,
            int horizon)
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
            long[] times = actual.get(key).stream().mapToLong(SensorPoint::eventTime).toArray();
            double[] observed = actual.get(key).stream().mapToDouble(SensorPoint::value).toArray();
            List<Fan> fans = new ArrayList<>();
            long from;
            if (horizon > 1 && all.get(all.size() - 1).forecast().ahead() != null) {
                int last = all.size() - 1;
                int first = Math.max(0, last - (FANS - 1) * horizon);
                for (int i = last - (last - first) / horizon * horizon; i <= last; i += horizon) {
                    fans.add(fan(all.get(i).forecast(), times, observed));
                }
                // a few points of context before the first fan
                int at = Math.max(0, Arrays.binarySearch(times, fans.get(0).times()[0]) - horizon);
                from = times[at];
            } else {
                List<Accuracy.Scored> s =
                        all.subList(Math.max(0, all.size() - MAX_STEPS), all.size());
                fans.add(nextSteps(s));
                from = s.get(0).actual().eventTime();
            }
            Fan lastFan = fans.get(fans.size() - 1);
            long to = lastFan.times()[lastFan.times().length - 1];
            double[] levels = levels(all.get(all.size() - 1).forecast());
            XYChart chart =
                    new XYChartBuilder()
                            .width(800)
                            .height(400)
                            .title(title + " — " + key + subtitle(horizon, levels))
                            .xAxisTitle("time")
                            .yAxisTitle("value")
                            .build();
            chart.getStyler()
                    .setDatePattern(to - from < 400 * 86_400_000L ? "yyyy-MM-dd" : "yyyy-MM");
            chart.getStyler().setMarkerSize(0);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            // wider levels first, so narrower bands are drawn over them, and lines over the bands
            for (int l = levels.length - 1; l >= 0; l--) {
                int alpha = 40 + 50 * (levels.length - 1 - l) / Math.max(1, levels.length - 1);
                Color fill =
                        new Color(
                                FORECAST.getRed(), FORECAST.getGreen(), FORECAST.getBlue(), alpha);
                String label = AccuracyRecords.label(levels[l]) + " interval";
                for (int f = 0; f < fans.size(); f++) {
                    for (int[] run : finiteRuns(fans.get(f), l)) {
                        boolean first = !chart.getSeriesMap().containsKey(label);
                        String name = first ? label : label + "-" + f + "-" + run[0];
                        XYSeries band = band(chart, name, fans.get(f), l, run);
                        band.setFillColor(fill);
                        band.setLineColor(new Color(0, 0, 0, 0));
                        band.setShowInLegend(first);
                    }
                }
            }
            List<Date> at = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (SensorPoint p : actual.get(key)) {
                if (p.eventTime() >= from && p.eventTime() <= to) {
                    at.add(new Date(p.eventTime()));
                    values.add(p.value());
                }
            }
            for (int f = 0; f < fans.size(); f++) {
                Fan fan = fans.get(f);
                XYSeries line =
                        chart.addSeries(
                                f == 0
                                        ? (horizon > 1 ? horizon + "-step forecasts" : "forecast")
                                        : "forecast-" + f,
                                dates(fan.times()),
                                Arrays.stream(fan.values()).boxed().toList());
                line.setMarker(SeriesMarkers.NONE);
                line.setLineColor(FORECAST);
                line.setLineStyle(SeriesLines.SOLID);
                line.setShowInLegend(f == 0);
            }
            XYSeries a = chart.addSeries("actual", at, values);
            a.setMarker(SeriesMarkers.NONE);
            a.setLineColor(ACTUAL);
            a.setLineStyle(SeriesLines.SOLID);
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

    private static String subtitle(int horizon, double[] levels) {
        if (horizon == 1 && levels.length == 0) {
            return "";
        }
        List<String> l = new ArrayList<>();
        for (double level : levels) {
            l.add(AccuracyRecords.label(level));
        }
        return (horizon > 1 ? ", " + horizon + " steps ahead" : "")
                + (levels.length > 0 ? ", " + String.join(" and ", l) + " intervals" : "");
    }

    private static double[] levels(Forecast f) {
        return f.ahead() == null ? new double[0] : f.ahead().levels();
    }

    /**
     * One forecast's H steps, starting at the actual value of its newest point (so the fan leaves
     * the actual line there), with no bounds at that point. Without slot times, step h is at the
     * time of the (h+1)-th point after the window, or past the data, one step length later each.
     */
    static Fan fan(Forecast f, long[] times, double[] actual) {
        Forecast.Ahead a = f.ahead();
        int h = a.values().length;
        int levels = a.levels().length;
        long[] t = new long[h + 1];
        double[] v = new double[h + 1];
        double[][] lo = new double[levels][h + 1];
        double[][] hi = new double[levels][h + 1];
        int i = Arrays.binarySearch(times, f.windowEnd());
        long step = times.length > 1 ? times[times.length - 1] - times[times.length - 2] : 1;
        t[0] = f.windowEnd();
        v[0] = i >= 0 ? actual[i] : a.values()[0];
        for (int l = 0; l < levels; l++) {
            lo[l][0] = Double.NaN;
            hi[l][0] = Double.NaN;
        }
        for (int s = 0; s < h; s++) {
            if (a.times() != null) {
                t[s + 1] = a.times()[s];
            } else if (i >= 0 && i + 1 + s < times.length) {
                t[s + 1] = times[i + 1 + s];
            } else {
                t[s + 1] = t[s] + step;
            }
            v[s + 1] = a.values()[s];
            for (int l = 0; l < levels; l++) {
                lo[l][s + 1] = a.lower()[l][s];
                hi[l][s + 1] = a.upper()[l][s];
            }
        }
        return new Fan(t, v, lo, hi);
    }

    /** Next-step forecasts as one line, each at the time of the point it forecast. */
    static Fan nextSteps(List<Accuracy.Scored> s) {
        int n = s.size();
        int levels = levels(s.get(n - 1).forecast()).length;
        long[] t = new long[n];
        double[] v = new double[n];
        double[][] lo = new double[levels][n];
        double[][] hi = new double[levels][n];
        for (int i = 0; i < n; i++) {
            Forecast f = s.get(i).forecast();
            t[i] = s.get(i).actual().eventTime();
            v[i] = f.next();
            for (int l = 0; l < levels; l++) {
                boolean has = f.ahead() != null && f.ahead().levels().length == levels;
                lo[l][i] = has ? f.ahead().lower()[l][0] : Double.NaN;
                hi[l][i] = has ? f.ahead().upper()[l][0] : Double.NaN;
            }
        }
        return new Fan(t, v, lo, hi);
    }

    /** The runs of consecutive steps with both bounds of level {@code l}, as [from, to]. */
    static List<int[]> finiteRuns(Fan fan, int l) {
        List<int[]> runs = new ArrayList<>();
        int start = -1;
        int n = fan.times().length;
        for (int i = 0; i <= n; i++) {
            boolean ok =
                    i < n
                            && Double.isFinite(fan.lower()[l][i])
                            && Double.isFinite(fan.upper()[l][i]);
            if (ok && start < 0) {
                start = i;
            } else if (!ok && start >= 0) {
                runs.add(new int[] {start, i - 1});
                start = -1;
            }
        }
        return runs;
    }

    /** A filled polygon from the upper bounds forwards to the lower bounds backwards. */
    private static XYSeries band(XYChart chart, String name, Fan fan, int l, int[] run) {
        List<Date> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = run[0]; i <= run[1]; i++) {
            x.add(new Date(fan.times()[i]));
            y.add(fan.upper()[l][i]);
        }
        for (int i = run[1]; i >= run[0]; i--) {
            x.add(new Date(fan.times()[i]));
            y.add(fan.lower()[l][i]);
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    private static List<Date> dates(long[] times) {
        List<Date> d = new ArrayList<>(times.length);
        for (long t : times) {
            d.add(new Date(t));
        }
        return d;
    }

    /**
     * The text summary: per-station and overall MAE of the next-step forecasts against the
     * last-value baseline, then the job's live accuracy records with their interval coverage.
     */
    static Path summary(
            Path dir,
            String header,
            Accuracy accuracy,
            String jobHeader,
            AccuracyRecords live,
            double[] levels)
            throws IOException {
        StringBuilder sb = new StringBuilder(header).append('\n');
        sb.append(
                String.format(
                        "%-10s %10s %10s %10s %8s%n",
                        "station", "scored", "MAE", "last-val", "gain"));
        for (Map.Entry<String, Accuracy.Score> e : accuracy.byKey().entrySet()) {
            sb.append(line(e.getKey(), e.getValue()));
        }
        sb.append(line("ALL", accuracy.overall()));
        if (!live.isEmpty()) {
            sb.append(jobHeader).append('\n');
            sb.append(
                    String.format(
                            "%-10s %10s %10s %10s %8s",
                            "station", "scored", "MAE", "last-val", "gain"));
            for (double level : levels) {
                sb.append(String.format(" %8s", "in " + AccuracyRecords.label(level)));
            }
            sb.append('\n');
            live.byKey().forEach((k, a) -> sb.append(jobLine(k, a, levels)));
            sb.append(jobLine("ALL", live.total("ALL"), levels));
        }
        Path file = dir.resolve("summary.txt");
        Files.writeString(file, sb);
        return file;
    }

    private static String line(String key, Accuracy.Score s) {
        return String.format(
                "%-10s %10d %10.3f %10.3f %8s%n",
                key, s.n(), s.mae(), s.baselineMae(), LiveTable.gain(s));
    }

    private static String jobLine(
            String key, io.forecaster.connectors.Accuracy a, double[] levels) {
        StringBuilder sb =
                new StringBuilder(
                        String.format(
                                "%-10s %10d %10.3f %10.3f %8s",
                                key,
                                a.scored(),
                                a.mae(),
                                a.baselineMae(),
                                LiveTable.gain(
                                        new Accuracy.Score(a.scored(), a.mae(), a.baselineMae()))));
        for (double level : levels) {
            sb.append(String.format(" %8s", LiveTable.percent(AccuracyRecords.coverage(a, level))));
        }
        return sb.append('\n').toString();
    }
}
