package io.forecaster.onnx;

import io.forecaster.model.ModelBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;

/**
 * The committed test bundles: params bundles from the model module's test jar ({@code
 * /golden/NAME.zip}) and their ONNX exports ({@code /onnx/NAME-onnx.zip}, made by {@code
 * make-fixtures.sh} beside them with {@code tools/onnx/export.py}).
 */
public final class OnnxFixtures {

    /** Bundles that have both forms: a random network with scaling, and the trained sunspots. */
    public static final String[] NAMES = {"random-scaled", "sunspots"};

    private OnnxFixtures() {}

    /** The params bundle {@code name}. */
    public static ModelBundle params(String name) {
        return load("/golden/" + name + ".zip");
    }

    /** The ONNX export of the params bundle {@code name}. */
    public static ModelBundle onnx(String name) {
        return load("/onnx/" + name + "-onnx.zip");
    }

    /** The bytes of a class-path resource. */
    public static byte[] bytes(String resource) {
        try (InputStream in = OnnxFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A class-path resource copied to {@code dir} under its file name. */
    public static Path copy(String resource, Path dir) {
        try (InputStream in = OnnxFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModelBundle load(String resource) {
        try {
            Path dir = Files.createTempDirectory("onnx-fixture-");
            Path file = copy(resource, dir);
            try {
                return ModelBundle.load(file);
            } finally {
                Files.delete(file);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sunspot-like raw values (a noisy 11-year cycle between 0 and ~300). */
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
}
