package io.forecaster.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A trained model in one file: a zip holding {@code bundle.json} (the {@link BundleMetadata}) and
 * either {@code params.f32} (format {@value BundleMetadata#PARAMS}: every weight as little-endian
 * float32, in DL4J's flattened parameter order for the network the training module's {@code
 * NetworkFactory} builds from the hyper-parameters) or ONNX graphs (format {@value
 * BundleMetadata#ONNX}: {@value #WINDOW_ONNX} and optionally {@value #STEP_ONNX}, carried as bytes
 * in {@link #graphs()}; the {@code onnx} engine module reads them, this class does not depend on
 * ONNX).
 *
 * <p>Reading a bundle needs no ND4J: the fast engine reads {@link #params()} directly; the DL4J
 * engine rebuilds the network and sets the same floats, so both compute the saved function.
 *
 * @param params the weights of a {@value BundleMetadata#PARAMS} bundle (empty for ONNX bundles)
 * @param graphs entry name to bytes of an ONNX bundle's graphs (empty for params bundles)
 */
public record ModelBundle(BundleMetadata metadata, float[] params, Map<String, byte[]> graphs) {

    /** Format version of {@value BundleMetadata#PARAMS} bundles. */
    public static final int FORMAT_VERSION = 1;

    /** Format version of {@value BundleMetadata#ONNX} bundles (older builds refuse them). */
    public static final int ONNX_FORMAT_VERSION = 2;

    /**
     * Format version of a params bundle whose network learns the change from the last input ({@link
     * Target#CHANGE}): higher than what earlier builds read, so they refuse it rather than serve it
     * as a level model.
     */
    public static final int CHANGE_FORMAT_VERSION = 2;

    /** Format version of an ONNX bundle with {@link Target#CHANGE}, for the same reason. */
    public static final int ONNX_CHANGE_FORMAT_VERSION = 3;

    /**
     * Format version of a params bundle whose network sees changes ({@link Target#DIFFERENCES}):
     * builds that know only the change target refuse it by its version.
     */
    public static final int DIFFERENCES_FORMAT_VERSION = 3;

    /** Format version of an ONNX bundle with {@link Target#DIFFERENCES}, for the same reason. */
    public static final int ONNX_DIFFERENCES_FORMAT_VERSION = 4;

    /** The ONNX window model of an ONNX bundle: {@code x [b, t, 1] -> y [b, t, 1]}. */
    public static final String WINDOW_ONNX = "window.onnx";

    /** The optional ONNX step model of an ONNX bundle (see the onnx module's docs). */
    public static final String STEP_ONNX = "step.onnx";

    static final String METADATA_ENTRY = "bundle.json";
    static final String PARAMS_ENTRY = "params.f32";

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A {@value BundleMetadata#PARAMS} bundle. */
    public ModelBundle(BundleMetadata metadata, float[] params) {
        this(metadata, params, Map.of());
    }

    /** An {@value BundleMetadata#ONNX} bundle of a window model and an optional step model. */
    public static ModelBundle onnx(BundleMetadata metadata, byte[] window, byte[] step) {
        Map<String, byte[]> graphs = new LinkedHashMap<>();
        graphs.put(WINDOW_ONNX, window);
        if (step != null) {
            graphs.put(STEP_ONNX, step);
        }
        return new ModelBundle(metadata, new float[0], graphs);
    }

    public ModelBundle {
        if (metadata == null || params == null || graphs == null) {
            throw new IllegalArgumentException("metadata, params and graphs must not be null");
        }
        graphs = Collections.unmodifiableMap(new LinkedHashMap<>(graphs));
        check(metadata, params, graphs);
    }

    private static void check(BundleMetadata metadata, float[] params, Map<String, byte[]> graphs) {
        if (metadata.isOnnx()) {
            if (params.length != 0) {
                throw new IllegalArgumentException(
                        "an ONNX bundle holds no params, got " + params.length);
            }
            if (graphs.get(WINDOW_ONNX) == null) {
                throw new IllegalArgumentException(
                        "an ONNX bundle needs " + WINDOW_ONNX + ", got " + graphs.keySet());
            }
            for (String name : graphs.keySet()) {
                if (!WINDOW_ONNX.equals(name) && !STEP_ONNX.equals(name)) {
                    throw new IllegalArgumentException(
                            "unexpected ONNX graph '"
                                    + name
                                    + "', expected "
                                    + WINDOW_ONNX
                                    + " or "
                                    + STEP_ONNX);
                }
            }
            return;
        }
        if (!graphs.isEmpty()) {
            throw new IllegalArgumentException(
                    "a params bundle holds no ONNX graphs, got " + graphs.keySet());
        }
        long expected = metadata.hyperParams().parameterCount();
        if (params.length != expected) {
            throw new IllegalArgumentException(
                    "bundle holds "
                            + params.length
                            + " parameters but its hyper-parameters need "
                            + expected);
        }
    }

    /** Writes the bundle to {@code file}, replacing it. */
    public void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
            zip.write(JSON.writeValueAsBytes(metadata));
            zip.closeEntry();
            if (metadata.isOnnx()) {
                for (Map.Entry<String, byte[]> g : graphs.entrySet()) {
                    zip.putNextEntry(new ZipEntry(g.getKey()));
                    zip.write(g.getValue());
                    zip.closeEntry();
                }
                return;
            }
            zip.putNextEntry(new ZipEntry(PARAMS_ENTRY));
            ByteBuffer buf = ByteBuffer.allocate(params.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(params);
            zip.write(buf.array());
            zip.closeEntry();
        }
    }

    /** An ONNX bundle's step model, or null when it has none (or is a params bundle). */
    public byte[] stepGraph() {
        return graphs.get(STEP_ONNX);
    }

    /** An ONNX bundle's window model, or null for a params bundle. */
    public byte[] windowGraph() {
        return graphs.get(WINDOW_ONNX);
    }

    /** Reads a bundle written by {@link #save}; the error names the file and what is wrong. */
    public static ModelBundle load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("model bundle not found: " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads a bundle from the bytes of its file ({@code source} names it in errors), e.g. after
     * checking the bytes' {@link #sha256}.
     */
    public static ModelBundle fromBytes(byte[] bytes, String source) throws IOException {
        return read(new java.io.ByteArrayInputStream(bytes), source);
    }

    /** The sha256 of {@code bytes} as 64 lowercase hex digits. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static ModelBundle read(InputStream in, String file) throws IOException {
        BundleMetadata metadata = null;
        byte[] paramBytes = null;
        Map<String, byte[]> graphs = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] bytes = readAll(zip);
                if (METADATA_ENTRY.equals(e.getName())) {
                    metadata = JSON.readValue(bytes, BundleMetadata.class);
                } else if (PARAMS_ENTRY.equals(e.getName())) {
                    paramBytes = bytes;
                } else if (WINDOW_ONNX.equals(e.getName()) || STEP_ONNX.equals(e.getName())) {
                    graphs.put(e.getName(), bytes);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read model bundle " + file + ": " + e.getMessage(), e);
        }
        if (metadata != null && metadata.formatVersion() > ONNX_DIFFERENCES_FORMAT_VERSION) {
            throw new IOException(
                    "model bundle "
                            + file
                            + " has format version "
                            + metadata.formatVersion()
                            + ", this build reads up to "
                            + ONNX_DIFFERENCES_FORMAT_VERSION);
        }
        if (metadata != null && metadata.isOnnx()) {
            try {
                return new ModelBundle(metadata, new float[0], graphs);
            } catch (IllegalArgumentException e) {
                throw new IOException("model bundle " + file + ": " + e.getMessage(), e);
            }
        }
        if (metadata == null || paramBytes == null) {
            throw new IOException(
                    "not a model bundle: "
                            + file
                            + " (needs entries "
                            + METADATA_ENTRY
                            + " and "
                            + PARAMS_ENTRY
                            + ")");
        }
        if (metadata.formatVersion() > DIFFERENCES_FORMAT_VERSION) {
            throw new IOException(
                    "model bundle "
                            + file
                            + " has format version "
                            + metadata.formatVersion()
                            + ", this build reads up to "
                            + DIFFERENCES_FORMAT_VERSION);
        }
        if (paramBytes.length % 4 != 0) {
            throw new IOException(
                    "model bundle "
                            + file
                            + ": "
                            + PARAMS_ENTRY
                            + " length is not a multiple of 4");
        }
        float[] params = new float[paramBytes.length / 4];
        ByteBuffer.wrap(paramBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(params);
        try {
            return new ModelBundle(metadata, params);
        } catch (IllegalArgumentException e) {
            throw new IOException("model bundle " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
