package io.forecaster.model.engine;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.Dl4jBundles;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.NetworkFactory;
import io.forecaster.model.Scaling;
import java.util.Map;
import java.util.Random;

/** Bundles and inputs for the engine tests. */
final class TestBundles {

    private TestBundles() {}

    /** A freshly initialised seed network (random weights) with the given scaling. */
    static ModelBundle random(long seed, Scaling scaling) {
        return Dl4jBundles.fromNetwork(
                NetworkFactory.build(HyperParams.SEED, seed),
                new BundleMetadata(
                        1,
                        "random-" + seed,
                        HyperParams.SEED,
                        60,
                        "window",
                        scaling,
                        null,
                        "test",
                        Map.of(),
                        "2026-11-26T00:00:00Z"));
    }

    /** Sunspot-like raw values: a noisy 11-year cycle between 0 and ~300. */
    static float[] series(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        double phase = r.nextDouble() * 132;
        for (int i = 0; i < n; i++) {
            double cycle = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + phase) / 132.0);
            x[i] = (float) Math.max(0, 150 * cycle + 30 * r.nextGaussian() + 10);
        }
        return x;
    }

    /** {@code batch} windows of {@code length} sunspot-like values, row-major. */
    static float[] windows(long seed, int batch, int length) {
        float[] s = series(seed, batch + length);
        float[] w = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(s, b, w, b * length, length);
        }
        return w;
    }
}
