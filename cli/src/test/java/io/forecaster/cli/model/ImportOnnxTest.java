package io.forecaster.cli.model;

import static io.forecaster.cli.model.ImportCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.cli.CliErrors;
import io.forecaster.cli.model.ImportCommandTest.Run;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import io.forecaster.onnx.OnnxFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ImportCommand} on ONNX graphs. */
class ImportOnnxTest {

    @TempDir static Path dir;
    static Path window;
    static Path step;

    /** The graphs of the committed ONNX export of the random-scaled test network. */
    @BeforeAll
    static void graphs() throws IOException {
        ModelBundle b = OnnxFixtures.onnx("random-scaled");
        window = Files.write(dir.resolve("window.onnx"), b.windowGraph());
        step = Files.write(dir.resolve("step.onnx"), b.stepGraph());
    }

    @Test
    void importsWindowAndStepModelsIntoABundleTheOnnxEngineRuns() throws IOException {
        Path out = dir.resolve("imported.zip");
        Run r =
                run(
                        window.toString(),
                        "--step-model",
                        step.toString(),
                        "--window",
                        "30",
                        "--scaling",
                        "80,60",
                        "--model-id",
                        "rs",
                        "--out",
                        out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("input 'x' [batch, time, 1], output 'y'")
                .contains("conv history 4, LSTM units 64/64")
                .contains("wrote " + out + ": ONNX bundle");
        ModelBundle bundle = ModelBundle.load(out);
        assertThat(bundle.metadata().isOnnx()).isTrue();
        assertThat(bundle.metadata().modelId()).isEqualTo("rs");
        assertThat(bundle.metadata().windowSize()).isEqualTo(30);
        assertThat(bundle.metadata().scaling()).isEqualTo(new Scaling(80, 60));

        float[] x = OnnxFixtures.series(3, 30);
        try (Predictor onnx = Engines.open(Engines.ONNX, bundle);
                Predictor fast = Engines.open(Engines.FAST, OnnxFixtures.params("random-scaled"))) {
            float[] a = onnx.predict(new float[][] {x})[0];
            float[] b = fast.predict(new float[][] {x})[0];
            for (int i = 0; i < a.length; i++) {
                assertThat((double) a[i])
                        .isCloseTo(
                                b[i],
                                org.assertj.core.api.Assertions.within(
                                        1e-4 * Math.max(1, Math.abs(b[i]))));
            }
        }
        try (Stepper s = Engines.openStepper(Engines.ONNX, bundle)) {
            StepState[] st = {s.newState()};
            float[] y = new float[1];
            s.step(st, new float[] {x[0]}, 1, y);
            assertThat(st[0].steps).isOne();
        }
    }

    @Test
    void refusesAWindowInputOfTheWrongRankNamingInputAndShape() {
        Path bad = OnnxFixtures.copy("/onnx/bad/rank2-window.onnx", dir);
        Run r = run(bad.toString(), "--out", dir.resolve("x.zip").toString());
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err().strip())
                .startsWith("forecaster import: MODEL: window model input 'x' has shape [-1, -1]")
                .doesNotContain("\n");
    }

    @Test
    void refusesAStepModelInputOutsideTheNamingConvention() {
        Path bad = OnnxFixtures.copy("/onnx/bad/misnamed-step.onnx", dir);
        Run r =
                run(
                        window.toString(),
                        "--step-model",
                        bad.toString(),
                        "--out",
                        dir.resolve("x.zip").toString());
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err())
                .contains("--step-model: step model input 'hidden1' is not part of the contract");
    }

    @Test
    void refusesAnOperatorOnnxRuntimeDoesNotImplement() {
        Path bad = OnnxFixtures.copy("/onnx/bad/unknown-op.onnx", dir);
        Run r = run(bad.toString(), "--out", dir.resolve("x.zip").toString());
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err()).contains("MODEL: ONNX Runtime cannot load").contains("NoSuchOp");
    }

    @Test
    void refusesAScalingThatIsNeitherNoneNorOffsetAndScale() {
        Run r = run(window.toString(), "--scaling", "80", "--out", dir.resolve("x.zip").toString());
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err()).contains("--scaling: '80' is neither none nor OFFSET,SCALE");
    }
}
