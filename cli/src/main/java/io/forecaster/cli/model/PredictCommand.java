package io.forecaster.cli.model;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code predict}: runs a model bundle over one window, read from a slice of a CSV series or from
 * standard input, and prints the prediction sequence (step t forecasts the value after input t; the
 * last line is the forecast of the next point).
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Predict from one window (a CSV slice or numbers on stdin): prints the prediction"
                        + " sequence.")
public final class PredictCommand extends Cli {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "BUNDLE",
            description = "Model bundle (.zip).")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Where the window comes from. */
    static final class Source {
        @ArgGroup(exclusive = false)
        Slice slice;

        @Option(
                names = "--stdin",
                required = true,
                description =
                        "Read the window from standard input: numbers separated by spaces, commas"
                                + " or newlines.")
        boolean stdin;
    }

    /** A window cut from a CSV series. */
    static final class Slice {
        @ArgGroup(exclusive = false, multiplicity = "1")
        DataOptions data;

        @Option(
                names = "--from",
                required = true,
                paramLabel = "INDEX",
                description = "Index of the window's first point.")
        int from;

        @Option(
                names = "--length",
                paramLabel = "N",
                description = "Window length (default: the bundle's window).")
        Integer length;
    }

    @Option(names = "--last", description = "Print only the forecast of the next point.")
    boolean last;

    InputStream in = System.in;

    @Option(
            names = "--engine",
            defaultValue = "dl4j",
            description =
                    "Inference engine: fast, dl4j (the reference) or onnx (ONNX bundles; default:"
                            + " ${DEFAULT-VALUE}).")
    String engine;

    @Override
    int run() throws IOException {
        engine(engine);
        ModelBundle bundle = bundle("--model", model);
        engineRuns(engine, bundle, model);
        BundleMetadata meta = bundle.metadata();
        float[] window = source.stdin ? readStdin() : readSlice(meta.windowSize());
        float[] out = new float[window.length];
        try (Predictor p = Engines.open(engine, bundle)) {
            p.predict(window, 1, window.length, out);
        }
        if (last) {
            out().printf(Locale.ROOT, "%.4f%n", out[out.length - 1]);
            return 0;
        }
        out().println("step,input,prediction");
        for (int t = 0; t < window.length; t++) {
            out().printf(Locale.ROOT, "%d,%s,%.4f%n", t, Float.toString(window[t]), out[t]);
        }
        return 0;
    }

    private float[] readSlice(int defaultLength) {
        Slice s = source.slice;
        int length = s.length == null ? defaultLength : s.length;
        atLeast("--length", length, 1);
        atLeast("--from", s.from, 0);
        Map<String, double[]> series = s.data.read(spec);
        if (series.size() != 1) {
            throw usage(
                    "--key",
                    "the data holds "
                            + series.size()
                            + " series "
                            + series.keySet()
                            + ": choose one");
        }
        double[] values = series.values().iterator().next();
        if (s.from + length > values.length) {
            throw usage(
                    "--from",
                    "'"
                            + s.from
                            + "': window ["
                            + s.from
                            + ", "
                            + (s.from + length)
                            + ") lies outside the "
                            + values.length
                            + " points of "
                            + s.data.file);
        }
        float[] w = new float[length];
        for (int i = 0; i < length; i++) {
            w[i] = (float) values[s.from + i];
        }
        return w;
    }

    /** Reads the window; an I/O error reading stdin is a failure, a bad number a usage error. */
    private float[] readStdin() throws IOException {
        StringBuilder text = new StringBuilder();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                text.append(line).append('\n');
            }
        }
        String[] tokens =
                Arrays.stream(text.toString().trim().split("[\\s,;]+"))
                        .filter(t -> !t.isEmpty())
                        .toArray(String[]::new);
        if (tokens.length == 0) {
            throw usage("--stdin", "no numbers on standard input");
        }
        float[] w = new float[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            try {
                w[i] = Float.parseFloat(tokens[i]);
            } catch (NumberFormatException e) {
                throw usage("--stdin", "value " + (i + 1) + " '" + tokens[i] + "' is not a number");
            }
            if (!Float.isFinite(w[i])) {
                throw usage("--stdin", "value " + (i + 1) + " '" + tokens[i] + "' is not finite");
            }
        }
        return w;
    }
}
