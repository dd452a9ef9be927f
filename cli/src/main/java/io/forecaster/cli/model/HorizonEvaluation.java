package io.forecaster.cli.model;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.KeyScore;
import io.forecaster.model.forecast.OfflineScoring;
import io.forecaster.model.forecast.OfflineScoring.KeySeries;
import io.forecaster.model.forecast.StepFigures;
import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.data.Split;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keys' series scored H steps ahead with intervals by {@link OfflineScoring}, as the job scores a
 * replay of them, and the figures added up over keys: per horizon step from {@link StepFigures}, in
 * total from the keys' {@link KeyScore}s, as the job's per-key accuracy records add up.
 *
 * @param steps per-step figures of every key together
 * @param scores each key's live score
 * @param forecasts forecasts made
 */
record HorizonEvaluation(StepFigures steps, Map<String, KeyScore> scores, long forecasts) {

    /** Where a key's replay starts: {@code W} points before the split, or its first point. */
    record Cut(Split split, int window) {

        /** The whole series, as a replay of the file. */
        static Cut whole() {
            return new Cut(null, 0);
        }

        int start(int splitIndex) {
            return Math.max(0, splitIndex - window);
        }
    }

    /** Keys without a grid: each its own series, the replay cut by {@code cut}. */
    static Map<String, KeySeries> series(Map<String, double[]> data, Cut cut) {
        Map<String, KeySeries> out = new LinkedHashMap<>();
        data.forEach(
                (k, v) -> {
                    int start = cut.split() == null ? 0 : cut.start(cut.split().at(v.length));
                    out.put(k, new KeySeries(KeySeries.floats(v), new int[0], start, start));
                });
        return out;
    }

    /**
     * Keys on a grid: each key's segments one after the other, a restart where each new one begins;
     * the split is taken on the key's span of slots, and the replay starts W slots before the
     * split's slot (or at the first slot after it, when the split falls in an unfilled gap).
     */
    static Map<String, KeySeries> gridSeries(Map<String, TimeGrid.Gridded> grids, Cut cut) {
        Map<String, KeySeries> out = new LinkedHashMap<>();
        grids.forEach(
                (k, g) -> {
                    Flat f = Flat.of(g);
                    if (f.values().length == 0) {
                        return;
                    }
                    int start = 0;
                    if (cut.split() != null) {
                        int slots = (int) Math.min(Integer.MAX_VALUE, g.stats().slots());
                        start = cut.start(f.indexOf(f.firstSlot() + cut.split().at(slots)));
                    }
                    out.put(k, new KeySeries(f.values(), f.restarts(), start, start));
                });
        return out;
    }

    /**
     * One key's segments one after the other: values, the indices where segments after the first
     * begin, and each index's slot.
     */
    record Flat(float[] values, int[] restarts, long[] slots) {

        static Flat of(TimeGrid.Gridded g) {
            int n = g.segments().stream().mapToInt(TimeGrid.Segment::length).sum();
            float[] values = new float[n];
            long[] slots = new long[n];
            int[] restarts = new int[Math.max(0, g.segments().size() - 1)];
            int i = 0;
            int r = 0;
            for (TimeGrid.Segment s : g.segments()) {
                if (i > 0) {
                    restarts[r++] = i;
                }
                for (int j = 0; j < s.length(); j++) {
                    values[i] = (float) s.values()[j];
                    slots[i++] = s.firstSlot() + j;
                }
            }
            return new Flat(values, restarts, slots);
        }

        long firstSlot() {
            return slots[0];
        }

        /** The index of {@code slot}, or of the first slot after it (the length if none). */
        int indexOf(long slot) {
            int i = java.util.Arrays.binarySearch(slots, slot);
            return i >= 0 ? i : -i - 1;
        }
    }

    /**
     * Scores every key with the bundle's network on {@code engine}: stepped from the zero state at
     * each replay's start and restart when {@code stateful}, else by windows of W.
     */
    static HorizonEvaluation run(
            ModelBundle bundle,
            String engine,
            boolean stateful,
            Map<String, KeySeries> keys,
            int slide,
            int season,
            ForecastScoring scoring) {
        int window = bundle.metadata().windowSize();
        StepFigures steps = new StepFigures(scoring.horizon(), scoring.levels());
        Map<String, KeyScore> scores = new LinkedHashMap<>();
        long forecasts = 0;
        List<OfflineScoring.Result> results = new ArrayList<>();
        if (stateful) {
            try (Stepper stepper = Engines.openStepper(engine, bundle)) {
                keys.forEach(
                        (k, s) ->
                                results.add(
                                        OfflineScoring.stateful(
                                                stepper, s, window, slide, season, scoring)));
            }
        } else {
            try (Predictor predictor = Engines.open(engine, bundle)) {
                keys.forEach(
                        (k, s) ->
                                results.add(
                                        OfflineScoring.window(
                                                predictor, s, window, slide, season, scoring)));
            }
        }
        int i = 0;
        for (String k : keys.keySet()) {
            OfflineScoring.Result r = results.get(i++);
            steps.add(r.steps());
            scores.put(k, r.score());
            forecasts += r.forecasts();
        }
        return new HorizonEvaluation(steps, scores, forecasts);
    }

    long scored() {
        return scores.values().stream().mapToLong(s -> s.scored).sum();
    }

    /** The model's MAE over every scored step of every key (the keys' scores added up). */
    double mae() {
        return scores.values().stream().mapToDouble(s -> s.absError).sum() / scored();
    }

    /** The last-value forecast's MAE on the same steps. */
    double lastValueMae() {
        return scores.values().stream().mapToDouble(s -> s.baselineAbsError).sum() / scored();
    }

    long withInterval(int level) {
        return scores.values().stream().mapToLong(s -> s.withInterval[level]).sum();
    }

    /** Level {@code level}'s coverage over the keys' scored steps that had an interval. */
    double coverage(int level) {
        long with = withInterval(level);
        long in = scores.values().stream().mapToLong(s -> s.covered[level]).sum();
        return with == 0 ? Double.NaN : (double) in / with;
    }

    /** The table: one row per horizon step, then the totals. */
    void print(PrintWriter out, int season) {
        double[] levels = steps.levels();
        StringBuilder head =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "%-5s %9s %10s %11s",
                                "step",
                                "scored",
                                "model_mae",
                                "last_value"));
        if (season > 0) {
            head.append(String.format(Locale.ROOT, " %14s", "seasonal(" + season + ")"));
        }
        for (double l : levels) {
            head.append(String.format(Locale.ROOT, " %10s", "cov_" + pct(l)));
        }
        for (double l : levels) {
            head.append(String.format(Locale.ROOT, " %11s", "own_" + pct(l)));
        }
        out.println(head);
        for (int h = 0; h < steps.horizon(); h++) {
            StringBuilder row =
                    new StringBuilder(
                            String.format(
                                    Locale.ROOT,
                                    "%-5d %9d %10s %11s",
                                    h + 1,
                                    steps.scored(h),
                                    num(steps.mae(h)),
                                    num(steps.lastValueMae(h))));
            if (season > 0) {
                row.append(String.format(Locale.ROOT, " %14s", num(steps.seasonalMae(h))));
            }
            for (int l = 0; l < levels.length; l++) {
                row.append(String.format(Locale.ROOT, " %10s", share(steps.coverage(h, l))));
            }
            for (int l = 0; l < levels.length; l++) {
                row.append(String.format(Locale.ROOT, " %11s", share(steps.onlineCoverage(h, l))));
            }
            out.println(row);
        }
        out.printf(
                Locale.ROOT,
                "total: %d keys, %d forecasts, %d scored steps, model MAE %s, last-value MAE"
                        + " %s%s%n",
                scores.size(),
                forecasts,
                scored(),
                num(mae()),
                num(lastValueMae()),
                season > 0 && !Double.isNaN(steps.seasonalMae())
                        ? ", seasonal-naive (" + season + ") MAE " + num(steps.seasonalMae())
                        : "");
        for (int l = 0; l < levels.length; l++) {
            out.printf(
                    Locale.ROOT,
                    "coverage %s: %s of %d steps with an interval; %s of the %d after warm-up"
                            + " (the key's own errors)%n",
                    pct(levels[l]),
                    share(coverage(l)),
                    withInterval(l),
                    share(steps.onlineCoverage(l)),
                    steps.withOnline(l));
        }
        out.flush();
    }

    private static String pct(double level) {
        return String.format(Locale.ROOT, "%s%%", trim(level * 100));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String share(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
