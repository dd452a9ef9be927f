package io.forecaster.training.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forecaster.model.HyperParams;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.training.data.SeriesCsv;
import io.forecaster.training.data.TestData;
import io.forecaster.training.engine.Dl4jEngine;
import io.forecaster.training.eval.Evaluator;
import io.forecaster.training.eval.ValidationScore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests for {@link KerasArchiveReader} on the course model saved by real Keras 3.15.1 (TensorFlow
 * 2.21) both as {@code course.keras} and as {@code course.h5}, with Keras's own last-step
 * predictions on the sunspots validation split ({@code keras_pred.txt}, MAE 14.2490).
 */
class KerasArchiveImportTest {

    static final int SPLIT = 3000;
    static final int WINDOW = 60;

    private static KerasImporter.Imported archive;
    private static KerasImporter.Imported h5;

    @BeforeAll
    static void importFixtures() throws Exception {
        archive =
                KerasImporter.importModel(
                        KerasFixtures.keras3Archive(), KerasImporter.Options.DEFAULTS);
        h5 = KerasImporter.importModel(KerasFixtures.keras3H5(), KerasImporter.Options.DEFAULTS);
    }

    @Test
    void readsTheArchiveWrittenByKeras3() {
        assertThat(archive.model().format()).isEqualTo("keras-archive");
        assertThat(archive.model().kerasVersion()).isEqualTo("3.15.1");
        assertThat(archive.model().layers())
                .extracting(KerasLayer::className)
                .containsExactly(
                        "InputLayer",
                        "Conv1D",
                        "LSTM",
                        "LSTM",
                        "Dense",
                        "Dense",
                        "Dense",
                        "Lambda");
        assertThat(archive.model().layers().get(2).weights().get("recurrent_kernel").name())
                .isEqualTo("layers/lstm/cell/vars/1");
        assertThat(archive.model().layers().get(3).weights().get("kernel").name())
                .isEqualTo("layers/lstm_1/cell/vars/0");
        assertThat(archive.bundle().metadata().hyperParams())
                .isEqualTo(new HyperParams(32, 5, 64, 64, 30, 10, 400.0));
        assertThat(archive.bundle().metadata().source())
                .contains("keras-archive", "course.keras", "keras_version 3.15.1")
                .contains("x * 400 (--lambda-scale; matches its bytecode constant)");
        assertThat(archive.bundle().metadata().modelId()).isEqualTo("course");
    }

    @Test
    void givesExactlyTheParametersOfTheH5SavedByTheSameKeras() {
        assertThat(h5.model().kerasVersion()).isEqualTo("3.15.1");
        assertThat(archive.bundle().metadata().hyperParams())
                .isEqualTo(h5.bundle().metadata().hyperParams());
        assertThat(archive.bundle().params()).containsExactly(h5.bundle().params());
    }

    @ParameterizedTest
    @ValueSource(strings = {Dl4jEngine.NAME, Engines.FAST})
    void predictsWhatKerasPredictedOnTheSunspotsValidationSplit(String engine) throws IOException {
        double[] series = SeriesCsv.read(TestData.SUNSPOTS, TestData.SUNSPOT_COLUMN);
        double[] keras = kerasPredictions();
        assertThat(keras).hasSize(series.length - SPLIT);
        float[][] windows = new float[keras.length][WINDOW];
        for (int i = 0; i < keras.length; i++) {
            for (int j = 0; j < WINDOW; j++) {
                windows[i][j] = (float) series[SPLIT + i - WINDOW + j];
            }
        }
        double maxAbs = 0;
        double maxRel = 0;
        double mae = 0;
        ValidationScore score;
        try (Predictor p = Engines.open(engine, archive.bundle())) {
            float[][] out = p.predict(windows);
            for (int i = 0; i < keras.length; i++) {
                double d = Math.abs(out[i][WINDOW - 1] - keras[i]);
                maxAbs = Math.max(maxAbs, d);
                maxRel = Math.max(maxRel, d / Math.max(Math.abs(keras[i]), 1.0));
                mae += Math.abs(keras[i] - series[SPLIT + i]);
            }
            score = new Evaluator(p, WINDOW).score(series, SPLIT);
        }
        mae /= keras.length;
        String figures =
                String.format(
                        java.util.Locale.ROOT,
                        "%s: max |diff| %.3g, max relative %.3g; Keras MAE %.6f, bundle MAE %.6f",
                        engine,
                        maxAbs,
                        maxRel,
                        mae,
                        score.mae());
        System.out.println(figures);
        assertThat(maxRel).as(figures).isLessThanOrEqualTo(1e-4);
        assertThat(mae).as("keras_pred.txt's own MAE").isCloseTo(14.2490, within(1e-4));
        assertThat(score.points()).isEqualTo(keras.length);
        assertThat(score.mae()).as(figures).isCloseTo(14.2490, within(1e-4));
    }

    @Test
    void refusesAnExtraLayerNamingIt(@TempDir Path dir) throws IOException {
        Path file =
                withConfig(
                        dir,
                        config -> {
                            ArrayNode layers = (ArrayNode) config.at("/config/layers");
                            ObjectNode extra = layers.get(6).deepCopy();
                            ((ObjectNode) extra.get("config")).put("name", "dense_3");
                            layers.add(extra);
                        });
        assertThatThrownBy(() -> KerasImporter.importModel(file, KerasImporter.Options.DEFAULTS))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("layer 'dense_3' (Dense): class_name = Dense")
                .hasMessageContaining("nothing may follow the output layer");
    }

    @Test
    void refusesAMixedPrecisionPolicyNamingLayerAndField(@TempDir Path dir) throws IOException {
        Path file =
                withConfig(
                        dir,
                        config ->
                                ((ObjectNode) config.at("/config/layers/2/config/dtype/config"))
                                        .put("name", "mixed_float16"));
        assertThatThrownBy(() -> KerasImporter.importModel(file, KerasImporter.Options.DEFAULTS))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining(
                        "layer 'lstm' (LSTM): dtype = DTypePolicy \"mixed_float16\" is not"
                                + " supported");
    }

    @Test
    void refusesACustomRegisteredLayer(@TempDir Path dir) throws IOException {
        Path file =
                withConfig(
                        dir,
                        config -> {
                            ObjectNode dense = (ObjectNode) config.at("/config/layers/4");
                            dense.put("module", "my_layers");
                            dense.put("registered_name", "Custom>Dense");
                        });
        assertThatThrownBy(() -> KerasImporter.importModel(file, KerasImporter.Options.DEFAULTS))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining(
                        "layer 'dense' (Dense): registered_name = \"Custom>Dense\" is not"
                                + " supported");
    }

    @Test
    void mapsClassNamesAsKerasDoes() {
        assertThat(KerasArchiveReader.snakeCase("Conv1D")).isEqualTo("conv1d");
        assertThat(KerasArchiveReader.snakeCase("LSTM")).isEqualTo("lstm");
        assertThat(KerasArchiveReader.snakeCase("InputLayer")).isEqualTo("input_layer");
        assertThat(KerasArchiveReader.snakeCase("BatchNormalization"))
                .isEqualTo("batch_normalization");
        var used = new java.util.HashMap<String, Integer>();
        assertThat(
                        List.of(
                                KerasArchiveReader.groupName("Dense", used),
                                KerasArchiveReader.groupName("LSTM", used),
                                KerasArchiveReader.groupName("Dense", used),
                                KerasArchiveReader.groupName("Dense", used)))
                .containsExactly("dense", "lstm", "dense_1", "dense_2");
    }

    static double[] kerasPredictions() throws IOException {
        return Files.readAllLines(KerasFixtures.resource("keras3/keras_pred.txt")).stream()
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    /** A copy of course.keras whose config.json {@code edit} changed. */
    private static Path withConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
        Path out = dir.resolve("edited.keras");
        try (ZipFile in = new ZipFile(KerasFixtures.keras3Archive().toFile());
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                zip.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    if ("config.json".equals(entry.getName())) {
                        JsonNode config = KerasFixtures.JSON.readTree(data);
                        edit.accept((ObjectNode) config);
                        zip.write(
                                KerasFixtures.JSON
                                        .writeValueAsString(config)
                                        .getBytes(StandardCharsets.UTF_8));
                    } else {
                        data.transferTo((OutputStream) zip);
                    }
                }
                zip.closeEntry();
            }
        }
        return out;
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }
}
