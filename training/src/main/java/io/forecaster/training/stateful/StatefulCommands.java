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

    /** Trains and saves a stateful bundle; returns the exit code. */
    public static int train(
            PrintWriter out,
            Map<String, double[]> series,
            IntUnaryOperator splitAt,
            StatefulTrainer.Options options,
            String modelId,
            String dataSha256,
            String source,
            Path bundleFile)
            throws IOException {
        float[] s = single(series);
        int split = splitAt.applyAsInt(s.length);
        out.printf(
                Locale.ROOT,
                "stateful training of %s: %d training points as one sequence, truncated BPTT of %d"
                        + " steps, %d stream(s), up to %d epochs, Adam lr %g%n",
                modelId,
                split,
                options.segment(),
                options.streams(),
                options.epochs(),
                options.learningRate());
        out.flush();
        StatefulTrainer.Result r =
                StatefulTrainer.train(s, split, options, modelId, dataSha256, source);
        r.bundle().save(bundleFile);
        out.printf(
                Locale.ROOT,
                "stepped validation MAE %.4f (last-value baseline %.4f) over %d points, best epoch"
                        + " %d%nsaved %s%n",
                r.valMae(),
                r.baselineMae(),
                s.length - split,
                r.bestEpoch(),
                bundleFile);
        return 0;
    }

    /** Scores a bundle by stepping each series from its start; returns the exit code. */
    public static int evaluate(
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
                "val_mae",
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
                "stepped validation MAE %.2f, last-value baseline %.2f%n",
                sum / points,
                baseSum / points);
        return 0;
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
