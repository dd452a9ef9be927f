package io.forecaster.training.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.engine.TestBundles;
import io.forecaster.training.Dl4jBundles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Tests for the {@code dl4j} engine: {@link Dl4jPredictor} and {@link Dl4jStepper}. */
class Dl4jEngineTest {

    private static final Scaling SCALING = new Scaling(80, 60);
    private static final ModelBundle BUNDLE = TestBundles.random(7, SCALING);

    @Test
    void predictorIsTheNetworksOutputOnScaledInput() {
        int batch = 3;
        int length = 17;
        float[] w = TestBundles.windows(1, batch, length);
        float[] out = new float[batch * length];
        try (Predictor p = Engines.open("dl4j", BUNDLE)) {
            assertThat(p.engine()).isEqualTo("dl4j");
            p.predict(w, batch, length, out);
        }
        MultiLayerNetwork net = Dl4jBundles.toNetwork(BUNDLE);
        float[] scaled = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            scaled[i] = (float) SCALING.toModel(w[i]);
        }
        float[] y =
                net.output(Nd4j.create(scaled, new long[] {batch, length, 1}, 'c'))
                        .dup('c')
                        .data()
                        .asFloat();
        for (int i = 0; i < y.length; i++) {
            assertThat(out[i]).isEqualTo((float) SCALING.fromModel(y[i]));
        }
    }

    @Test
    void steppingReproducesTheFullSequenceOutputAtEveryStep() {
        int keys = 4;
        int length = 40;
        float[] w = TestBundles.windows(2, keys, length);
        float[] full = new float[keys * length];
        try (Predictor p = Engines.open("dl4j", BUNDLE)) {
            p.predict(w, keys, length, full);
        }
        try (Stepper s = Engines.openStepper("dl4j", BUNDLE)) {
            StepState[] states = new StepState[keys];
            for (int k = 0; k < keys; k++) {
                states[k] = s.newState();
            }
            float[] points = new float[keys];
            float[] out = new float[keys];
            for (int t = 0; t < length; t++) {
                for (int k = 0; k < keys; k++) {
                    points[k] = w[k * length + t];
                }
                s.step(states, points, keys, out);
                for (int k = 0; k < keys; k++) {
                    assertThat(out[k])
                            .as("key %d step %d", k, t)
                            .isCloseTo(full[k * length + t], within(1e-3f));
                }
            }
            assertThat(states[0].steps).isEqualTo(length);
        }
    }

    @Test
    void rejectsUnknownEngineNamingIt() {
        assertThatThrownBy(() -> Engines.open("tpu", BUNDLE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tpu'");
    }
}
