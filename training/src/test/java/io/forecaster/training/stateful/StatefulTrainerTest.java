package io.forecaster.training.stateful;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.HyperParams;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.IdentityEngine;
import io.forecaster.model.engine.Stepper;
import io.forecaster.training.Dl4jBundles;
import java.time.Duration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tests for {@link StatefulTrainer}. */
class StatefulTrainerTest {

    private static final HyperParams SMALL = new HyperParams(4, 3, 6, 5, 4, 3, 10.0);

    private static float[] sine(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (5 + 4 * Math.sin(i * 2 * Math.PI / 25));
        }
        return x;
    }

    @Test
    void ncwTrainingNetworkComputesTheBundlesNwcFunction() {
        StatefulTrainer.Options o =
                new StatefulTrainer.Options(SMALL, 3L, 10, 1, 1, 1e-3, 1, Duration.ofMinutes(1));
        MultiLayerNetwork ncw = StatefulTrainer.ncwNetwork(o);
        MultiLayerNetwork nwc =
                Dl4jBundles.toNetwork(
                        new io.forecaster.model.ModelBundle(
                                new io.forecaster.model.BundleMetadata(
                                        1,
                                        "t",
                                        SMALL,
                                        10,
                                        "stateful",
                                        null,
                                        null,
                                        "test",
                                        null,
                                        "2026-11-26T00:00:00Z"),
                                Dl4jBundles.params(ncw)));
        INDArray in = Nd4j.rand(DataType.FLOAT, 3, 17, 1).muli(10);
        INDArray viaNwc = nwc.output(in);
        INDArray viaNcw = ncw.output(in.permute(0, 2, 1).dup()).permute(0, 2, 1);
        assertThat(
                        viaNcw.castTo(DataType.DOUBLE)
                                .equalsWithEps(viaNwc.castTo(DataType.DOUBLE), 1e-5))
                .as("NCW %s vs NWC %s", viaNcw, viaNwc)
                .isTrue();
    }

    @Test
    void trainsAStatefulBundleScoredByStepping() {
        float[] series = sine(300);
        StatefulTrainer.Options o =
                new StatefulTrainer.Options(SMALL, 5L, 20, 2, 4, 1e-2, 2, Duration.ofMinutes(2));
        StatefulTrainer.Result r =
                StatefulTrainer.train(series, 220, 250, o, "sine", "abc", "unit test");

        assertThat(r.bundle().metadata().mode()).isEqualTo("stateful");
        assertThat(r.bundle().metadata().windowSize()).isEqualTo(20);
        assertThat(r.bundle().params()).hasSize((int) SMALL.parameterCount());
        assertThat(r.bestEpoch()).isIn(2, 4);
        // selection on the slice [220, 250) of the training range, test on [250, 300)
        float[] selection = java.util.Arrays.copyOf(series, 250);
        assertThat(r.baselineMae()).isEqualTo(SteppedEvaluation.lastValueMae(selection, 220));
        assertThat(r.testBaselineMae()).isEqualTo(SteppedEvaluation.lastValueMae(series, 250));
        assertThat(r.testPoints()).isEqualTo(50);
        assertThat(r.bundle().metadata().evaluation())
                .containsEntry("val_mae", r.valMae())
                .containsEntry("val_points", 30.0)
                .containsEntry("test_mae", r.testMae());
        // the recorded figures are reproducible from the bundle, with either engine
        for (String engine : Engines.names()) {
            if (engine.equals(IdentityEngine.NAME)) {
                continue; // no network: the last value repeated
            }
            try (Stepper s = Engines.openStepper(engine, r.bundle())) {
                assertThat(SteppedEvaluation.mae(s, selection, 220))
                        .as(engine)
                        .isCloseTo(r.valMae(), org.assertj.core.api.Assertions.within(1e-4));
                assertThat(SteppedEvaluation.mae(s, series, 250))
                        .as(engine)
                        .isCloseTo(r.testMae(), org.assertj.core.api.Assertions.within(1e-4));
            }
        }
    }
}
