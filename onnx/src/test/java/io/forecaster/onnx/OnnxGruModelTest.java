package io.forecaster.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sunspots GRU ({@code tools/onnx/train_gru.py}: one GRU layer and a linear unit, trained in
 * PyTorch, exported to ONNX, imported with {@code forecaster import} into {@code
 * /onnx/sunspots-gru-onnx.zip}): an architecture the fast engine does not have, which the onnx
 * engine runs as PyTorch does.
 */
class OnnxGruModelTest {

    private static final String DIR = "/onnx/gru/";

    static ModelBundle bundle() {
        return OnnxFixtures.onnx("sunspots-gru");
    }

    @Test
    void theCommittedGraphIsTheExportedOneAndItsChecksumHolds() throws Exception {
        byte[] graph = OnnxFixtures.bytes(DIR + "window.onnx");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(graph));
        String recorded =
                new String(OnnxFixtures.bytes(DIR + "window.onnx.sha256"), StandardCharsets.UTF_8)
                        .split("\\s+")[0];
        assertThat(sha).isEqualTo(recorded);
        assertThat(bundle().windowGraph()).isEqualTo(graph);
    }

    @Test
    void itsGraphIsAGruWithoutTheSeedFamilysConvolutionOrLstm() {
        assertThat(OnnxGraphs.ops(bundle().windowGraph()))
                .contains("GRU", "MatMul")
                .doesNotContain("LSTM", "Conv");
        // the seed family's export, for contrast
        assertThat(OnnxGraphs.ops(OnnxFixtures.onnx("sunspots").windowGraph()))
                .contains("Conv", "LSTM")
                .doesNotContain("GRU");
    }

    @Test
    void theFastEngineRefusesItNamingTheEngineThatRunsIt() {
        ModelBundle gru = bundle();
        assertThatThrownBy(() -> Engines.open(Engines.FAST, gru))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sunspots-gru' is an ONNX bundle")
                .hasMessageContaining("fast engine cannot run")
                .hasMessageContaining("engine 'onnx'");
        assertThatThrownBy(() -> Engines.openStepper(Engines.FAST, gru))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fast engine cannot run");
    }

    @Test
    void theOnnxEngineForecastsAsPyTorchDid() {
        List<String> rows =
                new String(
                                OnnxFixtures.bytes(DIR + "window.onnx.reference.csv"),
                                StandardCharsets.UTF_8)
                        .lines()
                        .filter(l -> !l.startsWith("#") && !l.startsWith("input"))
                        .toList();
        ModelBundle gru = bundle();
        int w = gru.metadata().windowSize();
        assertThat(rows).hasSize(w);
        float[] in = new float[w];
        double[] torch = new double[w];
        for (int i = 0; i < w; i++) {
            String[] f = rows.get(i).split(",");
            in[i] = Float.parseFloat(f[0]);
            torch[i] = Double.parseDouble(f[1]);
        }
        float[] out = new float[w];
        try (Predictor p = Engines.open(OnnxEngine.NAME, gru)) {
            p.predict(in, 1, w, out);
        }
        for (int i = 0; i < w; i++) {
            assertThat(Math.abs(out[i] - torch[i]))
                    .as("step %d: onnx %s, PyTorch %s", i, out[i], torch[i])
                    .isLessThanOrEqualTo(1e-4 * Math.max(1, Math.abs(torch[i])));
        }
        // a forecaster, not a constant: its forecasts follow the series
        assertThat(out[w - 1]).isNotEqualTo(out[w - 2]);
    }

    @Test
    void statefulModeIsRefusedForWantOfAStepModel() {
        assertThatThrownBy(() -> Engines.openStepper(OnnxEngine.NAME, bundle()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no step.onnx");
    }
}
