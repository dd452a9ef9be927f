package io.forecaster.cli.model;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Gives tests outside this package the predict command's standard input. */
public final class PredictCommandAccess {

    private PredictCommandAccess() {}

    /** Makes {@code text} the standard input of {@code root}'s predict command. */
    public static void stdin(CommandLine root, String text) {
        stdin(root, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Makes {@code in} the standard input of {@code root}'s predict command. */
    public static void stdin(CommandLine root, InputStream in) {
        ((PredictCommand) root.getSubcommands().get("predict").getCommand()).in = in;
    }
}
