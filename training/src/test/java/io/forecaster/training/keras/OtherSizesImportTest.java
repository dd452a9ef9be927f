package io.forecaster.training.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.training.engine.Dl4jEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Imports models whose sizes differ from the seed's (the course's 60/60/60 variant, another kernel
 * width) and checks both engines against {@link KerasReference}, which is itself checked against
 * TF.js on the fixture.
 */
class OtherSizesImportTest {

    @Test
    void javaReferenceAgreesWithTensorFlowJsOnTheFixture() throws Exception {
        SeedArchitecture.Matched m =
                SeedArchitecture.check(TfjsLayersReader.read(KerasFixtures.tfjsModel()), 400);
        KerasFixtures.Diff diff =
                KerasFixtures.compare(
                        KerasFixtures.referenceCases(),
                        windows -> {
                            float[][] out = new float[windows.length][];
                            for (int b = 0; b < windows.length; b++) {
                                out[b] = KerasReference.forward(m, windows[b]);
                            }
                            return out;
                        });
        KerasFixtures.assertMatchesReference(diff);
    }

    @ParameterizedTest
    @ValueSource(strings = {Dl4jEngine.NAME, Engines.FAST})
    void importsTheSixtySixtySixtyVariantWithKernelThree(String engine) {
        HyperParams hp = new HyperParams(60, 3, 60, 60, 30, 10, 400);
        KerasModelFile model = randomModel(hp, 7);
        SeedArchitecture.Matched m = SeedArchitecture.check(model, 400);
        assertThat(m.hyperParams()).isEqualTo(hp);
        ModelBundle bundle = new ModelBundle(metadata(hp), Dl4jParamLayout.params(m));

        Random r = new Random(11);
        float[][] windows = new float[4][25];
        for (float[] w : windows) {
            for (int t = 0; t < w.length; t++) {
                w[t] = 200 * r.nextFloat();
            }
        }
        float[][] out;
        try (Predictor p = Engines.open(engine, bundle)) {
            out = p.predict(windows);
        }
        double maxAbs = 0;
        double maxRef = 0;
        for (int b = 0; b < windows.length; b++) {
            float[] ref = KerasReference.forward(m, windows[b]);
            for (int t = 0; t < ref.length; t++) {
                maxAbs = Math.max(maxAbs, Math.abs(out[b][t] - ref[t]));
                maxRef = Math.max(maxRef, Math.abs(ref[t]));
            }
        }
        assertThat(maxRef).as("outputs are not trivially zero").isGreaterThan(10);
        assertThat(maxAbs / maxRef)
                .as("max abs %s of max %s", maxAbs, maxRef)
                .isLessThanOrEqualTo(1e-5);
    }

    /** The seed topology with {@code hp}'s sizes and random Keras-layout weights. */
    static KerasModelFile randomModel(HyperParams hp, long seed) {
        Random r = new Random(seed);
        List<KerasLayer> layers = new ArrayList<>();
        layers.add(
                layer(
                        "Conv1D",
                        "conv1d",
                        c -> {
                            c.put("filters", hp.convFilters());
                            c.putArray("kernel_size").add(hp.kernelSize());
                            c.putArray("strides").add(1);
                            c.putArray("dilation_rate").add(1);
                            c.put("padding", "causal");
                            c.put("activation", "relu");
                        },
                        r,
                        Map.of(
                                "kernel",
                                new int[] {hp.kernelSize(), 1, hp.convFilters()},
                                "bias",
                                new int[] {hp.convFilters()})));
        layers.add(lstm("lstm", hp.convFilters(), hp.lstm1Units(), r));
        layers.add(lstm("lstm_1", hp.lstm1Units(), hp.lstm2Units(), r));
        layers.add(dense("dense", hp.lstm2Units(), hp.dense1Units(), "relu", r));
        layers.add(dense("dense_1", hp.dense1Units(), hp.dense2Units(), "relu", r));
        layers.add(dense("dense_2", hp.dense2Units(), 1, "linear", r));
        layers.add(new KerasLayer("Lambda", "lambda", lambdaConfig(), Map.of()));
        return new KerasModelFile("test", "random", List.of(), null, layers);
    }

    private static KerasLayer lstm(String name, int nIn, int units, Random r) {
        return layer(
                "LSTM",
                name,
                c -> {
                    c.put("units", units);
                    c.put("activation", "tanh");
                    c.put("recurrent_activation", "sigmoid");
                    c.put("return_sequences", true);
                },
                r,
                Map.of(
                        "kernel",
                        new int[] {nIn, 4 * units},
                        "recurrent_kernel",
                        new int[] {units, 4 * units},
                        "bias",
                        new int[] {4 * units}));
    }

    private static KerasLayer dense(String name, int nIn, int nOut, String activation, Random r) {
        return layer(
                "Dense",
                name,
                c -> {
                    c.put("units", nOut);
                    c.put("activation", activation);
                },
                r,
                Map.of("kernel", new int[] {nIn, nOut}, "bias", new int[] {nOut}));
    }

    private static KerasLayer layer(
            String cls,
            String name,
            java.util.function.Consumer<ObjectNode> config,
            Random r,
            Map<String, int[]> shapes) {
        ObjectNode c = KerasFixtures.JSON.createObjectNode();
        c.put("name", name);
        c.put("use_bias", true);
        config.accept(c);
        Map<String, KerasTensor> weights = new LinkedHashMap<>();
        shapes.forEach(
                (w, shape) -> {
                    int n = 1;
                    for (int d : shape) {
                        n *= d;
                    }
                    float[] data = new float[n];
                    float limit = (float) Math.sqrt(6.0 / (shape[0] + shape[shape.length - 1]));
                    for (int i = 0; i < n; i++) {
                        data[i] = limit * (2 * r.nextFloat() - 1);
                    }
                    weights.put(w, new KerasTensor(name + "/" + w, shape, data));
                });
        return new KerasLayer(cls, name, c, weights);
    }

    private static ObjectNode lambdaConfig() {
        ObjectNode c = KerasFixtures.JSON.createObjectNode();
        c.put("name", "lambda");
        c.putArray("function").add("lambda x: x * 400").addNull().addNull();
        c.put("function_type", "lambda");
        return c;
    }

    private static io.forecaster.model.BundleMetadata metadata(HyperParams hp) {
        return new io.forecaster.model.BundleMetadata(
                ModelBundle.FORMAT_VERSION,
                "sizes",
                hp,
                25,
                "window",
                null,
                null,
                "test",
                null,
                null);
    }
}
