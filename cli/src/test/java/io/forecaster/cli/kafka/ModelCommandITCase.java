package io.forecaster.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.ModelRecord;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.testing.KafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Tests for {@link ModelCommand} on a real broker. */
class ModelCommandITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    record Run(int exit, String out, String err) {}

    static Run model(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = io.forecaster.cli.CliErrors.install(new CommandLine(new ModelCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path bundle(Path dir) throws Exception {
        HyperParams hp = HyperParams.SEED;
        BundleMetadata m =
                new BundleMetadata(
                        ModelBundle.FORMAT_VERSION,
                        "wind",
                        hp,
                        60,
                        "window",
                        null,
                        null,
                        "test",
                        Map.of(),
                        "2026-01-01T00:00:00Z");
        Path f = dir.resolve("wind.zip");
        new ModelBundle(m, new float[(int) hp.parameterCount()]).save(f);
        return f;
    }

    @Test
    void publishesVersionsInOrderListsThemAndRetiresAName(@TempDir Path dir) throws Exception {
        String topic = "models-" + System.nanoTime();
        String b = KAFKA.bootstrapServers();
        Path wind = bundle(dir);
        String sha = ModelBundle.sha256(Files.readAllBytes(wind));

        Run first =
                model(
                        "publish",
                        "-b",
                        b,
                        "-t",
                        topic,
                        "--name",
                        "wind",
                        "--bundle",
                        wind.toString(),
                        "--default");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("published wind v1").contains(sha);
        Run second =
                model(
                        "publish",
                        "-b",
                        b,
                        "-t",
                        topic,
                        "--name",
                        "wind",
                        "--bundle",
                        wind.toString(),
                        "--default");
        assertThat(second.out()).contains("published wind v2");
        Run coast =
                model(
                        "publish",
                        "-b",
                        b,
                        "-t",
                        topic,
                        "--name",
                        "coast",
                        "--bundle",
                        wind.toUri().toString(),
                        "--prefix",
                        "C-,D-",
                        "--priority",
                        "5");
        assertThat(coast.exit()).as(coast.err()).isZero();

        Map<String, ModelRecord> table = ModelCommand.read(b, topic);
        assertThat(table.get("wind").version()).isEqualTo(2);
        assertThat(table.get("wind").isDefault()).isTrue();
        assertThat(table.get("coast").prefixes()).containsExactly("C-", "D-");
        assertThat(table.get("coast").location()).startsWith("file:");
        assertThat(model("list", "-b", b, "-t", topic).out())
                .contains("coast")
                .contains("prefix C-, prefix D-")
                .contains("wind");

        assertThat(model("retire", "-b", b, "-t", topic, "coast").exit()).isZero();
        assertThat(ModelCommand.read(b, topic).get("coast").retired()).isTrue();
        assertThat(model("list", "-b", b, "-t", topic).out()).doesNotContain("coast");
    }

    @Test
    void refusesWhatTheJobWouldRefuseBeforeWriting(@TempDir Path dir) throws Exception {
        String b = KAFKA.bootstrapServers();
        Path wind = bundle(dir);
        assertThat(model("publish", "-b", b, "--name", "w", "--bundle", wind.toString()).exit())
                .as("no route and not default")
                .isEqualTo(2);
        assertThat(
                        model(
                                        "publish",
                                        "-b",
                                        b,
                                        "--name",
                                        "w",
                                        "--bundle",
                                        wind.toString(),
                                        "--default",
                                        "--sha256",
                                        "0".repeat(64))
                                .err())
                .contains("differs from the file's");
        assertThat(
                        model(
                                        "publish",
                                        "-b",
                                        b,
                                        "--name",
                                        "w",
                                        "--bundle",
                                        "s3://m/w.zip",
                                        "--default")
                                .err())
                .contains("--sha256");
    }
}
