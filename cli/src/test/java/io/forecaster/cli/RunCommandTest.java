package io.forecaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Tests for {@link RunCommand}: bad options stop it before any job starts. */
class RunCommandTest {

    @TempDir Path dir;

    record Result(int exitCode, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = io.forecaster.cli.CliErrors.install(new CommandLine(new RunCommand()));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void anInvalidOptionStopsTheJobWithAMessageNamingIt() throws Exception {
        Path model = Files.writeString(dir.resolve("model.zip"), "not used");

        Result r = run("--model.path", model.toString(), "--window.slide", "-3");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("window.slide").contains("-3");
    }

    @Test
    void anUnreadableModelStopsTheJobWithAMessageNamingTheFile() throws Exception {
        Path model = Files.writeString(dir.resolve("broken.zip"), "not a zip");

        Result r = run("--model.path", model.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("model.path").contains("broken.zip");
    }

    @Test
    void helpListsEveryJobOptionWithItsDefault() {
        Result r = run("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("--window.size  [60]")
                .contains("--mode  [WINDOW]")
                .contains("--kafka.points.topic  [sensor-points]")
                .contains("--model.path  [(required)]")
                .contains("--inference.max-delay  [20 ms]")
                .contains("--kafka.sink.delivery  [EXACTLY_ONCE]");
    }
}
