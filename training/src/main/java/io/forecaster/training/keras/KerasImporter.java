package io.forecaster.training.keras;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Keras model into a {@link ModelBundle}: reads it ({@link TfjsLayersReader} for the TF.js
 * layers format, {@link KerasH5Reader} for Keras 2 or 3 HDF5, {@link KerasArchiveReader} for Keras
 * 3 {@code .keras} archives), checks it is the architecture the engines run ({@link
 * SeedArchitecture}) and lays its weights out in DL4J's order. The bundle's {@code source} records
 * the file, its sha256 and how the Lambda was read; the scale lives in its hyper-parameters. Inputs
 * are fed raw (identity {@link Scaling}), as the course does.
 */
public final class KerasImporter {

    private static final Logger LOG = LoggerFactory.getLogger(KerasImporter.class);
    private static final byte[] HDF5_SIGNATURE = {
        (byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'
    };

    /**
     * How to import.
     *
     * @param lambdaScale the factor of the course's {@code Lambda(lambda x: x * factor)}
     * @param windowSize the window length W the model was trained on (the bundle records it)
     * @param modelId the bundle's model id; null for the file's name
     */
    public record Options(double lambdaScale, int windowSize, String modelId) {

        public static final Options DEFAULTS = new Options(400.0, 60, null);

        public Options withLambdaScale(double scale) {
            return new Options(scale, windowSize, modelId);
        }
    }

    /** The import's result: the bundle and what was matched to make it. */
    public record Imported(
            ModelBundle bundle, KerasModelFile model, SeedArchitecture.Matched matched) {}

    private KerasImporter() {}

    /**
     * Imports {@code input}: a model.json (or its directory), a Keras HDF5 file or .keras archive.
     */
    public static Imported importModel(Path input, Options options) throws IOException {
        KerasModelFile model = read(input);
        SeedArchitecture.Matched matched = SeedArchitecture.check(model, options.lambdaScale());
        float[] params = Dl4jParamLayout.params(matched);
        Path file = Path.of(model.file());
        String source =
                "keras import of "
                        + model.format()
                        + " "
                        + file.toAbsolutePath().normalize()
                        + " (sha256 "
                        + sha256(file, model.weightFiles())
                        + (model.weightFiles().isEmpty()
                                ? ""
                                : " with its " + model.weightFiles().size() + " weight files")
                        + (model.kerasVersion() == null
                                ? ""
                                : ", keras_version " + model.kerasVersion())
                        + "); "
                        + String.join("; ", matched.notes());
        String modelId =
                options.modelId() != null
                        ? options.modelId()
                        : defaultModelId(file, model.format());
        BundleMetadata metadata =
                new BundleMetadata(
                        ModelBundle.FORMAT_VERSION,
                        modelId,
                        matched.hyperParams(),
                        options.windowSize(),
                        "window",
                        Scaling.IDENTITY,
                        null,
                        source,
                        null,
                        Instant.now().toString());
        LOG.info("imported {} as {}: {}", file, modelId, matched.hyperParams());
        return new Imported(new ModelBundle(metadata, params), model, matched);
    }

    /** Reads a Keras model without checking its architecture. */
    public static KerasModelFile read(Path input) throws IOException {
        Path file = Files.isDirectory(input) ? input.resolve("model.json") : input;
        if (!Files.isRegularFile(file)) {
            throw new IOException("no Keras model at " + file);
        }
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            head = Arrays.copyOf(head, Math.max(0, in.readNBytes(head, 0, 8)));
        }
        if (Arrays.equals(head, HDF5_SIGNATURE)) {
            return KerasH5Reader.read(file);
        }
        if (KerasArchiveReader.isZip(head)) {
            return KerasArchiveReader.read(file);
        }
        if (head.length > 0 && (head[0] == '{' || Character.isWhitespace(head[0]))) {
            return TfjsLayersReader.read(file);
        }
        throw new IOException(
                file
                        + " is neither a TF.js model.json, a Keras HDF5 file (.h5) nor a Keras 3"
                        + " archive (.keras)");
    }

    private static String defaultModelId(Path file, String format) {
        String name = file.getFileName().toString();
        if ("tfjs-layers".equals(format) && file.toAbsolutePath().getParent() != null) {
            Path dir = file.toAbsolutePath().getParent().getFileName();
            name = dir == null ? name : dir.toString();
        }
        int dot = name.lastIndexOf('.');
        String id = dot > 0 ? name.substring(0, dot) : name;
        return id.isBlank() ? "keras" : id;
    }

    /** Hex sha256 of the bytes of {@code file} followed by those of {@code more}. */
    private static String sha256(Path file, List<String> more) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> files = new ArrayList<>(List.of(file));
        more.forEach(f -> files.add(Path.of(f)));
        byte[] buf = new byte[1 << 16];
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
