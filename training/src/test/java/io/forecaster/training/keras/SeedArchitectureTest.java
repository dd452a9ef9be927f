package io.forecaster.training.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link SeedArchitecture}: variations of the TF.js fixture the engines cannot run are
 * refused with the layer, option and value named.
 */
class SeedArchitectureTest {

    private static KerasModelFile fixture;

    @BeforeAll
    static void readFixture() throws IOException {
        fixture = TfjsLayersReader.read(KerasFixtures.tfjsModel());
    }

    @Test
    void acceptsTheFixtureAndDerivesSizesFromTheConfig() {
        SeedArchitecture.Matched m = SeedArchitecture.check(fixture, 400);
        assertThat(m.conv().name()).isEqualTo("conv1d");
        assertThat(m.lambda().name()).isEqualTo("lambda");
        assertThat(m.hyperParams().outputScale()).isEqualTo(400.0);
    }

    @Test
    void modelWithoutLambdaGetsOutputScaleOne() {
        KerasModelFile noLambda = withLayers(fixture.layers().subList(0, 6));
        assertThat(SeedArchitecture.check(noLambda, 400).hyperParams().outputScale())
                .isEqualTo(1.0);
        assertThat(SeedArchitecture.check(noLambda, 400).lambda()).isNull();
    }

    @Test
    void refusesNonCausalPadding() {
        assertRefused(
                edit(0, c -> c.put("padding", "same")), "'conv1d' (Conv1D)", "padding", "\"same\"");
    }

    @Test
    void refusesStridedOrDilatedConvolution() {
        assertRefused(
                edit(0, c -> c.putArray("strides").add(2)), "'conv1d' (Conv1D)", "strides", "[2]");
        assertRefused(
                edit(0, c -> c.putArray("dilation_rate").add(2)),
                "'conv1d' (Conv1D)",
                "dilation_rate",
                "[2]");
    }

    @Test
    void refusesMoreThanOneInputFeature() {
        assertRefused(
                edit(0, c -> c.putArray("batch_input_shape").addNull().addNull().add(3)),
                "'conv1d' (Conv1D)",
                "batch_input_shape",
                "[null,null,3]");
    }

    @Test
    void refusesHardSigmoidGates() {
        // TF.js's LSTM default: a model built in TF.js without recurrentActivation has it.
        assertRefused(
                edit(1, c -> c.put("recurrent_activation", "hard_sigmoid")),
                "'lstm' (LSTM)",
                "recurrent_activation",
                "\"hard_sigmoid\"");
    }

    @Test
    void refusesLstmThatDoesNotReturnSequences() {
        assertRefused(
                edit(2, c -> c.put("return_sequences", false)),
                "'lstm_1' (LSTM)",
                "return_sequences",
                "false");
    }

    @Test
    void refusesBackwardsLstm() {
        assertRefused(
                edit(2, c -> c.put("go_backwards", true)),
                "'lstm_1' (LSTM)",
                "go_backwards",
                "true");
    }

    @Test
    void refusesOtherActivations() {
        assertRefused(
                edit(3, c -> c.put("activation", "tanh")),
                "'dense' (Dense)",
                "activation",
                "\"tanh\"");
        assertRefused(
                edit(5, c -> c.put("activation", "relu")),
                "'dense_2' (Dense)",
                "activation",
                "\"relu\"");
    }

    @Test
    void refusesMoreThanOneOutput() {
        assertRefused(edit(5, c -> c.put("units", 2)), "'dense_2' (Dense)", "units", "2");
    }

    @Test
    void refusesAnExtraLayer() {
        List<KerasLayer> layers = new ArrayList<>(fixture.layers());
        layers.add(2, layer("Dropout", "dropout", "{\"rate\": 0.2}"));
        assertRefused(
                withLayers(layers), "'dropout' (Dropout) at position 2", "class_name", "Dropout");
    }

    @Test
    void refusesABidirectionalLstm() {
        List<KerasLayer> layers = new ArrayList<>(fixture.layers());
        layers.set(1, layer("Bidirectional", "bidirectional", "{\"merge_mode\": \"concat\"}"));
        assertRefused(
                withLayers(layers),
                "'bidirectional' (Bidirectional) at position 1",
                "class_name",
                "Bidirectional");
    }

    @Test
    void refusesALambdaAnywhereButAfterTheOutput() {
        List<KerasLayer> layers = new ArrayList<>(fixture.layers());
        layers.add(0, layers.remove(6));
        assertRefused(
                withLayers(layers), "'lambda' (Lambda) at position 0", "class_name", "Lambda");
    }

    @Test
    void refusesLayersAfterTheLambda() {
        List<KerasLayer> layers = new ArrayList<>(fixture.layers());
        layers.add(
                layer(
                        "Dense",
                        "dense_3",
                        "{\"units\": 1, \"activation\": \"linear\", \"use_bias\": true}"));
        assertRefused(withLayers(layers), "'dense_3' (Dense)", "class_name", "Dense");
    }

    @Test
    void refusesATruncatedModel() {
        assertRefused(
                withLayers(fixture.layers().subList(0, 4)),
                "'dense' (Dense)",
                "next layer",
                "(none");
    }

    @Test
    void refusesWeightsThatDisagreeWithTheConfig() {
        KerasModelFile wrong = edit(3, c -> c.put("units", 31));
        SeedArchitecture.Matched m = SeedArchitecture.check(wrong, 400);
        assertThatThrownBy(() -> Dl4jParamLayout.params(m))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("'dense' (Dense)")
                .hasMessageContaining("weight kernel shape = [64, 30]")
                .hasMessageContaining("[64, 31]");
    }

    @Test
    void refusesFunctionalModels(@TempDir Path dir) throws IOException {
        Path json =
                copyFixture(
                        dir,
                        root ->
                                ((ObjectNode) root.path("modelTopology"))
                                        .put("class_name", "Functional"));
        assertThatThrownBy(() -> TfjsLayersReader.read(json))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("layer model: class_name = Functional");
    }

    @Test
    void refusesQuantizedWeights(@TempDir Path dir) throws IOException {
        Path json =
                copyFixture(
                        dir,
                        root ->
                                ((ObjectNode)
                                                root.path("weightsManifest")
                                                        .get(0)
                                                        .path("weights")
                                                        .get(0))
                                        .putObject("quantization")
                                        .put("dtype", "uint8"));
        assertThatThrownBy(() -> TfjsLayersReader.read(json))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("weight 'conv1d/kernel'")
                .hasMessageContaining("quantization");
    }

    @Test
    void refusesShardsShorterThanTheManifest(@TempDir Path dir) throws IOException {
        Path json = copyFixture(dir, root -> {});
        Path last = dir.resolve("group1-shard2of2.bin");
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> TfjsLayersReader.read(json))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("weight 'dense_2/bias'");
    }

    private static void assertRefused(
            KerasModelFile model, String layer, String option, String value) {
        assertThatThrownBy(() -> SeedArchitecture.check(model, 400))
                .isInstanceOfSatisfying(
                        UnsupportedKerasModelException.class,
                        e -> {
                            assertThat(e.layer()).isEqualTo(layer);
                            assertThat(e.option()).isEqualTo(option);
                            assertThat(e.value()).startsWith(value);
                            assertThat(e.getMessage())
                                    .contains("layer " + layer)
                                    .contains(option + " = " + value);
                        });
    }

    private static KerasModelFile edit(int index, Consumer<ObjectNode> change) {
        List<KerasLayer> layers = new ArrayList<>(fixture.layers());
        KerasLayer l = layers.get(index);
        ObjectNode config = l.config().deepCopy();
        change.accept(config);
        layers.set(index, new KerasLayer(l.className(), l.name(), config, l.weights()));
        return withLayers(layers);
    }

    private static KerasModelFile withLayers(List<KerasLayer> layers) {
        return new KerasModelFile(
                fixture.format(),
                fixture.file(),
                fixture.weightFiles(),
                fixture.kerasVersion(),
                layers);
    }

    private static KerasLayer layer(String cls, String name, String configJson) {
        try {
            ObjectNode config = (ObjectNode) KerasFixtures.JSON.readTree(configJson);
            config.put("name", name);
            return new KerasLayer(cls, name, config, Map.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The TF.js fixture copied to {@code dir}, its model.json changed by {@code change}. */
    private static Path copyFixture(Path dir, Consumer<JsonNode> change) throws IOException {
        Path src = KerasFixtures.tfjsModel().getParent();
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path json = dir.resolve("model.json");
        JsonNode root = KerasFixtures.JSON.readTree(json.toFile());
        change.accept(root);
        KerasFixtures.JSON.writeValue(json.toFile(), root);
        return json;
    }
}
