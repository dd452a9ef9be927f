package io.forecaster.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle's {@code target} field and {@link Target}'s mapping of outputs to values. */
class TargetTest {

    @TempDir Path dir;

    private static ModelBundle bundle(Target target) {
        HyperParams hp = HyperParams.SEED.withOutputScale(1);
        float[] params = new float[(int) hp.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (i % 7) * 0.01f;
        }
        BundleMetadata m =
                new BundleMetadata(
                        ModelBundle.FORMAT_VERSION,
                        "t",
                        hp,
                        60,
                        "window",
                        new Scaling(10, 2),
                        null,
                        "test",
                        Map.of("test_mae", 1.5),
                        "2026-11-30T00:00:00Z");
        return new ModelBundle(target == null ? m : m.withTarget(target), params);
    }

    private static String json(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return new String(
                    zip.getInputStream(zip.getEntry("bundle.json")).readAllBytes(),
                    StandardCharsets.UTF_8);
        }
    }

    @Test
    void aChangeBundleRoundTrips() throws IOException {
        Path file = dir.resolve("change.zip");
        bundle(Target.CHANGE).save(file);
        assertThat(json(file)).contains("\"target\" : \"change\"");
        ModelBundle loaded = ModelBundle.load(file);
        assertThat(loaded.metadata().target()).isEqualTo(Target.CHANGE);
        assertThat(loaded.metadata().scaling()).isEqualTo(new Scaling(10, 2));
        assertThat(loaded.params()).containsExactly(bundle(Target.CHANGE).params());
        // the field survives the other copies of the metadata
        assertThat(loaded.metadata().withCalibration(null).target()).isEqualTo(Target.CHANGE);
    }

    @Test
    void aChangeBundleHasAFormatVersionEarlierBuildsRefuse() throws IOException {
        // earlier builds read params bundles up to version 1 and ONNX bundles up to 2
        assertThat(bundle(Target.LEVEL).metadata().formatVersion()).isEqualTo(1);
        assertThat(bundle(Target.CHANGE).metadata().formatVersion()).isEqualTo(2);
        BundleMetadata onnx =
                new BundleMetadata(
                        ModelBundle.ONNX_FORMAT_VERSION,
                        "o",
                        null,
                        60,
                        "window",
                        null,
                        null,
                        "test",
                        Map.of(),
                        "2026-11-30T00:00:00Z",
                        BundleMetadata.ONNX,
                        null,
                        Target.CHANGE);
        assertThat(onnx.formatVersion()).isEqualTo(3);
        // a network that sees changes: later still (builds that know only change refuse it)
        assertThat(bundle(Target.DIFFERENCES).metadata().formatVersion()).isEqualTo(3);
        assertThat(onnx.withTarget(Target.DIFFERENCES).formatVersion()).isEqualTo(4);
        Path file = dir.resolve("change.zip");
        bundle(Target.CHANGE).save(file);
        assertThat(json(file)).contains("\"formatVersion\" : 2");
        assertThat(ModelBundle.load(file).metadata().formatVersion()).isEqualTo(2);
        // and this build refuses a params bundle from a later one, naming the version
        Path later = dir.resolve("later.zip");
        new ModelBundle(
                        new BundleMetadata(
                                4,
                                "t",
                                HyperParams.SEED,
                                60,
                                "window",
                                null,
                                null,
                                "test",
                                Map.of(),
                                "2026-11-30T00:00:00Z"),
                        bundle(Target.LEVEL).params())
                .save(later);
        assertThatThrownBy(() -> ModelBundle.load(later))
                .hasMessageContaining("format version 4, this build reads up to 3");
    }

    @Test
    void metadataWithoutATargetIsLevel() {
        assertThat(bundle(null).metadata().target()).isEqualTo(Target.LEVEL);
    }

    @Test
    void bundlesWrittenBeforeTheFieldLoadAsLevel() throws IOException {
        Path file = dir.resolve("old.zip");
        try (InputStream in = getClass().getResourceAsStream("/golden/random-raw.zip")) {
            Files.copy(in, file);
        }
        assertThat(json(file)).doesNotContain("target");
        assertThat(ModelBundle.load(file).metadata().target()).isEqualTo(Target.LEVEL);
        // and the committed sunspots bundle, read from the repository
        Path sunspots = Path.of("..", "models", "sunspots.zip");
        assertThat(json(sunspots)).doesNotContain("\"target\"");
        assertThat(ModelBundle.load(sunspots).metadata().target()).isEqualTo(Target.LEVEL);
    }

    @Test
    void mapsOutputsToValues() {
        Scaling s = new Scaling(10, 2);
        // level: the output unscaled; change: the last input plus the output times the scale
        assertThat(Target.LEVEL.toRaw(s, 0.5, 100)).isEqualTo(11.0);
        assertThat(Target.CHANGE.toRaw(s, 0.5, 100)).isEqualTo(101.0);
        assertThat(Target.CHANGE.toRaw(s, -0.25, 7)).isEqualTo(6.5);
        assertThat(Target.DIFFERENCES.toRaw(s, -0.25, 7)).isEqualTo(6.5);
    }

    @Test
    void encodesInputs() {
        Scaling s = new Scaling(10, 2);
        float[] raw = {11, 15, 14, 20};
        float[] level = new float[4];
        float[] diff = new float[4];
        Target.CHANGE.encode(s, raw, 0, 4, level, 0);
        Target.DIFFERENCES.encode(s, raw, 0, 4, diff, 0);
        assertThat(level).containsExactly(0.5f, 2.5f, 2f, 5f);
        // the changes over the scale; nothing before the window's first point: 0
        assertThat(diff).containsExactly(0f, 2f, -0.5f, 3f);
        // a window inside a longer array starts from 0 again
        float[] part = new float[3];
        Target.DIFFERENCES.encode(s, raw, 1, 2, part, 1);
        assertThat(part).containsExactly(0f, 0f, -0.5f);
        assertThat(Target.DIFFERENCES.input(s, 20, 14, true)).isEqualTo(3f);
        assertThat(Target.DIFFERENCES.input(s, 20, 14, false)).isEqualTo(0f);
        assertThat(Target.LEVEL.input(s, 20, 14, true)).isEqualTo(5f);
        // on values already scaled (training): the same inputs
        float[] scaled = new float[4];
        Target.DIFFERENCES.encodeScaled(level, 0, 4, scaled, 0);
        assertThat(scaled).containsExactly(diff);
    }

    @Test
    void parsesItsNamesAndNamesABadOne() {
        assertThat(Target.parse("change")).isEqualTo(Target.CHANGE);
        assertThat(Target.parse("differences")).isEqualTo(Target.DIFFERENCES);
        assertThat(Target.parse("LEVEL")).isEqualTo(Target.LEVEL);
        assertThat(Target.parse(null)).isEqualTo(Target.LEVEL);
        assertThatThrownBy(() -> Target.parse("delta"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'delta'");
    }
}
