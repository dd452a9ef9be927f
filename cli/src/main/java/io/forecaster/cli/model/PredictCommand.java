package io.forecaster.cli.model;

import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.grid.TimeGrid;
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
                paramLabel = "INDEX",
                description =
                        "Index of the window's first point (required unless --forecasts is"
                                + " given).")
        Integer from;

        @Option(
                names = "--forecasts",
                description =
                        "With --interval: every forecast the job makes over the whole file on the"
                                + " same grid, one CSV line each (key, window start and end, next"
                                + " time, filled slots, run of slots since the last restart, next,"
                                + " the W predictions) instead of one window.")
        boolean forecasts;

        @Option(
                names = "--slide",
                paramLabel = "S",
                defaultValue = "1",
                description =
                        "With --forecasts: a forecast every S slots, as the job's window.slide"
                                + " (default: ${DEFAULT-VALUE}).")
        int slide;

        @Option(
                names = "--mode",
                paramLabel = "MODE",
                description =
                        "With --forecasts: window (each window from the zero state) or stateful"
                            + " (every slot one step, the zero state after each restart), as the"
                            + " job's mode (default: the bundle's mode).")
        String mode;

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
        TimeGrid grid = source.stdin ? null : source.slice.data.grid(spec);
        if (!source.stdin && source.slice.forecasts) {
            if (grid == null) {
                throw usage("--forecasts", "needs --interval");
            }
            if (source.slice.from != null) {
                throw usage("--forecasts", "cannot be combined with --from");
            }
            return forecastsOnGrid(bundle, grid);
        }
        if (!source.stdin && source.slice.from == null) {
            throw usage("--from", "missing: the index of the window's first point");
        }
        if (grid != null) {
            return predictOnGrid(bundle, grid);
        }
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

    /**
     * On a time grid: the window is {@code --length} slots from slot {@code --from} (counted from
     * the key's first slot), all inside one segment between restarts; prints each slot's time and
     * whether it was filled, and the time of the forecast slot.
     */
    private int predictOnGrid(ModelBundle bundle, TimeGrid grid) {
        Slice s = source.slice;
        int length = s.length == null ? bundle.metadata().windowSize() : s.length;
        atLeast("--length", length, 1);
        atLeast("--from", s.from, 0);
        Map<String, TimeGrid.Gridded> grids = s.data.readGrid(spec, grid);
        if (grids.size() != 1) {
            throw usage(
                    "--key",
                    "the data holds "
                            + grids.size()
                            + " series "
                            + grids.keySet()
                            + ": choose one");
        }
        TimeGrid.Gridded g = grids.values().iterator().next();
        if (g.segments().isEmpty()) {
            throw usage("--data", "no values for the series in " + s.data.name());
        }
        long firstSlot = g.segments().get(0).firstSlot() + s.from;
        TimeGrid.Segment seg = null;
        for (TimeGrid.Segment candidate : g.segments()) {
            if (firstSlot >= candidate.firstSlot()
                    && firstSlot + length <= candidate.firstSlot() + candidate.length()) {
                seg = candidate;
            }
        }
        if (seg == null) {
            throw usage(
                    "--from",
                    "'"
                            + s.from
                            + "': slots ["
                            + s.from
                            + ", "
                            + (s.from + length)
                            + ") are not all inside one run of slots without an unfilled gap (of "
                            + g.stats().slots()
                            + " slots, "
                            + g.segments().size()
                            + " runs)");
        }
        int at = (int) (firstSlot - seg.firstSlot());
        float[] window = new float[length];
        for (int i = 0; i < length; i++) {
            window[i] = (float) seg.values()[at + i];
        }
        float[] out = new float[length];
        try (Predictor p = Engines.open(engine, bundle)) {
            p.predict(window, 1, length, out);
        }
        long nextTime = grid.slotStart(firstSlot + length);
        int filled = seg.filledIn(at, at + length);
        if (last) {
            out().printf(Locale.ROOT, "%.4f%n", out[length - 1]);
            return 0;
        }
        out().printf(
                        Locale.ROOT,
                        "# next %s, filled %d of %d%n",
                        WireFormat.formatTime(nextTime),
                        filled,
                        length);
        out().println("step,time,input,filled,prediction");
        for (int t = 0; t < length; t++) {
            out().printf(
                            Locale.ROOT,
                            "%d,%s,%s,%b,%.4f%n",
                            t,
                            WireFormat.formatTime(grid.slotStart(firstSlot + t)),
                            Float.toString(window[t]),
                            seg.filled()[at + t],
                            out[t]);
        }
        return 0;
    }

    /**
     * {@code --forecasts}: what the job computes on the same grid, forecast for forecast. Each run
     * of slots between restarts starts afresh; in window mode the last W slots are run from the
     * zero state once W slots are present and then every S-th slot; in stateful mode every slot,
     * real or filled, is one step from the zero state at the run's first slot, and a forecast (the
     * last W per-step predictions) is made at the same slots.
     */
    private int forecastsOnGrid(ModelBundle bundle, TimeGrid grid) {
        Slice s = source.slice;
        int w = s.length == null ? bundle.metadata().windowSize() : s.length;
        atLeast("--length", w, 1);
        atLeast("--slide", s.slide, 1);
        String mode = s.mode == null ? bundle.metadata().mode() : s.mode;
        boolean stateful;
        if ("stateful".equalsIgnoreCase(mode)) {
            stateful = true;
        } else if ("window".equalsIgnoreCase(mode)) {
            stateful = false;
        } else {
            throw usage("--mode", "'" + mode + "' must be window or stateful");
        }
        Map<String, TimeGrid.Gridded> grids = s.data.readGrid(spec, grid);
        java.io.PrintWriter out = out();
        out.println("key,window_start,window_end,next_time,filled,run,next,predictions");
        float[] window = new float[w];
        float[] predictions = new float[w];
        try (Predictor p = Engines.open(engine, bundle);
                Stepper stepper = stateful ? Engines.openStepper(engine, bundle) : null) {
            for (Map.Entry<String, TimeGrid.Gridded> e : grids.entrySet()) {
                int run = 0;
                for (TimeGrid.Segment seg : e.getValue().segments()) {
                    run++;
                    float[] all = new float[seg.length()];
                    for (int i = 0; i < all.length; i++) {
                        all[i] = (float) seg.values()[i];
                    }
                    float[] whole = stateful ? stepped(stepper, all) : null;
                    for (int end = w; end <= all.length; end += s.slide) {
                        if (stateful) {
                            System.arraycopy(whole, end - w, predictions, 0, w);
                        } else {
                            System.arraycopy(all, end - w, window, 0, w);
                            p.predict(window, 1, w, predictions);
                        }
                        long last = seg.firstSlot() + end - 1;
                        StringBuilder line = new StringBuilder();
                        line.append(csvKey(e.getKey()))
                                .append(',')
                                .append(WireFormat.formatTime(grid.slotStart(last - w + 1)))
                                .append(',')
                                .append(WireFormat.formatTime(grid.slotStart(last)))
                                .append(',')
                                .append(WireFormat.formatTime(grid.slotStart(last + 1)))
                                .append(',')
                                .append(seg.filledIn(end - w, end))
                                .append(',')
                                .append(run)
                                .append(',')
                                .append(predictions[w - 1])
                                .append(',');
                        for (int i = 0; i < w; i++) {
                            line.append(i == 0 ? "" : " ").append(predictions[i]);
                        }
                        out.println(line);
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    /** The outputs of stepping {@code run} one slot at a time from the zero state. */
    private static float[] stepped(Stepper stepper, float[] run) {
        StepState[] state = {stepper.newState()};
        float[] in = new float[1];
        float[] step = new float[1];
        float[] out = new float[run.length];
        for (int t = 0; t < run.length; t++) {
            in[0] = run[t];
            stepper.step(state, in, 1, step);
            out[t] = step[0];
        }
        return out;
    }

    private static String csvKey(String key) {
        return key.contains(",") || key.contains("\"")
                ? '"' + key.replace("\"", "\"\"") + '"'
                : key;
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
                            + s.data.name());
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
