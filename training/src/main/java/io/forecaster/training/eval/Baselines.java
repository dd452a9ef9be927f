package io.forecaster.training.eval;

import java.util.Locale;

/**
 * The naive forecasts a model must beat, on the points a model is scored on: last-value (point t
 * forecast by t - 1) and seasonal-naive (t forecast by t - season).
 */
public final class Baselines {

    private Baselines() {}

    /** MAE of forecasting {@code series[t]} by {@code series[t - 1]} for t in [from, to). */
    public static double lastValueMae(double[] series, int from, int to) {
        return seasonalNaiveMae(series, from, to, 1);
    }

    /**
     * MAE of forecasting {@code series[t]} by {@code series[t - season]} for t in [from, to); NaN
     * when {@code season < 1} or the first point has no value a season before it.
     */
    public static double seasonalNaiveMae(double[] series, int from, int to, int season) {
        if (season < 1 || from - season < 0 || to <= from) {
            return Double.NaN;
        }
        double sum = 0;
        for (int t = from; t < to; t++) {
            sum += Math.abs(series[t] - series[t - season]);
        }
        return sum / (to - from);
    }

    /**
     * The season guessed from a time grid's slot length: 24 for hourly, 7 for daily, 52 for weekly,
     * 12 for monthly (28-31 days); 0 (none) otherwise.
     */
    public static int guessSeason(long intervalMs) {
        long hour = 3_600_000L;
        long day = 24 * hour;
        if (intervalMs == hour) {
            return 24;
        } else if (intervalMs == day) {
            return 7;
        } else if (intervalMs == 7 * day) {
            return 52;
        } else if (intervalMs >= 28 * day && intervalMs <= 31 * day) {
            return 12;
        }
        return 0;
    }

    /**
     * One line comparing a model's MAE with a baseline's: {@code model beats last-value (MAE 13.93
     * vs 16.14)} or {@code model does NOT beat last-value (MAE 1.85 vs 0.65)}.
     */
    public static String verdict(String baseline, double model, double base) {
        return String.format(
                Locale.ROOT,
                "model %s %s (MAE %s vs %s)",
                model < base ? "beats" : "does NOT beat",
                baseline,
                figure(model),
                figure(base));
    }

    /** Two decimals, or three below 10 (wind in knots, standardized data). */
    static String figure(double v) {
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.3f" : "%.2f", v);
    }
}
