package io.forecaster.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import io.forecaster.training.Dl4jBundles;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A bundle whose target is {@link Target#CHANGE}: every engine's output is the last input plus the
 * network's output (times the scaling's scale), at every step, in windows, in stepping and in the
 * rollouts that feed forecasts back.
 */
class ChangeTargetTest {

    private static final double EPS = 1e-4;
    private static final Scaling SCALING = new Scaling(80, 60);

    /** Random weights, output scale 1: network outputs of a few tenths, changes of a few units. */
    private static final ModelBundle LEVEL =
            TestBundles.random(7, SCALING, HyperParams.SEED.withOutputScale(1), 0f);

    private static final ModelBundle CHANGE = withTarget(LEVEL, Target.CHANGE);

    static ModelBundle withTarget(ModelBundle b, Target t) {
        return new ModelBundle(b.metadata().withTarget(t), b.params(), b.graphs());
    }

    /** DL4J's own output for the scaled windows, in the network's units (no engine involved). */
    private static float[] networkOutput(float[] w, int batch, int length) {
        MultiLayerNetwork net = Dl4jBundles.toNetwork(LEVEL);
        float[] scaled = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            scaled[i] = (float) SCALING.toModel(w[i]);
        }
        return net.output(Nd4j.create(scaled, new long[] {batch, length, 1}, 'c'))
                .dup('c')
                .data()
                .asFloat();
    }

    private static float[] predict(String engine, ModelBundle b, float[] w, int batch, int len) {
        float[] out = new float[batch * len];
        try (Predictor p = Engines.open(engine, b)) {
            p.predict(w, batch, len, out);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fast", "dl4j"})
    void outputIsTheLastInputPlusTheNetworksOutputAtEveryStep(String engine) {
        int batch = 5;
        int length = 60;
        float[] w = TestBundles.windows(3, batch, length);
        float[] y = networkOutput(w, batch, length);
        float[] change = predict(engine, CHANGE, w, batch, length);
        float[] level = predict(engine, LEVEL, w, batch, length);
        double maxChange = 0;
        for (int i = 0; i < w.length; i++) {
            double expected = w[i] + (double) y[i] * SCALING.scale();
            assertThat((double) change[i])
                    .as("%s element %d", engine, i)
                    .isCloseTo(expected, within(EPS));
            // the same engine's level output holds the same network output
            assertThat((double) change[i] - w[i])
                    .as("%s element %d against its level output", engine, i)
                    .isCloseTo(level[i] - SCALING.offset(), within(EPS));
            maxChange = Math.max(maxChange, Math.abs(change[i] - w[i]));
        }
        // a change bundle is not the level bundle: the outputs differ by far more than the bound
        assertThat(maxChange).isGreaterThan(0.1);
        assertThat(Math.abs(change[0] - level[0])).isGreaterThan(1.0f);
    }

    @Test
    void fastEqualsDl4j() {
        int batch = 37;
        int length = 61;
        float[] w = TestBundles.windows(4, batch, length);
        float[] fast = predict(Engines.FAST, CHANGE, w, batch, length);
        float[] dl4j = predict("dl4j", CHANGE, w, batch, length);
        for (int i = 0; i < w.length; i++) {
            assertThat((double) fast[i]).as("element %d", i).isCloseTo(dl4j[i], within(EPS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fast", "dl4j"})
    void steppingReproducesTheWindowOutput(String engine) {
        int keys = 4;
        int length = 40;
        float[] w = TestBundles.windows(5, keys, length);
        float[] full = predict(engine, CHANGE, w, keys, length);
        try (Stepper s = Engines.openStepper(engine, CHANGE)) {
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
                    assertThat((double) out[k])
                            .as("%s key %d step %d", engine, k, t)
                            .isCloseTo(full[k * length + t], within(EPS));
                }
            }
        }
    }

    /** Forecasts H steps ahead by hand: predict, append the last prediction, predict again. */
    private static float[] byHand(String engine, float[] window, int horizon) {
        float[] ahead = new float[horizon];
        float[] grown = Arrays.copyOf(window, window.length + horizon - 1);
        try (Predictor p = Engines.open(engine, CHANGE)) {
            for (int h = 0; h < horizon; h++) {
                int len = window.length + h;
                float[] out = new float[len];
                p.predict(Arrays.copyOf(grown, len), 1, len, out);
                ahead[h] = out[len - 1];
                if (h + 1 < horizon) {
                    grown[len] = ahead[h];
                }
            }
        }
        return ahead;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fast", "dl4j"})
    void rolloutEqualsFeedingPredictionsBackByHand(String engine) {
        int batch = 3;
        int length = 60;
        int horizon = 6;
        float[] w = TestBundles.windows(6, batch, length);
        float[] ahead = new float[batch * horizon];
        try (Predictor p = Engines.open(engine, CHANGE)) {
            p.forecast(w, batch, length, horizon, new float[batch * length], ahead);
        }
        float[] expected = new float[batch * horizon];
        for (int b = 0; b < batch; b++) {
            float[] one =
                    byHand(engine, Arrays.copyOfRange(w, b * length, (b + 1) * length), horizon);
            System.arraycopy(one, 0, expected, b * horizon, horizon);
        }
        // the same by stepping: a state through the window, then the stateful rollout
        float[] stepped = new float[batch * horizon];
        try (Stepper s = Engines.openStepper(engine, CHANGE)) {
            StepState[] states = new StepState[batch];
            for (int b = 0; b < batch; b++) {
                states[b] = s.newState();
            }
            float[] points = new float[batch];
            float[] first = new float[batch];
            for (int t = 0; t < length; t++) {
                for (int b = 0; b < batch; b++) {
                    points[b] = w[b * length + t];
                }
                s.step(states, points, batch, first);
            }
            new StatefulRollout(s, batch).rollout(states, first, batch, horizon, stepped);
        }
        double moved = 0;
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) ahead[i])
                    .as("%s forecast %d", engine, i)
                    .isCloseTo(expected[i], within(EPS));
            assertThat((double) stepped[i])
                    .as("%s stepped %d", engine, i)
                    .isCloseTo(expected[i], within(EPS));
            if (i % horizon > 0) {
                moved = Math.max(moved, Math.abs(expected[i] - expected[i - 1]));
            }
        }
        // each step ahead adds a change of its own: the forecasts are not one value repeated
        assertThat(moved).isGreaterThan(0.01);
    }
}
