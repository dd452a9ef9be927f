package io.forecaster.bench;

import io.forecaster.model.ModelBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** The bundle and inputs the benchmarks run on. */
final class BenchModels {

    /** System property naming the bundle; the committed sunspots model by default. */
    static final String BUNDLE_PROPERTY = "bench.bundle";

    private BenchModels() {}

    static ModelBundle bundle() {
        Path path = Path.of(System.getProperty(BUNDLE_PROPERTY, "models/sunspots.zip"));
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(
                    "benchmark bundle not found: "
                            + path.toAbsolutePath()
                            + " (run from the project root or set -D"
                            + BUNDLE_PROPERTY
                            + ")");
        }
        try {
            return ModelBundle.load(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sunspot-like values: a noisy 11-year cycle between 0 and ~300. */
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
}
