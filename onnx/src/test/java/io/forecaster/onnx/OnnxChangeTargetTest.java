package io.forecaster.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.Target;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import org.junit.jupiter.api.Test;

/**
 * A {@link Target#CHANGE} bundle exported to ONNX keeps its target, and the ONNX engine adds the
 * network's output to the last input as the fast engine does: windows, stepping and rollout.
 */
class OnnxChangeTargetTest {

    private static final ModelBundle PARAMS = change(OnnxFixtures.params("random-scaled"));
    private static final ModelBundle ONNX = OnnxExport.bundle(PARAMS);

    private static ModelBundle change(ModelBundle b) {
        return new ModelBundle(b.metadata().withTarget(Target.CHANGE), b.params(), b.graphs());
    }

    @Test
    void theExportKeepsTheTarget() {
        assertThat(ONNX.metadata().isOnnx()).isTrue();
        assertThat(ONNX.metadata().target()).isEqualTo(Target.CHANGE);
    }

    @Test
    void windowsAndRolloutEqualTheFastEngine() {
        int batch = 5;
        int length = 60;
        int horizon = 4;
        float[] w = OnnxEngineTest.windows(batch, length, 17);
        float[] fast = new float[batch * length];
        float[] onnx = new float[batch * length];
        float[] level = new float[batch * length];
        float[] fastAhead = new float[batch * horizon];
        float[] onnxAhead = new float[batch * horizon];
        try (Predictor f = Engines.open(Engines.FAST, PARAMS);
                Predictor o = Engines.open(OnnxEngine.NAME, ONNX);
                Predictor l = Engines.open(OnnxEngine.NAME, OnnxFixtures.onnx("random-scaled"))) {
            f.forecast(w, batch, length, horizon, fast, fastAhead);
            o.forecast(w, batch, length, horizon, onnx, onnxAhead);
            l.predict(w, batch, length, level);
        }
        OnnxEngineTest.assertClose(onnx, fast);
        OnnxEngineTest.assertClose(onnxAhead, fastAhead);
        double offset = PARAMS.metadata().scaling().offset();
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

    @Test
    void rolloutWithAndWithoutTheStepModelEqualsTheFastEngine() {
        OnnxRolloutTest.compare(PARAMS, ONNX, 5, 60, 10, true);
        OnnxRolloutTest.compare(PARAMS, ONNX, 40, 3, 7, true);
        ModelBundle windowOnly = ModelBundle.onnx(ONNX.metadata(), ONNX.windowGraph(), null);
        OnnxRolloutTest.compare(PARAMS, windowOnly, 5, 60, 10, false);
    }

    @Test
    void steppingEqualsTheWindowOutput() {
        int keys = 3;
        int length = 30;
        float[] w = OnnxEngineTest.windows(keys, length, 23);
        float[] full = new float[keys * length];
        try (Predictor f = Engines.open(Engines.FAST, PARAMS)) {
            f.predict(w, keys, length, full);
        }
        try (Stepper s = Engines.openStepper(OnnxEngine.NAME, ONNX)) {
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
