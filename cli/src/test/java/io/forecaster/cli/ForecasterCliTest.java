package io.forecaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.cli.model.PredictCommandAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * Tests for {@link ForecasterCli} and {@link CliErrors}: every command has --help, a usage error
 * (exit 2, one stderr line naming the option and the value) and, where one can be made cheaply, a
 * failure while running (exit 1, one line {@code forecaster <cmd>: error: ...}). No broker, no
 * cluster: the Kafka failures talk to a port nobody listens on, with a short --connect-timeout.
 */
class ForecasterCliTest {

    /** A port nobody listens on (the TCP port multiplexer, never served on a test machine). */
    private static final String NOBODY = "127.0.0.1:1";

    @TempDir Path dir;

    /** What the command line printed and returned. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run forecaster(String... args) {
        return forecaster(cl -> {}, args);
    }

    static Run forecaster(Consumer<CommandLine> setUp, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ForecasterCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        setUp.accept(cl);
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Exit 2 and one line: {@code forecaster <cmd>: } and every text of {@code named}. */
    private static void assertUsageError(Run r, String command, String... named) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.err())
                .startsWith(command.isEmpty() ? "forecaster: " : "forecaster " + command + ": ")
                .contains(named);
    }

    /** Exit 1 and one line: {@code forecaster <cmd>: error: } and every text of {@code named}. */
    private static void assertFailure(Run r, String command, String... named) {
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("forecaster " + command + ": error: ").contains(named);
    }

    /** The committed sunspots bundle, looked for from the working directory upwards. */
    static Path bundle() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("models/sunspots.zip");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("models/sunspots.zip not found");
    }

    private Path csv() throws IOException {
        return Files.writeString(
                dir.resolve("s.csv"), "date,value\n2000-01-01,1\n2000-01-02,2\n2000-01-03,3\n");
    }

    /** A path whose folder is a regular file: it can be written by nobody, root included. */
    private Path unwritable(String name) throws IOException {
        return Files.writeString(dir.resolve("a-file"), "x").resolve(name);
    }

    // --- the whole command line ---

    @ParameterizedTest
    @ValueSource(
            strings = {
                "summary",
                "train",
                "evaluate",
                "predict",
                "import",
                "export",
                "broker",
                "replay",
                "tail",
                "run",
                "demo",
                "e2e-bench"
            })
    void everyCommandHasHelp(String command) {
        Run r = forecaster(command, "--help");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: forecaster " + command).contains("--help");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void theRootListsEveryCommand() {
        Run r = forecaster("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains(
                        "summary",
                        "train",
                        "evaluate",
                        "predict",
                        "import",
                        "export",
                        "broker",
                        "replay",
                        "tail",
                        "run",
                        "demo",
                        "e2e-bench");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertUsageError(forecaster("forecast-everything"), "", "'forecast-everything'");
    }

    @Test
    void anUnknownOptionIsAUsageErrorNamingIt() {
        assertUsageError(
                forecaster("train", "--data", "x.csv", "--out", "m.zip", "--windw", "5"),
                "train",
                "'--windw'");
    }

    @Test
    void aValueOfTheWrongTypeIsAUsageErrorNamingOptionAndValue() {
        assertUsageError(
                forecaster("train", "--data", "x.csv", "--out", "m.zip", "--window", "abc"),
                "train",
                "'--window'",
                "'abc'");
    }

    @Test
    void aMissingRequiredOptionIsAUsageErrorNamingIt() {
        assertUsageError(forecaster("evaluate", "--data", "x.csv"), "evaluate", "--model");
    }

    /** A command of its own to pin the handlers: what it throws from call() decides the exit. */
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--throw")
        String what;

        @Override
        public Integer call() throws Exception {
            switch (what) {
                case "parameter" ->
                        throw new ParameterException(
                                spec.commandLine(), "--throw: 'parameter' is bad");
                case "io" -> throw new IOException("disk full\nwhile writing x");
                case "nested" ->
                        throw new IllegalStateException(
                                "job failed",
                                new RuntimeException(
                                        "wrapper",
                                        new java.net.ConnectException("connection refused")));
                default -> throw new NullPointerException();
            }
        }
    }

    private static Run probe(String what) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CliErrors.install(new CommandLine(new Probe()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute("--throw", what), out.toString(), err.toString());
    }

    @Test
    void aParameterExceptionThrownFromCallIsAUsageError() {
        assertUsageError(probe("parameter"), "probe", "--throw: 'parameter' is bad");
    }

    @Test
    void anyOtherExceptionIsAFailureOnOneLineWithoutStackTrace() {
        assertFailure(probe("io"), "probe", "disk full while writing x");
        assertFailure(probe("nested"), "probe", "job failed", "connection refused");
        assertFailure(probe("npe"), "probe", "NullPointerException");
        assertThat(probe("io").err()).doesNotContain("\tat ");
    }

    // --- model commands ---

    @Test
    void exportRejectsAModelThatIsNoBundle() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk-export.zip"), "not a zip");
        assertUsageError(
                forecaster("export", "--onnx", junk.toString(), "--out", dir.toString()),
                "export",
                "--onnx",
                "junk-export.zip");
    }

    @Test
    void exportFailsWhenItsOutputFolderIsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertFailure(
                forecaster("export", "--onnx", bundle().toString(), "--out", file.toString()),
                "export",
                "not-a-folder");
    }

    @Test
    void summaryRejectsStepsBelowOne() {
        assertUsageError(forecaster("summary", "--steps", "0"), "summary", "--steps", "'0'");
    }

    @Test
    void summaryRejectsAModelThatIsNoBundle() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.zip"), "not a zip");
        assertUsageError(
                forecaster("summary", "--model", junk.toString()),
                "summary",
                "--model",
                "junk.zip");
        // summary writes nothing and needs no network: it has no cheap failure while running
    }

    @Test
    void trainRejectsAWindowBelowOneBeforeReadingTheData() {
        assertUsageError(
                forecaster("train", "--data", "x.csv", "--out", "m.zip", "--window", "0"),
                "train",
                "--window: '0' must be at least 1");
    }

    @Test
    void trainRejectsAColumnTheDataDoesNotHave() throws IOException {
        assertUsageError(
                forecaster(
                        "train",
                        "--data",
                        csv().toString(),
                        "--out",
                        dir.resolve("m.zip").toString(),
                        "--column",
                        "speed"),
                "train",
                "--column",
                "'speed'");
    }

    @Test
    void trainFailsBeforeTrainingWhenTheBundleCannotBeWritten() throws IOException {
        Path out = unwritable("m.zip");
        assertFailure(
                forecaster("train", "--data", csv().toString(), "--out", out.toString()),
                "train",
                "cannot write --out",
                out.toString());
    }

    @Test
    void evaluateNamesAMissingDataFile() {
        Path missing = dir.resolve("x.csv");
        assertUsageError(
                forecaster(
                        "evaluate", "--model", bundle().toString(), "--data", missing.toString()),
                "evaluate",
                "--data: no such file: " + missing);
        // evaluate writes nothing and needs no network: it has no cheap failure while running
    }

    @Test
    void evaluateNamesAMissingModel() throws IOException {
        assertUsageError(
                forecaster("evaluate", "--model", "no-model.zip", "--data", csv().toString()),
                "evaluate",
                "--model: no such file: no-model.zip");
    }

    @Test
    void predictNamesABadNumberOnStdin() {
        Run r =
                forecaster(
                        cl -> PredictCommandAccess.stdin(cl, "1 2 x"),
                        "predict",
                        "--model",
                        bundle().toString(),
                        "--stdin");
        assertUsageError(r, "predict", "--stdin", "'x'");
    }

    @Test
    void predictFailsWhenStdinCannotBeRead() {
        InputStream broken =
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("stdin is gone");
                    }
                };
        Run r =
                forecaster(
                        cl -> PredictCommandAccess.stdin(cl, broken),
                        "predict",
                        "--model",
                        bundle().toString(),
                        "--stdin");
        assertFailure(r, "predict", "stdin is gone");
    }

    @Test
    void importRejectsAWindowBelowOne() throws IOException {
        assertUsageError(
                forecaster("import", csv().toString(), "--out", "x.zip", "--window", "0"),
                "import",
                "--window: '0' must be at least 1");
    }

    @Test
    void importRejectsAFileThatIsNoModel() throws IOException {
        assertUsageError(
                forecaster("import", csv().toString(), "--out", dir.resolve("x.zip").toString()),
                "import",
                "MODEL: ",
                "s.csv");
    }

    @Test
    void importFailsWhenTheBundleCannotBeWritten() throws IOException {
        Path out = unwritable("x.zip");
        assertFailure(
                forecaster("import", csv().toString(), "--out", out.toString()),
                "import",
                out.toString());
    }

    // --- Kafka commands ---

    @Test
    void brokerRejectsAPortOutOfRange() {
        assertUsageError(forecaster("broker", "--port", "70000"), "broker", "--port", "'70000'");
    }

    @Test
    void brokerFailsWhenItsPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertFailure(
                    forecaster("broker", "--port", Integer.toString(port)),
                    "broker",
                    "port " + port + " on 127.0.0.1 is in use");
        }
    }

    @Test
    void replayRejectsAnUnknownOrder() throws IOException {
        assertUsageError(
                forecaster("replay", "-t", "x", "--order", "random", csv().toString()),
                "replay",
                "--order",
                "'random'");
    }

    @Test
    void replayNamesAMissingFile() {
        assertUsageError(
                forecaster("replay", "-t", "x", "no-such.csv"),
                "replay",
                "FILE: no such file: no-such.csv");
    }

    @Test
    void replayNamesAValueColumnTheFileDoesNotHave() throws IOException {
        assertUsageError(
                forecaster(
                        "replay",
                        "-t",
                        "x",
                        "--key",
                        "K",
                        "--value-column",
                        "speed",
                        csv().toString()),
                "replay",
                "--value-column: 'speed' not found");
    }

    @Test
    void replayRejectsABootstrapThatIsNoHostPort() throws IOException {
        assertUsageError(
                forecaster("replay", "-b", "kafka", "-t", "x", "--key", "K", csv().toString()),
                "replay",
                "--bootstrap-servers",
                "'kafka'");
    }

    @Test
    void replayFailsWhenNoBrokerAnswers() throws IOException {
        assertFailure(
                forecaster(
                        "replay",
                        "-b",
                        NOBODY,
                        "--connect-timeout",
                        "300ms",
                        "-t",
                        "x",
                        "--key",
                        "K",
                        "--no-progress",
                        csv().toString()),
                "replay",
                "no Kafka broker answered at " + NOBODY);
    }

    @Test
    void tailRejectsAnUnknownFormat() {
        assertUsageError(forecaster("tail", "--format", "xml"), "tail", "--format", "'xml'");
    }

    @Test
    void tailRejectsAnIdleTimeoutThatIsNoDuration() {
        assertUsageError(
                forecaster("tail", "--idle-timeout", "soon"), "tail", "--idle-timeout", "'soon'");
    }

    @Test
    void tailFailsWhenNoBrokerAnswers() {
        assertFailure(
                forecaster("tail", "-b", NOBODY, "--connect-timeout", "300ms"),
                "tail",
                "no Kafka broker answered at " + NOBODY);
    }

    // --- run, demo, e2e-bench ---

    @Test
    void runRejectsParallelismBelowOne() {
        assertUsageError(
                forecaster("run", "--parallelism", "0", "--model.path", bundle().toString()),
                "run",
                "--parallelism: '0' must be at least 1");
    }

    @Test
    void runFailsBeforeStartingFlinkWhenNoBrokerAnswers() {
        assertFailure(
                forecaster(
                        "run",
                        "--connect-timeout",
                        "300ms",
                        "--model.path",
                        bundle().toString(),
                        "--kafka.bootstrap.servers",
                        NOBODY),
                "run",
                "no Kafka broker answered at " + NOBODY);
    }

    @Test
    void demoRejectsAnUnknownDataSet() {
        assertUsageError(forecaster("demo", "--data", "moon"), "demo", "--data", "'moon'");
    }

    @Test
    void demoRejectsANonPositiveHorizonAndLevelsOutsideZeroToOne() {
        assertUsageError(forecaster("demo", "--horizon", "0"), "demo", "--horizon");
        assertUsageError(forecaster("demo", "--levels", "0.8,95"), "demo", "--levels", "'0.8,95'");
        assertUsageError(forecaster("demo", "--levels", "wide"), "demo", "--levels", "'wide'");
    }

    @Test
    void demoFailsBeforeStartingAnythingWhenTheWebUiPortIsTaken() throws IOException {
        Path shared = dir.resolve("shared");
        Files.createDirectories(shared.resolve("sunspots"));
        Files.writeString(
                shared.resolve("sunspots/Sunspots.csv"), "not read before the port check");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertFailure(
                    forecaster(
                            "demo",
                            "--data",
                            "sunspots",
                            "--model",
                            bundle().toString(),
                            "--shared-data",
                            shared.toString(),
                            "--ui-port",
                            Integer.toString(port)),
                    "demo",
                    "port " + port,
                    "--ui-port");
        }
    }

    @Test
    void e2eBenchRejectsAnUnknownMatrix() {
        assertUsageError(
                forecaster("e2e-bench", "--matrix", "huge"), "e2e-bench", "--matrix", "'huge'");
    }

    @Test
    void e2eBenchRejectsADurationItCannotParse() {
        assertUsageError(
                forecaster("e2e-bench", "--model", bundle().toString(), "--warmup", "soon"),
                "e2e-bench",
                "--warmup",
                "soon");
    }

    @Test
    void e2eBenchFailsBeforeStartingAnythingWhenItsResultsFolderCannotBeMade() throws IOException {
        Path out = unwritable("results");
        assertFailure(
                forecaster("e2e-bench", "--model", bundle().toString(), "--out", out.toString()),
                "e2e-bench",
                "a-file");
    }
}
