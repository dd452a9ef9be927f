package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forecaster.model.ModelBundle;
import io.forecaster.training.data.TestData;
import io.forecaster.training.keras.KerasFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Tests for {@link ImportCommand}. */
class ImportCommandTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = io.forecaster.cli.CliErrors.install(new CommandLine(new ImportCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void importsTheTfjsDirectoryIntoABundle(@TempDir Path dir) throws IOException {
        Path bundle = dir.resolve("course.zip");
        Run r =
                run(
                        KerasFixtures.tfjsModel().getParent().toString(),
                        "--out",
                        bundle.toString(),
                        "--model-id",
                        "course",
                        "--window",
                        "30");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("lstm_1", "Conv1D", "x * 400")
                .contains("wrote " + bundle)
                .contains("60,319 parameters");
        ModelBundle loaded = ModelBundle.load(bundle);
        assertThat(loaded.metadata().modelId()).isEqualTo("course");
        assertThat(loaded.metadata().windowSize()).isEqualTo(30);
        assertThat(loaded.metadata().source()).contains("tfjs-layers");
    }

    @Test
    void refusesAnUnsupportedModelNamingLayerOptionAndValue(@TempDir Path dir) throws IOException {
        Path src = KerasFixtures.tfjsModel().getParent();
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path json = dir.resolve("model.json");
        JsonNode root = KerasFixtures.JSON.readTree(json.toFile());
        ObjectNode lstm = (ObjectNode) root.at("/modelTopology/config/layers/1/config");
        lstm.put("recurrent_activation", "hard_sigmoid");
        KerasFixtures.JSON.writeValue(json.toFile(), root);
        Path bundle = dir.resolve("never.zip");

        Run r = run(json.toString(), "--out", bundle.toString());

        assertThat(r.code()).isEqualTo(io.forecaster.cli.CliErrors.USAGE);
        assertThat(r.err())
                .contains(
                        "forecaster import: MODEL: layer 'lstm' (LSTM): recurrent_activation ="
                                + " \"hard_sigmoid\"");
        assertThat(bundle).doesNotExist();
    }

    @Test
    void refusesAFileThatIsNoModel(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("notes.txt"), "hello");
        Run r = run(junk.toString(), "--out", dir.resolve("x.zip").toString());
        assertThat(r.code()).isEqualTo(io.forecaster.cli.CliErrors.USAGE);
        assertThat(r.err())
                .contains("neither a TF.js model.json, a Keras HDF5 file (.h5) nor a Keras 3");
    }

    @Test
    void importsAKeras3ArchiveThatEvaluatesAsKerasScored(@TempDir Path dir) throws IOException {
        Path bundle = dir.resolve("x.zip");
        Run r = run(KerasFixtures.keras3Archive().toString(), "--out", bundle.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("(keras-archive, 3.15.1)", "lstm_1", "x * 400")
                .contains("wrote " + bundle);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl =
                io.forecaster.cli.CliErrors.install(new CommandLine(new EvaluateCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code =
                cl.execute(
                        "--model",
                        bundle.toString(),
                        "--data",
                        TestData.SUNSPOTS.toString(),
                        "--column",
                        TestData.SUNSPOT_COLUMN,
                        "--split",
                        "3000");
        assertThat(code).as(err.toString()).isZero();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("all\\s+235\\s+([0-9.]+)\\s")
                        .matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        assertThat(Double.parseDouble(m.group(1)))
                .as("Keras's own MAE on the course split")
                .isCloseTo(14.2490, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void refusesAZipThatIsNoKerasArchive(@TempDir Path dir) throws IOException {
        Path keras = dir.resolve("model.keras");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(keras))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("config.json"));
            zip.write(
                    "{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}}"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Run r = run(keras.toString(), "--out", dir.resolve("x.zip").toString());
        assertThat(r.code()).isEqualTo(io.forecaster.cli.CliErrors.USAGE);
        assertThat(r.err())
                .contains("forecaster import: MODEL: layer model: archive entries = [config.json]")
                .contains("model.weights.h5");
    }
}
