package io.forecaster.cli.model;

import static io.forecaster.cli.model.CommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.cli.CliErrors;
import io.forecaster.cli.model.CommandsTest.Run;
import io.forecaster.onnx.OnnxFixtures;
import io.forecaster.training.data.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@code evaluate --engine onnx}: same figures as fast, mismatches are usage errors. */
class OnnxEngineCommandsTest {

    @TempDir static Path dir;
    static Path params;
    static Path onnx;
    static Path gru;

    @BeforeAll
    static void bundles() {
        params = OnnxFixtures.copy("/golden/sunspots.zip", dir);
        onnx = OnnxFixtures.copy("/onnx/sunspots-onnx.zip", dir);
        gru = OnnxFixtures.copy("/onnx/sunspots-gru-onnx.zip", dir);
    }

    static Run evaluate(String engine, Path bundle) {
        return run(
                new EvaluateCommand(),
                "--engine",
                engine,
                "--model",
                bundle.toString(),
                "--data",
                TestData.SUNSPOTS.toString(),
                "--column",
                TestData.SUNSPOT_COLUMN,
                "--split",
                "3000");
    }

    @Test
    void evaluateWithOnnxGivesTheFiguresOfFast() {
        Run fast = evaluate("fast", params);
        Run onnxRun = evaluate("onnx", onnx);
        assertThat(fast.code()).as(fast.err()).isZero();
        assertThat(onnxRun.code()).as(onnxRun.err()).isZero();
        String figures = mae(fast.out());
        assertThat(figures).startsWith("test MAE 13.93");
        assertThat(mae(onnxRun.out())).isEqualTo(figures);
    }

    @Test
    void theFastEngineOnAnOnnxBundleIsAUsageErrorNamingTheEngineToUse() {
        Run r = evaluate("fast", onnx);
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err().strip())
                .startsWith(
                        "forecaster evaluate: --engine: 'fast' cannot run "
                                + onnx
                                + ", an ONNX bundle (window graph ops: ")
                .contains("Conv, ", "LSTM, ")
                .endsWith(
                        "; the fast engine runs the Conv1D-LSTM weights of params bundles only):"
                                + " use --engine onnx");
    }

    @Test
    void theFastEngineOnTheGruNamesItsGruOperator() {
        Run r = evaluate("fast", gru);
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err())
                .contains("'fast' cannot run " + gru + ", an ONNX bundle (window graph ops: ")
                .contains(" GRU, ")
                .doesNotContain("LSTM, ")
                .contains("use --engine onnx");
    }

    @Test
    void evaluateRunsTheGruBesideLastValue() {
        Run r = evaluate("onnx", gru);
        assertThat(r.code()).as(r.err()).isZero();
        // the figures of the committed model on the 235 test points (no selection saw them)
        assertThat(mae(r.out())).startsWith("test MAE 14.33, last-value baseline 16.14");
        assertThat(r.out()).contains("model beats last-value (MAE 14.33 vs 16.14)");
    }

    @Test
    void theOnnxEngineOnAParamsBundleIsAUsageError() {
        Run r = evaluate("onnx", params);
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err())
                .contains("--engine: 'onnx' runs ONNX bundles")
                .contains("--engine fast");
    }

    @Test
    void theDl4jEngineRefusesAnOnnxBundleNamingTheEngineToUse() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                io.forecaster.model.engine.Engines.open(
                                        "dl4j", OnnxFixtures.onnx("sunspots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dl4j engine cannot run")
                .hasMessageContaining("engine 'onnx'");
    }

    /** The line of {@code evaluate}'s output with the model's MAE. */
    private static String mae(String out) {
        return out.lines()
                .filter(l -> l.startsWith("test MAE "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 'test MAE' line in:\n" + out));
    }
}
