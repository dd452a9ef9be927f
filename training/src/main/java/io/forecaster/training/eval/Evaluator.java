package io.forecaster.training.eval;

import io.forecaster.model.engine.Predictor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores a model on the validation part of a series as the course does: windows of W points slide
 * over {@code series[split - W, end)}; the last-step prediction of the window ending at {@code t -
 * 1} forecasts point {@code t}, for every {@code t >= split}. The last-value baseline forecasts
 * {@code t} by {@code t - 1} on the same points; the all-steps MAE compares every step of those
 * windows with the point after it. With a season, the seasonal-naive baseline forecasts {@code t}
 * by {@code t - season} on the same points.
 */
public final class Evaluator {

    private static final int BATCH = 512;

    private final Predictor predictor;
    private final int window;
    private final int season;

    public Evaluator(Predictor predictor, int window) {
        this(predictor, window, 0);
    }

    /**
     * An evaluator that also scores the seasonal-naive baseline of {@code season} steps (0 = none)
     * on the same points.
     */
    public Evaluator(Predictor predictor, int window, int season) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.predictor = predictor;
        this.window = window;
        this.season = Math.max(0, season);
    }

    /** Figures for {@code series} split at {@code split} (needs {@code split >= window}). */
    public ValidationScore score(double[] series, int split) {
        if (split < window || split >= series.length) {
            throw new IllegalArgumentException(
                    "split "
                            + split
                            + " must lie in ["
                            + window
                            + ", "
                            + series.length
                            + ") for window "
                            + window
                            + " over "
                            + series.length
                            + " points");
        }
        int points = series.length - split;
        double lastAbs = 0, baseAbs = 0, allAbs = 0;
        float[] in = new float[BATCH * window];
        float[] out = new float[BATCH * window];
        for (int first = 0; first < points; first += BATCH) {
            int n = Math.min(BATCH, points - first);
            for (int b = 0; b < n; b++) {
                int start = split - window + first + b;
                for (int i = 0; i < window; i++) {
                    in[b * window + i] = (float) series[start + i];
                }
            }
            predictor.predict(in, n, window, out);
            for (int b = 0; b < n; b++) {
                int start = split - window + first + b;
                int target = start + window;
                lastAbs += Math.abs(out[b * window + window - 1] - series[target]);
                baseAbs += Math.abs(series[target - 1] - series[target]);
                for (int i = 0; i < window; i++) {
                    allAbs += Math.abs(out[b * window + i] - series[start + i + 1]);
                }
            }
        }
        return new ValidationScore(
                points,
                lastAbs / points,
                baseAbs / points,
                allAbs / ((double) points * window),
                Baselines.seasonalNaiveMae(series, split, series.length, season));
    }

    /** Figures per series (same order) for several series split at their own indices. */
    public Map<String, ValidationScore> scoreAll(
            Map<String, double[]> series, Map<String, Integer> splits) {
        Map<String, ValidationScore> out = new LinkedHashMap<>();
        series.forEach((key, s) -> out.put(key, score(s, splits.get(key))));
        return out;
    }
}
