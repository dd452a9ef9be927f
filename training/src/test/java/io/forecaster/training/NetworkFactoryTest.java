package io.forecaster.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tests for {@link NetworkFactory} and {@link ModelBundle}. */
class NetworkFactoryTest {

    private static final MultiLayerNetwork NET = NetworkFactory.build(HyperParams.SEED, 42);

    @Test
    void seedModelHasTheCoursesParameterCounts() {
        long[] perLayer = new long[NET.getnLayers()];
        for (int i = 0; i < perLayer.length; i++) {
            perLayer[i] = NET.getLayer(i).numParams();
        }
        assertThat(perLayer).containsExactly(192, 24_832, 33_024, 1_950, 310, 11);
        assertThat(NET.numParams()).isEqualTo(60_319);
        assertThat(HyperParams.SEED.parameterCount()).isEqualTo(60_319);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 60})
    void outputHasOnePredictionPerStep(int steps) {
        INDArray in = Nd4j.rand(DataType.FLOAT, 3, steps, 1);
        INDArray out = NET.output(in);
        assertThat(out.shape()).containsExactly(3, steps, 1);
    }

    @Test
    void bundleRoundTripGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
        BundleMetadata meta =
                new BundleMetadata(
                        ModelBundle.FORMAT_VERSION,
                        "test",
                        HyperParams.SEED,
                        60,
                        "window",
                        new Scaling(1.5, 2.0),
                        "abc",
                        "unit test",
                        Map.of("val_mae", 1.25),
                        "2026-11-26T00:00:00Z");
        Path file = dir.resolve("m.zip");
        Dl4jBundles.fromNetwork(NET, meta).save(file);

        ModelBundle loaded = ModelBundle.load(file);
        assertThat(loaded.metadata()).isEqualTo(meta);
        MultiLayerNetwork restored = Dl4jBundles.toNetwork(loaded);
        INDArray in = Nd4j.rand(DataType.FLOAT, 4, 60, 1).muli(300);
        assertThat(restored.output(in)).isEqualTo(NET.output(in));
    }
}
