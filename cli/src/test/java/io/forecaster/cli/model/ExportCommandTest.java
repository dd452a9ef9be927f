package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.cli.CliErrors;
import io.forecaster.cli.model.ImportCommandTest.Run;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.onnx.OnnxFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Tests for {@link ExportCommand}. */
class ExportCommandTest {

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliErrors.install(new CommandLine(new ExportCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void writesWindowAndStepModelsAndTheOnnxBundle(@TempDir Path dir) throws IOException {
        Path params = OnnxFixtures.copy("/golden/random-scaled.zip", dir);
        Path out = dir.resolve("onnx");
        Run r = run("--onnx", params.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("window.onnx")).isRegularFile();
        assertThat(out.resolve("step.onnx")).isRegularFile();
        assertThat(r.out()).contains("random-scaled-onnx.zip").contains("--engine onnx");
        ModelBundle onnx = ModelBundle.load(out.resolve("random-scaled-onnx.zip"));
        assertThat(onnx.windowGraph()).isEqualTo(Files.readAllBytes(out.resolve("window.onnx")));
        float[] x = OnnxFixtures.series(1, 60);
        try (Predictor o = Engines.open(Engines.ONNX, onnx);
                Predictor f = Engines.open(Engines.FAST, ModelBundle.load(params))) {
            float[] a = o.predict(new float[][] {x})[0];
            float[] b = f.predict(new float[][] {x})[0];
            for (int i = 0; i < a.length; i++) {
                assertThat(Math.abs(a[i] - b[i])).isLessThan(1e-4f * Math.max(1, Math.abs(b[i])));
            }
        }
    }

    @Test
    void refusesAnOnnxBundleNamingTheOption(@TempDir Path dir) {
        Path onnx = OnnxFixtures.copy("/onnx/sunspots-onnx.zip", dir);
        Run r = run("--onnx", onnx.toString(), "--out", dir.resolve("o").toString());
        assertThat(r.code()).isEqualTo(CliErrors.USAGE);
        assertThat(r.err().strip())
                .isEqualTo("forecaster export: --onnx: " + onnx + " is already an ONNX bundle");
    }
}
