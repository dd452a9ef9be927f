package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.onnx.OnnxGraphs;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Shared plumbing of the model commands: console output, option checks, file digests. Errors are
 * reported by {@link CliErrors}: {@link #run()} throws a usage error for a bad option before any
 * work; anything else it throws is a failure while running.
 */
abstract class Cli implements Callable<Integer> {

    @Spec CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() throws IOException {
        try {
            return run();
        } finally {
            out().flush();
        }
    }

    abstract int run() throws IOException;

    /** A usage error of {@code option}. */
    ParameterException usage(String option, String problem) {
        return CliErrors.usage(spec, option, problem);
    }

    /** Runs a check or parse of {@code option}'s value; its error becomes a usage error. */
    <T> T option(String option, CliErrors.Check<T> check) {
        return CliErrors.option(spec, option, check);
    }

    /** Checks {@code value >= min}. */
    int atLeast(String option, int value, int min) {
        return (int) CliErrors.atLeast(spec, option, value, min);
    }

    /** The bundle {@code file}; a missing or unreadable one is a usage error of {@code option}. */
    ModelBundle bundle(String option, Path file) {
        CliErrors.inputFile(spec, option, file);
        return option(option, () -> ModelBundle.load(file));
    }

    /** Checks that {@code engine} names an inference engine. */
    String engine(String engine) {
        if (!Engines.names().contains(engine)) {
            throw usage(
                    "--engine",
                    "unknown engine '" + engine + "'; choose one of " + Engines.names());
        }
        return engine;
    }

    /**
     * Checks that {@code engine} runs {@code bundle} (read from {@code file}): ONNX bundles need
     * the onnx engine, and the onnx engine needs an ONNX bundle.
     */
    void engineRuns(String engine, ModelBundle bundle, Path file) {
        boolean onnxBundle = bundle.metadata().isOnnx();
        if (onnxBundle != Engines.ONNX.equals(engine)) {
            throw usage(
                    "--engine",
                    onnxBundle
                            ? "'"
                                    + engine
                                    + "' cannot run "
                                    + file
                                    + ", an ONNX bundle ("
                                    + graphOps(bundle)
                                    + "; the "
                                    + engine
                                    + " engine runs the Conv1D-LSTM weights of params bundles"
                                    + " only): use --engine onnx"
                            : "'onnx' runs ONNX bundles and "
                                    + file
                                    + " is a params bundle: use --engine fast, or export it with"
                                    + " forecaster export --onnx");
        }
    }

    /** What an ONNX bundle's window graph is made of, e.g. "window graph ops: GRU, MatMul". */
    private static String graphOps(ModelBundle bundle) {
        try {
            return "window graph ops: " + String.join(", ", OnnxGraphs.ops(bundle.windowGraph()));
        } catch (IllegalArgumentException e) {
            return "window graph unreadable: " + e.getMessage();
        }
    }

    /**
     * The command line as typed: {@code ./forecaster <command> <args...>}, args quoted as needed.
     */
    String commandLine() {
        // under the forecaster entry point the original arguments start with the command's name
        String args =
                spec.commandLine().getParseResult().originalArgs().stream()
                        .map(Cli::quote)
                        .collect(Collectors.joining(" "));
        return spec.parent() != null
                ? "./forecaster " + args
                : "./forecaster " + spec.name() + " " + args;
    }

    static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./:=,+@%-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    /** Hex sha256 of a file's bytes. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
