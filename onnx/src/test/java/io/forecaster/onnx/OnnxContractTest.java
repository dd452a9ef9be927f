package io.forecaster.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession;
import io.forecaster.model.ModelBundle;
import org.junit.jupiter.api.Test;

/** Tests for {@link OnnxContract}: graphs the engine cannot use are refused by name. */
class OnnxContractTest {

    @Test
    void readsTheExportedModels() throws Exception {
        ModelBundle b = OnnxFixtures.onnx("random-scaled");
        try (OrtSession w = OnnxSessions.open("window model", b.windowGraph());
                OrtSession s = OnnxSessions.open("step model", b.stepGraph())) {
            assertThat(OnnxContract.window(w)).isEqualTo(new OnnxContract.Window("x", "y"));
            assertThat(OnnxContract.step(s)).isEqualTo(new OnnxContract.Step(4, 64, 64));
        }
    }

    @Test
    void refusesAWindowInputOfRankTwo() {
        assertThatThrownBy(() -> window("rank2-window"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("window model input 'x' has shape [-1, -1]")
                .hasMessageContaining("[batch, time, 1]");
    }

    @Test
    void refusesAWindowModelWithTwoInputs() {
        assertThatThrownBy(() -> window("two-input-window"))
                .hasMessageContaining("exactly one input")
                .hasMessageContaining("x [-1, -1, 1], z [-1, -1, 1]");
    }

    @Test
    void refusesAnOperatorOnnxRuntimeDoesNotImplement() {
        assertThatThrownBy(() -> window("unknown-op"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ONNX Runtime cannot load")
                .hasMessageContaining("NoSuchOp");
    }

    @Test
    void refusesAStepModelWithAnInputOutsideTheNamingConvention() {
        assertThatThrownBy(
                        () -> {
                            try (OrtSession s =
                                    OnnxSessions.open(
                                            "step model",
                                            OnnxFixtures.bytes("/onnx/bad/misnamed-step.onnx"))) {
                                OnnxContract.step(s);
                            }
                        })
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step model input 'hidden1' is not part of the contract")
                .hasMessageContaining("h1");
    }

    private static void window(String name) throws Exception {
        try (OrtSession s =
                OnnxSessions.open(
                        "window model", OnnxFixtures.bytes("/onnx/bad/" + name + ".onnx"))) {
            OnnxContract.window(s);
        }
    }
}
