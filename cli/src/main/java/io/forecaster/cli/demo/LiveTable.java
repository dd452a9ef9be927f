package io.forecaster.cli.demo;

import io.forecaster.cli.kafka.Accuracy;
import io.forecaster.cli.kafka.AccuracyRecords;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The demo's per-station table: last value, next forecast, running MAE of the model against the
 * last-value baseline, and per interval level the share of actual values inside the job's intervals
 * (from its accuracy records). Redrawn in place on a terminal; printed as a block otherwise.
 */
final class LiveTable {

    private final PrintWriter out;
    private final boolean terminal;
    private final double[] levels;

    LiveTable(PrintWriter out, boolean terminal, double[] levels) {
        this.out = out;
        this.terminal = terminal;
        this.levels = levels.clone();
    }

    boolean terminal() {
        return terminal;
    }

    /** One row's latest values, kept by the demo as forecasts arrive. */
    record Latest(double lastValue, double nextForecast, long forecasts) {}

    void draw(
            String title,
            Map<String, Latest> latest,
            Accuracy accuracy,
            AccuracyRecords live,
            String footer) {
        StringBuilder sb = new StringBuilder();
        if (terminal) {
            sb.append("\033[H\033[2J");
        }
        sb.append(title).append('\n');
        sb.append(
                String.format(
                        "%-10s %10s %10s %10s %10s %10s %8s",
                        "station", "forecasts", "last", "next", "MAE", "last-val", "gain"));
        for (double level : levels) {
            sb.append(String.format(" %8s", "in " + AccuracyRecords.label(level)));
        }
        sb.append('\n');
        Map<String, Accuracy.Score> scores = accuracy.byKey();
        for (Map.Entry<String, Latest> e : latest.entrySet()) {
            Latest l = e.getValue();
            Accuracy.Score s =
                    scores.getOrDefault(e.getKey(), new Accuracy.Score(0, Double.NaN, Double.NaN));
            sb.append(row(e.getKey(), l.forecasts(), l.lastValue(), l.nextForecast(), s));
            sb.append(coverage(live.byKey().get(e.getKey()))).append('\n');
        }
        Accuracy.Score all = accuracy.overall();
        long total = latest.values().stream().mapToLong(Latest::forecasts).sum();
        sb.append(row("ALL", total, Double.NaN, Double.NaN, all));
        sb.append(coverage(live.isEmpty() ? null : live.total("ALL"))).append('\n');
        sb.append(footer).append('\n');
        out.print(sb);
        out.flush();
    }

    private String coverage(io.forecaster.connectors.Accuracy a) {
        StringBuilder sb = new StringBuilder();
        for (double level : levels) {
            double c = a == null ? Double.NaN : AccuracyRecords.coverage(a, level);
            sb.append(String.format(" %8s", percent(c)));
        }
        return sb.toString();
    }

    private static String row(String key, long n, double last, double next, Accuracy.Score s) {
        return String.format(
                "%-10s %10d %10s %10s %10s %10s %8s",
                key, n, num(last), num(next), num(s.mae()), num(s.baselineMae()), gain(s));
    }

    /** How much lower the model's MAE is than the baseline's, in percent. */
    static String gain(Accuracy.Score s) {
        if (s.n() == 0 || !(s.baselineMae() > 0)) {
            return "-";
        }
        return String.format("%+.1f%%", 100 * (s.baselineMae() - s.mae()) / s.baselineMae());
    }

    /** A share as a percentage with one decimal; "-" for NaN (no interval yet). */
    static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format("%.1f%%", 100 * share);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.2f", v);
    }
}
