package io.forecaster.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.Target;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@link Target#CHANGE} or {@link Target#DIFFERENCES} bundle exported to ONNX keeps its target,
 * and the ONNX engine encodes the inputs and adds the network's output to the last input as the
 * fast engine does: windows, stepping and rollout.
 */
class OnnxChangeTargetTest {

    private static ModelBundle params(Target t) {
        ModelBundle b = OnnxFixtures.params("random-scaled");
        return new ModelBundle(b.metadata().withTarget(t), b.params(), b.graphs());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void theExportKeepsTheTarget(Target target) {
        ModelBundle onnx = OnnxExport.bundle(params(target));
        assertThat(onnx.metadata().isOnnx()).isTrue();
        assertThat(onnx.metadata().target()).isEqualTo(target);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void windowsAndRolloutEqualTheFastEngine(Target target) {
        ModelBundle params = params(target);
        int batch = 5;
        int length = 60;
        int horizon = 4;
        float[] w = OnnxEngineTest.windows(batch, length, 17);
        float[] fast = new float[batch * length];
        float[] onnx = new float[batch * length];
        float[] level = new float[batch * length];
        float[] fastAhead = new float[batch * horizon];
        float[] onnxAhead = new float[batch * horizon];
        try (Predictor f = Engines.open(Engines.FAST, params);
                Predictor o = Engines.open(OnnxEngine.NAME, OnnxExport.bundle(params));
                Predictor l = Engines.open(OnnxEngine.NAME, OnnxFixtures.onnx("random-scaled"))) {
            f.forecast(w, batch, length, horizon, fast, fastAhead);
            o.forecast(w, batch, length, horizon, onnx, onnxAhead);
            l.predict(w, batch, length, level);
        }
        OnnxEngineTest.assertClose(onnx, fast);
        OnnxEngineTest.assertClose(onnxAhead, fastAhead);
        if (target != Target.CHANGE) {
            return;
        }
        double offset = params.metadata().scaling().offset();
        double apart = 0;
        for (int i = 0; i < w.length; i++) {
            // the level export of the same weights holds the same network output
            assertThat(Math.abs((onnx[i] - w[i]) - (level[i] - offset)))
                    .as("element %d", i)
                    .isLessThanOrEqualTo(1e-4 * Math.max(1, Math.abs(level[i])));
            apart = Math.max(apart, Math.abs(onnx[i] - level[i]));
        }
        assertThat(apart).isGreaterThan(1.0);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void rolloutWithAndWithoutTheStepModelEqualsTheFastEngine(Target target) {
        ModelBundle params = params(target);
        ModelBundle onnx = OnnxExport.bundle(params);
        OnnxRolloutTest.compare(params, onnx, 5, 60, 10, true);
        OnnxRolloutTest.compare(params, onnx, 40, 3, 7, true);
        OnnxRolloutTest.compare(params, onnx, 1, 60, 3, false);
        ModelBundle windowOnly = ModelBundle.onnx(onnx.metadata(), onnx.windowGraph(), null);
        OnnxRolloutTest.compare(params, windowOnly, 5, 60, 10, false);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void steppingEqualsTheWindowOutput(Target target) {
        ModelBundle params = params(target);
        int keys = 3;
        int length = 30;
        float[] w = OnnxEngineTest.windows(keys, length, 23);
        float[] full = new float[keys * length];
        try (Predictor f = Engines.open(Engines.FAST, params)) {
            f.predict(w, keys, length, full);
        }
        try (Stepper s = Engines.openStepper(OnnxEngine.NAME, OnnxExport.bundle(params))) {
            StepState[] states = new StepState[keys];
            for (int k = 0; k < keys; k++) {
                states[k] = s.newState();
            }
            float[] points = new float[keys];
            float[] out = new float[keys];
            float[] stepped = new float[keys * length];
            for (int t = 0; t < length; t++) {
                for (int k = 0; k < keys; k++) {
                    points[k] = w[k * length + t];
                }
                s.step(states, points, keys, out);
                for (int k = 0; k < keys; k++) {
                    stepped[k * length + t] = out[k];
                }
            }
            OnnxEngineTest.assertClose(stepped, full);
        }
    }
}
