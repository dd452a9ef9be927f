package io.forecaster.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The one error convention of the {@code forecaster} command line, installed on the root {@link
 * CommandLine} by {@link ForecasterCli#commandLine()}:
 *
 * <ul>
 *   <li>a usage error (unknown option, bad value, missing or unreadable input file, unknown column,
 *       a bad row of an input file) is a {@link ParameterException}, from picocli or thrown by a
 *       command before it does any work; it prints one line {@code forecaster <cmd>: <option>:
 *       <problem>} and exits {@value #USAGE};
 *   <li>any other exception is a failure while running (Kafka unreachable, a port in use, the job
 *       failing, an output that cannot be written, a bug); it prints one line {@code forecaster
 *       <cmd>: error: <message>} and exits {@value #FAILURE}. With the environment variable {@value
 *       #STACKTRACE_ENV} set (to anything) the stack trace follows.
 * </ul>
 */
public final class CliErrors {

    /** Exit code of a usage error. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;

    /** Exit code of a failure while running. */
    public static final int FAILURE = CommandLine.ExitCode.SOFTWARE;

    /** Set to print the stack trace of a failure after its one line. */
    public static final String STACKTRACE_ENV = "FORECASTER_STACKTRACE";

    private CliErrors() {}

    /** Installs both handlers on {@code cl} (and the subcommands it has); returns it. */
    public static CommandLine install(CommandLine cl) {
        cl.setParameterExceptionHandler(CliErrors::usageError);
        cl.setExecutionExceptionHandler((e, command, parsed) -> failure(e, command));
        return cl;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(name(cl) + ": " + oneLine(e.getMessage()));
        err.flush();
        return USAGE;
    }

    private static int failure(Exception e, CommandLine cl) {
        PrintWriter err = cl.getErr();
        err.println(name(cl) + ": error: " + describe(e));
        String trace = System.getenv(STACKTRACE_ENV);
        if (trace != null && !trace.isEmpty()) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }

    /** {@code forecaster <cmd>}, also for a command run without the root (as in tests). */
    static String name(CommandLine cl) {
        String q = cl.getCommandSpec().qualifiedName();
        return q.equals("forecaster") || q.startsWith("forecaster ") ? q : "forecaster " + q;
    }

    /**
     * The exception's message, the root cause's message appended when it says more, on one line.
     */
    static String describe(Throwable e) {
        String msg = message(e);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !root.getMessage().isBlank()) {
            String rootMsg = message(root);
            if (!msg.contains(rootMsg)) {
                msg = msg + ": " + rootMsg;
            }
        }
        return oneLine(msg);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (e instanceof NoSuchFileException) {
            return "no such file: " + m;
        } else if (e instanceof AccessDeniedException) {
            return "access denied: " + m;
        } else if (e instanceof FileAlreadyExistsException) {
            return "file already exists: " + m;
        } else if (e instanceof NotDirectoryException) {
            return "not a directory: " + m;
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** A usage error: {@code <option>: <problem>}. */
    public static ParameterException usage(CommandSpec spec, String option, String problem) {
        return new ParameterException(spec.commandLine(), option + ": " + problem);
    }

    /** Something that checks or parses an option's value. */
    @FunctionalInterface
    public interface Check<T> {
        T get() throws IOException;
    }

    /**
     * Runs {@code check}; an {@link IllegalArgumentException} or {@link IOException} it throws
     * becomes a usage error of {@code option}.
     */
    public static <T> T option(CommandSpec spec, String option, Check<T> check) {
        try {
            return check.get();
        } catch (ParameterException e) {
            throw e;
        } catch (IllegalArgumentException | IOException e) {
            throw usage(spec, option, describe(e));
        }
    }

    /** Checks {@code value >= min}. */
    public static long atLeast(CommandSpec spec, String option, long value, long min) {
        if (value < min) {
            throw usage(spec, option, "'" + value + "' must be at least " + min);
        }
        return value;
    }

    /** Checks that {@code value} is finite and above {@code above}. */
    public static double above(CommandSpec spec, String option, double value, double above) {
        if (!(value > above) || !Double.isFinite(value)) {
            throw usage(spec, option, "'" + value + "' must be a number above " + above);
        }
        return value;
    }

    /** Checks that {@code file} is a readable regular file. */
    public static Path inputFile(CommandSpec spec, String option, Path file) {
        if (!Files.exists(file)) {
            throw usage(spec, option, "no such file: " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw usage(spec, option, "not a readable file: " + file);
        }
        return file;
    }

    /**
     * Checks, before any work, that {@code file} can be written: its folder exists and it is no
     * folder itself. Not a usage error: the option's value is fine, the file system is not ready.
     */
    public static Path outputFile(String option, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new IOException("cannot write " + option + " " + file + ": it is a folder");
        }
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("cannot write " + option + " " + file + ": no folder " + parent);
        }
        return file;
    }

    /**
     * Checks, before anything starts, that nothing listens on 127.0.0.1:{@code port}. Not a usage
     * error: the option's value is fine, something else holds the port.
     */
    public static void portFree(String option, int port) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (BindException e) {
            throw new IOException(
                    "port " + port + " on 127.0.0.1 is in use (choose another with " + option + ")",
                    e);
        }
    }

    /** Parses "500ms", "10s", "2m", "1h", "3d" or ISO-8601 "PT30M"; the error names the option. */
    public static Duration duration(CommandSpec spec, String option, String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return nonNegative(Duration.parse(t.toUpperCase(Locale.ROOT)));
            }
            if (t.endsWith("ms")) {
                return nonNegative(
                        Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return nonNegative(Duration.ofSeconds(n));
                case 'm':
                    return nonNegative(Duration.ofMinutes(n));
                case 'h':
                    return nonNegative(Duration.ofHours(n));
                case 'd':
                    return nonNegative(Duration.ofDays(n));
                default:
                    break;
            }
        } catch (NumberFormatException | IndexOutOfBoundsException | DateTimeParseException e) {
            // named below
        }
        throw usage(
                spec,
                option,
                "'" + text + "' is not a duration; use e.g. 500ms, 10s, 2m, 1h or PT30M");
    }

    private static Duration nonNegative(Duration d) {
        if (d.isNegative()) {
            throw new NumberFormatException();
        }
        return d;
    }
}
