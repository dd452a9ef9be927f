package io.forecaster.model.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.forecaster.model.ModelBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Golden inputs and outputs written by the independent PyTorch implementation ({@code
 * tools/pytorch/forecaster_torch.py golden}) for a bundle committed beside them.
 */
record Golden(String bundle, String bundleSha256, String producer, List<Case> cases) {

    /**
     * The golden files under {@code src/test/resources/golden/}: two random networks and a copy of
     * the trained {@code models/sunspots.zip} (commit de4a396).
     */
    static final List<String> NAMES = List.of("random-raw", "random-scaled", "sunspots");

    record Case(int batch, int length, float[] inputs, float[] outputs) {}

    static Golden load(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("no golden file /golden/" + name + ".json");
            }
            return new ObjectMapper().readValue(in, Golden.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bundle, copied out of the class path first (other modules read it from a test jar). */
    ModelBundle loadBundle() {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + bundle)) {
            if (in == null) {
                throw new IllegalStateException("no golden bundle /golden/" + bundle);
            }
            Path file = Files.createTempFile("golden-", ".zip");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return ModelBundle.load(file);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
