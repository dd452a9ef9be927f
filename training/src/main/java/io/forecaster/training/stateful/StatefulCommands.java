package io.forecaster.training.stateful;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Stepper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * What {@code train --stateful} and {@code evaluate --stateful} do, kept here so the commands only
 * branch to it: train on one series' training split as one sequence, and score by stepping.
 */
public final class StatefulCommands {

    private StatefulCommands() {}

    /** Figures of a stepped evaluation: points, MAE and the last-value baseline's MAE. */
    public record Figures(int points, double mae, double baselineMae) {}

    /**
     * Trains and saves a stateful bundle: trains on the training split before its validation slice
     * {@code val}, selects on the slice, scores the test points once; returns the result.
     */
    public static StatefulTrainer.Result train(
            PrintWriter out,
            Map<String, double[]> series,
            IntUnaryOperator splitAt,
            io.forecaster.training.data.ValSlice val,
            StatefulTrainer.Options options,
            String modelId,
            String dataSha256,
            String source,
            Path bundleFile)
            throws IOException {
        float[] s = single(series);
        int split = splitAt.applyAsInt(s.length);
        int valStart = val.start(split, options.segment());
        out.printf(
                Locale.ROOT,
                "stateful training of %s: %d training points as one sequence (then %d validation,"
                        + " %d test), truncated BPTT of %d steps, %d stream(s), up to %d epochs,"
                        + " Adam lr %g%n",
                modelId,
                valStart,
                split - valStart,
                s.length - split,
                options.segment(),
                options.streams(),
                options.epochs(),
                options.learningRate());
        out.flush();
        StatefulTrainer.Result r =
                StatefulTrainer.train(s, valStart, split, options, modelId, dataSha256, source);
        r.bundle().save(bundleFile);
        report(out, r, split - valStart, bundleFile);
        return r;
    }

    private static void report(
            PrintWriter out, StatefulTrainer.Result r, int valPoints, Path bundleFile) {
        if (valPoints > 0 && !Double.isNaN(r.valMae())) {
            out.printf(
                    Locale.ROOT,
                    "validation (selection) stepped MAE %.4f (last-value baseline %.4f) over %d"
                            + " points, best epoch %d%n",
                    r.valMae(),
                    r.baselineMae(),
                    valPoints,
                    r.bestEpoch());
        } else {
            out.printf(
                    Locale.ROOT, "no validation slice: kept the last epoch (%d)%n", r.bestEpoch());
        }
        out.printf(
                Locale.ROOT,
                "test stepped MAE %.4f (last-value baseline %.4f) over %d points%nsaved %s%n",
                r.testMae(),
                r.testBaselineMae(),
                r.testPoints(),
                bundleFile);
    }

    /** Scores a bundle by stepping each series from its start; returns the pooled figures. */
    public static Figures evaluate(
            PrintWriter out,
            ModelBundle bundle,
            Map<String, double[]> series,
            IntUnaryOperator splitAt,
            String engine) {
        out.printf(
                Locale.ROOT,
                "model %s (%s), stepped with the %s engine from each series' start%n",
                bundle.metadata().modelId(),
                bundle.metadata().mode(),
                engine);
        out.printf(
                Locale.ROOT,
                "%-10s %7s %10s %13s%n",
                "series",
                "points",
                "test_mae",
                "baseline_mae");
        double sum = 0;
        double baseSum = 0;
        int points = 0;
        try (Stepper stepper = Engines.openStepper(engine, bundle)) {
            for (Map.Entry<String, double[]> e : series.entrySet()) {
                float[] s = floats(e.getValue());
                int split = splitAt.applyAsInt(s.length);
                int n = s.length - split;
                double mae = SteppedEvaluation.mae(stepper, s, split);
                double base = SteppedEvaluation.lastValueMae(s, split);
                out.printf(
                        Locale.ROOT,
                        "%-10s %7d %10.4f %13.4f%n",
                        e.getKey().isEmpty() ? "all" : e.getKey(),
                        n,
                        mae,
                        base);
                sum += mae * n;
                baseSum += base * n;
                points += n;
            }
        }
        out.printf(
                Locale.ROOT,
                "stepped test MAE %.2f, last-value baseline %.2f%n",
                sum / points,
                baseSum / points);
        return new Figures(points, sum / points, baseSum / points);
    }

    /**
     * Trains a stateful bundle on sequences that each start from the zero state (the stretches of a
     * time grid between restarts; {@link StatefulTrainer#trainSequences}); returns the exit code.
     *
     * @param series the sequences by name
     * @param trainEnds per sequence, the end of its training range (validation slice included)
     * @param valStarts per sequence, the start of its validation slice
     * @param splits per sequence, its first test point
     * @param evaluation extra figures recorded in the bundle (how the data was split)
     */
    public static StatefulTrainer.Result trainSequences(
            PrintWriter out,
            Map<String, double[]> series,
            Map<String, Integer> trainEnds,
            Map<String, Integer> valStarts,
            Map<String, Integer> splits,
            StatefulTrainer.Options options,
            String modelId,
            String dataSha256,
            String source,
            Map<String, Double> evaluation,
            Path bundleFile)
            throws IOException {
        java.util.List<float[]> seqs = new java.util.ArrayList<>();
        int[] ends = new int[series.size()];
        int[] vals = new int[series.size()];
        int[] at = new int[series.size()];
        int i = 0;
        int training = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            seqs.add(floats(e.getValue()));
            ends[i] = trainEnds.get(e.getKey());
            vals[i] = valStarts.get(e.getKey());
            at[i] = splits.get(e.getKey());
            training += Math.max(0, Math.min(vals[i], e.getValue().length) - 1);
            i++;
        }
        out.printf(
                Locale.ROOT,
                "stateful training of %s: %d sequences between restarts, each from the zero state,"
                        + " %d training steps, truncated BPTT of %d steps, up to %d epochs, Adam lr"
                        + " %g%n",
                modelId,
                seqs.size(),
                training,
                options.segment(),
                options.epochs(),
                options.learningRate());
        out.flush();
        StatefulTrainer.Result r =
                StatefulTrainer.trainSequences(
                        seqs, ends, vals, at, options, modelId, dataSha256, source, evaluation);
        r.bundle().save(bundleFile);
        Double valPoints = r.bundle().metadata().evaluation().get("val_points");
        report(out, r, valPoints == null ? 0 : valPoints.intValue(), bundleFile);
        return r;
    }

    /**
     * Scores a bundle by stepping each sequence from the zero state (the stretches of a time grid
     * between restarts), the points of sequence {@code name} from {@code splits.get(name)} on,
     * pooled per key ({@code keyOf}); returns the pooled figures (0 points: nothing scored).
     */
    public static Figures evaluateSequences(
            PrintWriter out,
            ModelBundle bundle,
            Map<String, double[]> series,
            Map<String, Integer> splits,
            Map<String, String> keyOf,
            String engine) {
        out.printf(
                Locale.ROOT,
                "model %s (%s), stepped with the %s engine from the start of each run of slots"
                        + " (the zero state after each restart)%n",
                bundle.metadata().modelId(),
                bundle.metadata().mode(),
                engine);
        Map<String, double[]> byKey = new java.util.LinkedHashMap<>(); // mae sum, base sum, n
        try (Stepper stepper = Engines.openStepper(engine, bundle)) {
            for (Map.Entry<String, double[]> e : series.entrySet()) {
                float[] s = floats(e.getValue());
                int split = Math.max(1, splits.get(e.getKey()));
                if (split >= s.length) {
                    continue;
                }
                int n = s.length - split;
                double[] acc = byKey.computeIfAbsent(keyOf.get(e.getKey()), k -> new double[3]);
                acc[0] += SteppedEvaluation.mae(stepper, s, split) * n;
                acc[1] += SteppedEvaluation.lastValueMae(s, split) * n;
                acc[2] += n;
            }
        }
        out.printf(
                Locale.ROOT,
                "%-10s %7s %10s %13s%n",
                "series",
                "points",
                "test_mae",
                "baseline_mae");
        double[] all = new double[3];
        byKey.forEach(
                (k, acc) -> {
                    if (byKey.size() > 1) {
                        out.printf(
                                Locale.ROOT,
                                "%-10s %7d %10.4f %13.4f%n",
                                k,
                                (int) acc[2],
                                acc[0] / acc[2],
                                acc[1] / acc[2]);
                    }
                    for (int j = 0; j < 3; j++) {
                        all[j] += acc[j];
                    }
                });
        if (all[2] == 0) {
            return new Figures(0, Double.NaN, Double.NaN);
        }
        out.printf(
                Locale.ROOT,
                "%-10s %7d %10.4f %13.4f%n",
                byKey.size() > 1 ? "overall" : "all",
                (int) all[2],
                all[0] / all[2],
                all[1] / all[2]);
        out.printf(
                Locale.ROOT,
                "stepped test MAE %.2f, last-value baseline %.2f%n",
                all[0] / all[2],
                all[1] / all[2]);
        return new Figures((int) all[2], all[0] / all[2], all[1] / all[2]);
    }

    private static float[] single(Map<String, double[]> series) {
        if (series.size() != 1) {
            throw new IllegalArgumentException(
                    "stateful training takes one series, got "
                            + series.size()
                            + " (choose one with --key)");
        }
        return floats(series.values().iterator().next());
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
