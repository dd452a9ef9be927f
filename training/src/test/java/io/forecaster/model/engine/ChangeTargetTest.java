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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bundles whose target is {@link Target#CHANGE} or {@link Target#DIFFERENCES}: every engine's
 * output is the last input plus the network's output (times the scaling's scale), at every step, in
 * windows, in stepping and in the rollouts that feed forecasts back; with differences the network
 * sees the changes between points (0 at a window's first step), so a shifted series gives a shifted
 * forecast.
 */
class ChangeTargetTest {

    private static final double EPS = 1e-4;
    private static final Scaling SCALING = new Scaling(80, 60);

    /** Random weights, output scale 1: network outputs of a few tenths, changes of a few units. */
    private static final ModelBundle LEVEL =
            TestBundles.random(7, SCALING, HyperParams.SEED.withOutputScale(1), 0f);

    private static final ModelBundle CHANGE = withTarget(LEVEL, Target.CHANGE);

    private static final ModelBundle DIFFERENCES = withTarget(LEVEL, Target.DIFFERENCES);

    static ModelBundle bundle(Target t) {
        return t == Target.CHANGE ? CHANGE : DIFFERENCES;
    }

    /** Each engine with each target that forecasts a change. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments>
            enginesAndTargets() {
        return java.util.stream.Stream.of("fast", "dl4j")
                .flatMap(
                        e ->
                                java.util.stream.Stream.of(Target.CHANGE, Target.DIFFERENCES)
                                        .map(
                                                t ->
                                                        org.junit.jupiter.params.provider.Arguments
                                                                .of(e, t)));
    }

    static ModelBundle withTarget(ModelBundle b, Target t) {
        return new ModelBundle(b.metadata().withTarget(t), b.params(), b.graphs());
    }

    /**
     * DL4J's own output for the windows, in the network's units (no engine involved): the inputs
     * are the scaled values, or for differences the changes over the scale (0 at each window's
     * start).
     */
    private static float[] networkOutput(Target target, float[] w, int batch, int length) {
        MultiLayerNetwork net = Dl4jBundles.toNetwork(LEVEL);
        float[] scaled = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            if (target == Target.DIFFERENCES) {
                scaled[i] = i % length == 0 ? 0f : (float) ((w[i] - w[i - 1]) / SCALING.scale());
            } else {
                scaled[i] = (float) SCALING.toModel(w[i]);
            }
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

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("enginesAndTargets")
    void outputIsTheLastInputPlusTheNetworksOutputAtEveryStep(String engine, Target target) {
        int batch = 5;
        int length = 60;
        float[] w = TestBundles.windows(3, batch, length);
        float[] y = networkOutput(target, w, batch, length);
        float[] change = predict(engine, bundle(target), w, batch, length);
        float[] level = predict(engine, LEVEL, w, batch, length);
        double maxChange = 0;
        for (int i = 0; i < w.length; i++) {
            double expected = w[i] + (double) y[i] * SCALING.scale();
            assertThat((double) change[i])
                    .as("%s element %d", engine, i)
                    .isCloseTo(expected, within(EPS));
            if (target == Target.CHANGE) {
                // the same engine's level output holds the same network output
                assertThat((double) change[i] - w[i])
                        .as("%s element %d against its level output", engine, i)
                        .isCloseTo(level[i] - SCALING.offset(), within(EPS));
            }
            maxChange = Math.max(maxChange, Math.abs(change[i] - w[i]));
        }
        // a change bundle is not the level bundle: the outputs differ by far more than the bound
        assertThat(maxChange).isGreaterThan(0.1);
        assertThat(Math.abs(change[0] - level[0])).isGreaterThan(1.0f);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void fastEqualsDl4j(Target target) {
        int batch = 37;
        int length = 61;
        float[] w = TestBundles.windows(4, batch, length);
        float[] fast = predict(Engines.FAST, bundle(target), w, batch, length);
        float[] dl4j = predict("dl4j", bundle(target), w, batch, length);
        for (int i = 0; i < w.length; i++) {
            assertThat((double) fast[i]).as("element %d", i).isCloseTo(dl4j[i], within(EPS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fast", "dl4j"})
    void differencesForecastAShiftedSeriesShifted(String engine) {
        int batch = 4;
        int length = 60;
        float shift = 250f;
        float[] w = TestBundles.windows(8, batch, length);
        float[] shifted = w.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += shift;
        }
        float[] d = predict(engine, DIFFERENCES, w, batch, length);
        float[] dShifted = predict(engine, DIFFERENCES, shifted, batch, length);
        float[] c = predict(engine, CHANGE, w, batch, length);
        float[] cShifted = predict(engine, CHANGE, shifted, batch, length);
        double changeMoved = 0;
        for (int i = 0; i < d.length; i++) {
            assertThat((double) dShifted[i] - d[i])
                    .as("%s element %d", engine, i)
                    .isCloseTo(shift, within(1e-3 * shift));
            changeMoved = Math.max(changeMoved, Math.abs(cShifted[i] - c[i] - shift));
        }
        // the change target, which sees levels, does not: the property is the inputs'
        assertThat(changeMoved).isGreaterThan(1.0);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("enginesAndTargets")
    void steppingReproducesTheWindowOutput(String engine, Target target) {
        int keys = 4;
        int length = 40;
        float[] w = TestBundles.windows(5, keys, length);
        float[] full = predict(engine, bundle(target), w, keys, length);
        try (Stepper s = Engines.openStepper(engine, bundle(target))) {
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
    private static float[] byHand(String engine, Target target, float[] window, int horizon) {
        float[] ahead = new float[horizon];
        float[] grown = Arrays.copyOf(window, window.length + horizon - 1);
        try (Predictor p = Engines.open(engine, bundle(target))) {
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

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("enginesAndTargets")
    void rolloutEqualsFeedingPredictionsBackByHand(String engine, Target target) {
        int batch = 3;
        int length = 60;
        int horizon = 6;
        float[] w = TestBundles.windows(6, batch, length);
        float[] ahead = new float[batch * horizon];
        try (Predictor p = Engines.open(engine, bundle(target))) {
            p.forecast(w, batch, length, horizon, new float[batch * length], ahead);
        }
        float[] expected = new float[batch * horizon];
        for (int b = 0; b < batch; b++) {
            float[] one =
                    byHand(
                            engine,
                            target,
                            Arrays.copyOfRange(w, b * length, (b + 1) * length),
                            horizon);
            System.arraycopy(one, 0, expected, b * horizon, horizon);
        }
        // the same by stepping: a state through the window, then the stateful rollout
        float[] stepped = new float[batch * horizon];
        try (Stepper s = Engines.openStepper(engine, bundle(target))) {
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
