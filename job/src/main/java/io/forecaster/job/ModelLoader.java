package io.forecaster.job;

import io.forecaster.connectors.ModelRecord;
import io.forecaster.model.ModelBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.apache.flink.core.fs.FileSystem;

/**
 * Reads and checks the bundle of a model record, for the inference operator: the file at the
 * record's location (any URI Flink's {@link FileSystem} reads), its sha256 against the record's,
 * the bundle itself (metadata and weights agreeing with the architecture), and its agreement with
 * the job (window size; an engine of the job's kind and, in stateful mode, a stepper, must open
 * it). Every failure is a {@link Refused} with the reason.
 */
final class ModelLoader {

    /** Largest bundle file read (bundles of the seed architecture are about 250 KB). */
    static final long MAX_BUNDLE_BYTES = 512L << 20;

    /** A version that fails a check, with the reason. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason, Throwable cause) {
            super(reason, cause);
        }

        Refused(String reason) {
            super(reason);
        }
    }

    private ModelLoader() {}

    /** The bytes of the file at {@code location}. */
    static byte[] read(String location) throws Refused {
        try {
            org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(location);
            URI uri = path.toUri();
            FileSystem fs = FileSystem.get(uri);
            long len = fs.getFileStatus(path).getLen();
            if (len > MAX_BUNDLE_BYTES) {
                throw new Refused(
                        "bundle " + location + " holds " + len + " bytes, more than the maximum");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, len));
            try (InputStream in = fs.open(path)) {
                in.transferTo(out);
            }
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new Refused("cannot read bundle " + location + ": " + e, e);
        }
    }

    /** Reads the record's bundle and checks its sha256 and that it is a bundle. */
    static ModelBundle load(ModelRecord r) throws Refused {
        byte[] bytes = read(r.location());
        String sha = ModelBundle.sha256(bytes);
        if (!sha.equals(r.sha256())) {
            throw new Refused(
                    "sha256 of " + r.location() + " is " + sha + ", the record says " + r.sha256());
        }
        try {
            return ModelBundle.fromBytes(bytes, r.location());
        } catch (IOException | RuntimeException e) {
            throw new Refused(e.getMessage(), e);
        }
    }

    /** Checks that the job can serve {@code bundle} with {@code settings}. */
    static void checkAgrees(ModelBundle bundle, InferenceSettings settings) throws Refused {
        int w = bundle.metadata().windowSize();
        if (w != settings.window().size()) {
            throw new Refused(
                    "bundle was trained on windows of "
                            + w
                            + " points, the job's "
                            + ForecastOptions.WINDOW_SIZE.key()
                            + " is "
                            + settings.window().size());
        }
    }
}
