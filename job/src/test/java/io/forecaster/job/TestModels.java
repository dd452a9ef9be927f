package io.forecaster.job;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.training.Dl4jBundles;
import io.forecaster.training.NetworkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Random-initialised seed-architecture bundles written to a file, for the job's tests. */
public final class TestModels {

    private static ModelBundle bundle;
    private static Path file;

    private TestModels() {}

    /** A bundle with the seed network's random weights (seed 42), scaled for values ~0-40. */
    public static synchronized ModelBundle bundle() {
        if (bundle == null) {
            HyperParams hp = HyperParams.SEED.withOutputScale(40.0);
            BundleMetadata metadata =
                    new BundleMetadata(
                            ModelBundle.FORMAT_VERSION,
                            "random-seed-42",
                            hp,
                            60,
                            "window",
                            new Scaling(10.0, 5.0),
                            null,
                            "job tests: NetworkFactory.build(SEED, 42)",
                            Map.of(),
                            "2026-01-01T00:00:00Z");
            bundle = Dl4jBundles.fromNetwork(NetworkFactory.build(hp, 42L), metadata);
        }
        return bundle;
    }

    /**
     * The weights of {@link #bundle()} with a small scaling spread (offset 10, scale 0.5), as a
     * model fitted on data of small spread has: extreme float32 inputs overflow inside it.
     */
    public static ModelBundle narrowBundle() {
        HyperParams hp = HyperParams.SEED.withOutputScale(40.0);
        BundleMetadata metadata =
                new BundleMetadata(
                        ModelBundle.FORMAT_VERSION,
                        "random-seed-42-narrow",
                        hp,
                        60,
                        "window",
                        new Scaling(10.0, 0.5),
                        null,
                        "job tests: NetworkFactory.build(SEED, 42), scale 0.5",
                        Map.of(),
                        "2026-01-01T00:00:00Z");
        return Dl4jBundles.fromNetwork(NetworkFactory.build(hp, 42L), metadata);
    }

    private static Path narrowFile;

    /** {@link #narrowBundle()} saved once per JVM in a temporary file. */
    public static synchronized Path narrowFile() {
        if (narrowFile == null) {
            try {
                narrowFile = Files.createTempFile("job-test-narrow-model", ".zip");
                narrowFile.toFile().deleteOnExit();
                narrowBundle().save(narrowFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return narrowFile;
    }

    /** {@link #bundle()} saved once per JVM in a temporary file. */
    public static synchronized Path file() {
        if (file == null) {
            try {
                file = Files.createTempFile("job-test-model", ".zip");
                file.toFile().deleteOnExit();
                bundle().save(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    /**
     * A bundle of the seed architecture with random weights from {@code seed} (no training, no
     * DL4J), trained on windows of {@code windowSize}, saved in {@code dir}.
     */
    public static Path randomBundle(Path dir, String modelId, long seed, int windowSize) {
        HyperParams hp = HyperParams.SEED.withOutputScale(40.0);
        java.util.Random random = new java.util.Random(seed);
        float[] params = new float[(int) hp.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (random.nextGaussian() * 0.1);
        }
        BundleMetadata metadata =
                new BundleMetadata(
                        ModelBundle.FORMAT_VERSION,
                        modelId,
                        hp,
                        windowSize,
                        "window",
                        new Scaling(10.0, 5.0),
                        null,
                        "job tests: random weights, seed " + seed,
                        Map.of(),
                        "2026-01-01T00:00:00Z");
        try {
            Path file = dir.resolve(modelId + "-" + seed + "-w" + windowSize + ".zip");
            new ModelBundle(metadata, params).save(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sha256 of a file's bytes. */
    public static String sha256(Path file) {
        try {
            return ModelBundle.sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
