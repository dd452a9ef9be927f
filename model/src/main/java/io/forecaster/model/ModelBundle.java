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
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A trained model in one file: a zip holding {@code bundle.json} (the {@link BundleMetadata}) and
 * {@code params.f32} (every weight as little-endian float32, in DL4J's flattened parameter order
 * for the network {@link NetworkFactory} builds from the hyper-parameters).
 *
 * <p>Reading a bundle needs no ND4J: the fast engine reads {@link #params()} directly; the DL4J
 * engine rebuilds the network and sets the same floats, so both compute the saved function.
 */
public record ModelBundle(BundleMetadata metadata, float[] params) {

    public static final int FORMAT_VERSION = 1;
    static final String METADATA_ENTRY = "bundle.json";
    static final String PARAMS_ENTRY = "params.f32";

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ModelBundle {
        if (metadata == null || params == null) {
            throw new IllegalArgumentException("metadata and params must not be null");
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
            zip.putNextEntry(new ZipEntry(PARAMS_ENTRY));
            ByteBuffer buf = ByteBuffer.allocate(params.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(params);
            zip.write(buf.array());
            zip.closeEntry();
        }
    }

    /** Reads a bundle written by {@link #save}; the error names the file and what is wrong. */
    public static ModelBundle load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("model bundle not found: " + file);
        }
        BundleMetadata metadata = null;
        byte[] paramBytes = null;
        try (InputStream in = Files.newInputStream(file);
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] bytes = readAll(zip);
                if (METADATA_ENTRY.equals(e.getName())) {
                    metadata = JSON.readValue(bytes, BundleMetadata.class);
                } else if (PARAMS_ENTRY.equals(e.getName())) {
                    paramBytes = bytes;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read model bundle " + file + ": " + e.getMessage(), e);
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
        if (metadata.formatVersion() > FORMAT_VERSION) {
            throw new IOException(
                    "model bundle "
                            + file
                            + " has format version "
                            + metadata.formatVersion()
                            + ", this build reads up to "
                            + FORMAT_VERSION);
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
