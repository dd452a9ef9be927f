package io.forecaster.model.engine;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.training.Dl4jBundles;
import io.forecaster.training.NetworkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Bundles and inputs for the engine tests. */
public final class TestBundles {

    private TestBundles() {}

    /** A freshly initialised seed network (random weights) with the given scaling. */
    public static ModelBundle random(long seed, Scaling scaling) {
        return random(seed, scaling, HyperParams.SEED, 0f);
    }

    /**
     * A freshly initialised network with {@code outputBias} added to the output unit's bias. A
     * Xavier-initialised network's outputs are within about +-1.5 even after the x400 output scale;
     * the bias moves them to where a trained model's are (the equality bounds are stated
     * for outputs that reach hundreds) without changing any other weight.
     */
    public static ModelBundle random(long seed, Scaling scaling, HyperParams hp, float outputBias) {
        float[] params = Dl4jBundles.params(NetworkFactory.build(hp, seed));
        params[params.length - 1] += outputBias;
        return new ModelBundle(
                new BundleMetadata(
                        1,
                        "random-" + seed,
                        hp,
                        60,
                        "window",
                        scaling,
                        null,
                        "test",
                        Map.of(),
                        "2026-11-26T00:00:00Z"),
                params);
    }

    /** The committed sunspots model ({@code models/sunspots.zip}, read from the module dir). */
    public static ModelBundle trained() {
        Path file = Path.of("..", "models", "sunspots.zip");
        try {
            return ModelBundle.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("the trained model is part of the repository", e);
        }
    }

    /** Sunspot-like raw values: a noisy 11-year cycle between 0 and ~300. */
    public static float[] series(long seed, int n) {
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
    public static float[] windows(long seed, int batch, int length) {
        float[] s = series(seed, batch + length);
        float[] w = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(s, b, w, b * length, length);
        }
        return w;
    }
}
