package io.forecaster.bench;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** The bundle and inputs the benchmarks run on. */
final class BenchModels {

    /** System property naming the bundle; the committed sunspots model by default. */
    static final String BUNDLE_PROPERTY = "bench.bundle";

    /**
     * System property naming the bundle of the onnx engine: by default the ONNX export of the
     * sunspots model ({@code tools/onnx/export.py}), so every engine runs the same network.
     */
    static final String ONNX_BUNDLE_PROPERTY = "bench.onnxBundle";

    private BenchModels() {}

    /** The bundle {@code engine} runs: the ONNX export for the onnx engine, else the params one. */
    static ModelBundle bundle(String engine) {
        return Engines.ONNX.equals(engine)
                ? load(System.getProperty(ONNX_BUNDLE_PROPERTY, "models/sunspots-onnx.zip"))
                : load(System.getProperty(BUNDLE_PROPERTY, "models/sunspots.zip"));
    }

    private static ModelBundle load(String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(
                    "benchmark bundle not found: "
                            + path.toAbsolutePath()
                            + " (run from the project root or set -D"
                            + BUNDLE_PROPERTY
                            + " / -D"
                            + ONNX_BUNDLE_PROPERTY
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
