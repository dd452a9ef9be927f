package io.forecaster.training.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forecaster.training.Dl4jBundles;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.config.KerasModelConfiguration;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cross-checks the HDF5 fixture with DL4J's own Keras import (its layer mapping and gate
 * reordering, independent of {@link Dl4jParamLayout}), the Lambda registered as x * 400.
 */
class Dl4jKerasImportCrossCheckTest {

    /** The course's Lambda for DL4J's importer, which cannot run Python either. */
    static final class TimesFactor extends SameDiffLambdaLayer {
        private double factor;

        TimesFactor() {}

        TimesFactor(double factor) {
            this.factor = factor;
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable x) {
            return x.mul(factor);
        }

        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }
    }

    /**
     * The file's model_config with its keras_version and backend, initializers swapped for
     * GlorotUniform: DL4J draws the Keras Orthogonal initializer through an SVD that ran for
     * minutes here, and the imported weights overwrite the draw anyway.
     */
    private static String modelJsonWithoutOrthogonalInit() throws Exception {
        try (Hdf5Archive h5 = new Hdf5Archive(KerasFixtures.h5Model().toString())) {
            ObjectNode config =
                    (ObjectNode)
                            KerasFixtures.JSON.readTree(h5.readAttributeAsJson("model_config"));
            config.put("keras_version", h5.readAttributeAsString("keras_version"));
            config.put("backend", "tensorflow");
            return config.toString().replace("\"Orthogonal\"", "\"GlorotUniform\"");
        }
    }

    @AfterAll
    static void unregister() {
        KerasLayer.clearLambdaLayers();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void dl4jKerasImportOfTheH5FileMatchesTensorFlowJs() throws Exception {
        KerasLayer.registerLambdaLayer("lambda", new TimesFactor(400));
        MultiLayerNetwork net;
        try (KerasModelBuilder builder = new KerasModelBuilder(new KerasModelConfiguration())) {
            net =
                    builder.modelJson(modelJsonWithoutOrthogonalInit())
                            .weightsHdf5Filename(KerasFixtures.h5Model().toString())
                            .enforceTrainingConfig(false)
                            .buildSequential()
                            .getMultiLayerNetwork();
        }
        assertThat(net.numParams()).isEqualTo(60_319);

        // Same weights, layer by layer, as the project's importer lays out.
        MultiLayerNetwork ours =
                Dl4jBundles.toNetwork(
                        KerasImporter.importModel(
                                        KerasFixtures.h5Model(), KerasImporter.Options.DEFAULTS)
                                .bundle());
        for (int layer = 0; layer < ours.getnLayers(); layer++) {
            for (Map.Entry<String, INDArray> p : ours.getLayer(layer).paramTable().entrySet()) {
                assertThat(net.getLayer(layer).getParam(p.getKey()))
                        .as("layer %d param %s", layer, p.getKey())
                        .isEqualTo(p.getValue());
            }
        }

        // DL4J's imported network (its Lambda a SameDiff layer after a per-step Dense) returns
        // [batch * time, 1] in time-major order: run one window per call to keep it unambiguous.
        Function<float[][], float[][]> batched = Dl4jRunner.of(net);
        Function<float[][], float[][]> run =
                windows ->
                        Arrays.stream(windows)
                                .map(w -> batched.apply(new float[][] {w})[0])
                                .toArray(float[][]::new);
        KerasFixtures.Diff diff = KerasFixtures.compare(KerasFixtures.referenceCases(), run);
        KerasFixtures.assertMatchesReference(diff);
    }
}
