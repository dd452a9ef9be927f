package io.forecaster.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for the {@value BundleMetadata#ONNX} form of {@link ModelBundle}. */
class OnnxBundleFormatTest {

    @TempDir Path dir;

    private static BundleMetadata onnxMetadata() {
        return new BundleMetadata(
                ModelBundle.ONNX_FORMAT_VERSION,
                "imported",
                null,
                60,
                "window",
                new Scaling(10, 2),
                null,
                "test",
                Map.of(),
                "2026-11-30T00:00:00Z",
                BundleMetadata.ONNX);
    }

    @Test
    void savesAndLoadsTheGraphsAsBytes() throws IOException {
        byte[] window = {1, 2, 3};
        byte[] step = {4, 5};
        Path file = dir.resolve("b.zip");
        ModelBundle.onnx(onnxMetadata(), window, step).save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertThat(loaded.metadata().isOnnx()).isTrue();
        assertThat(loaded.metadata().hyperParams()).isNull();
        assertThat(loaded.metadata().scaling()).isEqualTo(new Scaling(10, 2));
        assertThat(loaded.params()).isEmpty();
        assertThat(loaded.windowGraph()).containsExactly(window);
        assertThat(loaded.stepGraph()).containsExactly(step);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
                    .containsExactly("bundle.json", "window.onnx", "step.onnx");
            assertThat(new String(zip.getInputStream(zip.getEntry("bundle.json")).readAllBytes()))
                    .contains("\"format\" : \"onnx\"");
        }
    }

    @Test
    void aBundleWithoutAFormatIsAParamsBundle() throws IOException {
        Path file = dir.resolve("old.zip");
        try (InputStream in = getClass().getResourceAsStream("/golden/random-raw.zip")) {
            Files.copy(in, file);
        }
        ModelBundle old = ModelBundle.load(file);
        assertThat(old.metadata().format()).isEqualTo(BundleMetadata.PARAMS);
        assertThat(old.metadata().isOnnx()).isFalse();
        assertThat(old.graphs()).isEmpty();
        assertThat(old.params()).hasSize((int) HyperParams.SEED.parameterCount());
    }

    @Test
    void anOnnxBundleNeedsAWindowModelAndNoParams() {
        assertThatThrownBy(() -> ModelBundle.onnx(onnxMetadata(), null, new byte[] {1}))
                .hasMessageContaining("needs window.onnx");
        assertThatThrownBy(
                        () ->
                                new ModelBundle(
                                        onnxMetadata(),
                                        new float[3],
                                        Map.of(ModelBundle.WINDOW_ONNX, new byte[1])))
                .hasMessageContaining("holds no params");
    }

    @Test
    void onlyAnOnnxBundleMayLeaveOutTheHyperParameters() {
        assertThatThrownBy(
                        () ->
                                new BundleMetadata(
                                        1, "m", null, 60, "window", null, null, null, null, null))
                .hasMessageContaining("hyperParams must not be null");
        assertThatThrownBy(
                        () ->
                                new BundleMetadata(
                                        1,
                                        "m",
                                        HyperParams.SEED,
                                        60,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        "tflite"))
                .hasMessageContaining("format must be 'params' or 'onnx', got 'tflite'");
    }
}
