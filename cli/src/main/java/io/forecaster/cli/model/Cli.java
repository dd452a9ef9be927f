package io.forecaster.cli.model;

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
import picocli.CommandLine.Spec;

/** Shared plumbing of the model commands: console output, error reporting, file digests. */
abstract class Cli implements Callable<Integer> {

    /** Exit code for bad input (arguments, files, values). */
    static final int BAD_INPUT = 2;

    @Spec CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (IllegalArgumentException | IOException e) {
            err().println(spec.qualifiedName() + ": error: " + e.getMessage());
            err().flush();
            return BAD_INPUT;
        } finally {
            out().flush();
        }
    }

    abstract int run() throws IOException;

    /** The command line as typed: {@code ./forecaster <command> <args...>}, args quoted as needed. */
    String commandLine() {
        // under the forecaster entry point the original arguments start with the command's name
        String args = spec.commandLine().getParseResult().originalArgs().stream()
                .map(Cli::quote)
                .collect(Collectors.joining(" "));
        return spec.parent() != null ? "./forecaster " + args : "./forecaster " + spec.name() + " " + args;
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
