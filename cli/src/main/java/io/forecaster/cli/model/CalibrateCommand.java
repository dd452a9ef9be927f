package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.forecast.IntervalCalibration;
import io.forecaster.model.forecast.OfflineScoring.KeySeries;
import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.data.Split;
import io.forecaster.training.data.ValSlice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code calibrate}: measures a bundle's absolute errors per horizon step on the validation slice
 * of its training data and writes the bundle with them, the starting point of the prediction
 * intervals until a key has scored errors of its own ({@code train} does the same after training).
 */
@Command(
        name = "calibrate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Add calibration errors for prediction intervals to a model bundle, measured on"
                        + " the validation slice of its training data (a CSV series or a points"
                        + " topic).")
public final class CalibrateCommand extends Cli {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "BUNDLE",
            description = "Model bundle (.zip) to calibrate.")
    Path model;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "BUNDLE",
            description = "Where the calibrated bundle is written (may be --model itself).")
    Path out;

    @Mixin DataOptions data;

    @Option(
            names = "--split",
            paramLabel = "INDEX|FRACTION",
            description =
                    "Where the test points start, as in train (default: the split the bundle was"
                            + " trained with); no point from it on is looked at.")
    String split;

    @Option(
            names = "--val",
            paramLabel = "COUNT|FRACTION",
            defaultValue = "0.1",
            description =
                    "The validation slice, as in train: COUNT points or a FRACTION of each series'"
                            + " training points, from their end (default: ${DEFAULT-VALUE}).")
    String val;

    @Option(
            names = "--horizon",
            paramLabel = "H",
            defaultValue = "" + Calibrations.DEFAULT_HORIZON,
            description = "Horizon steps calibrated (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(
            names = "--stateful",
            description =
                    "Forecast by stepping a state from each series' start (default for bundles of"
                            + " mode 'stateful').")
    boolean stateful;

    @Option(
            names = "--engine",
            description = "Inference engine (default: fast, or onnx for an ONNX bundle).")
    String engine;

    @Override
    int run() throws IOException {
        ModelBundle bundle = bundle("--model", model);
        BundleMetadata meta = bundle.metadata();
        String eng = engine(engine != null ? engine : meta.isOnnx() ? Engines.ONNX : Engines.FAST);
        engineRuns(eng, bundle, model);
        atLeast("--horizon", horizon, 1);
        Split at =
                option(
                        "--split",
                        () ->
                                split != null
                                        ? Split.parse(split)
                                        : EvaluateCommand.bundleSplit(meta));
        ValSlice slice = option("--val", () -> ValSlice.parse(val));
        if (slice.none()) {
            throw usage("--val", "'0' leaves no validation slice to calibrate on");
        }
        CliErrors.outputFile("--out", out);
        int window = meta.windowSize();
        boolean stepped = stateful || "stateful".equals(meta.mode());
        TimeGrid grid = data.grid(spec);
        Map<String, KeySeries> slices;
        if (grid != null) {
            Map<String, TimeGrid.Gridded> grids = data.readGrid(spec, grid);
            slices =
                    option(
                            "--val",
                            () ->
                                    Calibrations.gridSlices(
                                            grids, at, slice, window, stepped, horizon));
        } else {
            Map<String, double[]> series = data.read(spec);
            data.notes.forEach(out()::println);
            slices =
                    option(
                            "--val",
                            () -> Calibrations.slices(series, at, slice, window, stepped, horizon));
        }
        IntervalCalibration c = Calibrations.measure(bundle, eng, stepped, slices, horizon);
        if (c.counts()[horizon - 1] == 0) {
            throw usage("--val", "the validation slice gives no forecast step to measure");
        }
        Calibrations.report(out(), c);
        new ModelBundle(meta.withCalibration(c), bundle.params(), bundle.graphs()).save(out);
        out().println("saved " + out);
        return 0;
    }
}
