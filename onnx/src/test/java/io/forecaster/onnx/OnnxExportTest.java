package io.forecaster.onnx;

import static io.forecaster.onnx.OnnxEngineTest.assertClose;
import static io.forecaster.onnx.OnnxEngineTest.windows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link OnnxExport}: the Java-written graphs compute what the fast engine computes. */
class OnnxExportTest {

    @ParameterizedTest
    @ValueSource(strings = {"random-raw", "random-scaled", "sunspots"})
    void windowModelEqualsFastEngine(String name) {
        ModelBundle params = OnnxFixtures.params(name);
        ModelBundle onnx = OnnxExport.bundle(params);
        int[][] shapes = {{1, 1}, {1, 60}, {16, 60}, {7, 120}, {128, 30}};
        try (Predictor f = Engines.open(Engines.FAST, params);
                Predictor o = Engines.open(Engines.ONNX, onnx)) {
            for (int[] s : shapes) {
                float[] x = windows(s[0], s[1], s[0] * 31L + s[1]);
                float[] fast = new float[x.length];
                float[] got = new float[x.length];
                f.predict(x, s[0], s[1], fast);
                o.predict(x, s[0], s[1], got);
                assertClose(got, fast);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"random-raw", "random-scaled", "sunspots"})
    void stepModelSteppingEqualsTheFullSequenceOutput(String name) {
        ModelBundle params = OnnxFixtures.params(name);
        int keys = 3;
        int length = 40;
        float[] x = windows(keys, length, 5);
        float[] full = new float[x.length];
        try (Predictor f = Engines.open(Engines.FAST, params)) {
            f.predict(x, keys, length, full);
        }
        float[] stepped = new float[x.length];
        try (Stepper s = Engines.openStepper(Engines.ONNX, OnnxExport.bundle(params))) {
            StepState[] states = {s.newState(), s.newState(), s.newState()};
            float[] points = new float[keys];
            float[] out = new float[keys];
            for (int t = 0; t < length; t++) {
                for (int k = 0; k < keys; k++) {
                    points[k] = x[k * length + t];
                }
                s.step(states, points, keys, out);
                for (int k = 0; k < keys; k++) {
                    stepped[k * length + t] = out[k];
                }
            }
        }
        assertClose(stepped, full);
    }

    @Test
    void theGraphsFollowTheContractAndTheBundleSurvivesSaveAndLoad(@TempDir Path dir)
            throws Exception {
        ModelBundle onnx = OnnxExport.bundle(OnnxFixtures.params("sunspots"));
        try (OrtSession w = OnnxSessions.open("window model", onnx.windowGraph());
                OrtSession s = OnnxSessions.open("step model", onnx.stepGraph())) {
            assertThat(OnnxContract.window(w)).isEqualTo(new OnnxContract.Window("x", "y"));
            assertThat(OnnxContract.step(s)).isEqualTo(new OnnxContract.Step(4, 64, 64));
        }
        Path file = dir.resolve("s.zip");
        onnx.save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertThat(loaded.metadata().isOnnx()).isTrue();
        assertThat(loaded.metadata().modelId()).isEqualTo("sunspots");
        assertThat(loaded.windowGraph()).isEqualTo(onnx.windowGraph());
    }

    @Test
    void refusesAnOnnxBundle() {
        assertThatThrownBy(() -> OnnxExport.bundle(OnnxFixtures.onnx("sunspots")))
                .hasMessageContaining("already an ONNX bundle");
    }
}
