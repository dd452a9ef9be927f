package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.Dl4jBundles;
import io.forecaster.training.data.Split;
import io.forecaster.training.data.ValSlice;
import io.forecaster.training.eval.Baselines;
import io.forecaster.training.eval.ValidationScore;
import io.forecaster.training.stateful.StatefulTrainer;
import io.forecaster.training.train.Backend;
import io.forecaster.training.train.EpochStats;
import io.forecaster.training.train.Optimizer;
import io.forecaster.training.train.ScalingMode;
import io.forecaster.training.train.Trainer;
import io.forecaster.training.train.TrainingData;
import io.forecaster.training.train.TrainingListener;
import io.forecaster.training.train.TrainingOptions;
import io.forecaster.training.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code train}: trains the seed architecture on the training range of a CSV series (by {@code
 * --recipe}: standardized values, Adam, early stopping and a time limit by default, or the course's
 * exact recipe) and writes a model bundle. The training itself is {@link Trainer}; this command
 * maps options and writes bundles.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Train the forecaster on a CSV series or the history in a points topic and save a"
                        + " model bundle.")
public final class TrainCommand extends Cli {

    private static final TrainingOptions COURSE = TrainingOptions.COURSE;

    @Mixin DataOptions data;

    @Mixin BaselineOptions baselines;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "BUNDLE",
            description = "Bundle file to write (.zip).")
    Path out;

    @Option(
            names = "--model-id",
            paramLabel = "ID",
            description = "Model id in the bundle (default: the bundle's file name).")
    String modelId;

    @Option(
            names = "--split",
            paramLabel = "INDEX|FRACTION",
            defaultValue = "0.7",
            description =
                    "Where the test points start: from INDEX, or after the first FRACTION of each"
                            + " series; the points before it train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--val",
            paramLabel = "COUNT|FRACTION",
            defaultValue = "0.1",
            description =
                    "Validation slice for selection (early stopping, best epoch), carved from the"
                        + " end of each series' training points: COUNT points or a FRACTION of"
                        + " them, at least one window of W+1 points; 0 = none, keep the last epoch"
                        + " (default: ${DEFAULT-VALUE}).")
    String val;

    @Option(
            names = "--window",
            defaultValue = "60",
            description = "Window length W (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(
            names = "--batch",
            defaultValue = "100",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--shuffle-buffer",
            defaultValue = "1000",
            description = "Shuffle buffer (default: ${DEFAULT-VALUE}).")
    int shuffleBuffer;

    @Option(
            names = "--recipe",
            paramLabel = "NAME",
            defaultValue = "default",
            description =
                    "default: the changes between points as inputs and the change from the last"
                        + " input as the target, standardized on the training range's changes,"
                        + " output scale 1, Adam 1e-3 decaying x0.95 per epoch, early stopping"
                        + " (patience 10), a 10-minute limit; course: the course's exact recipe,"
                        + " raw values, x400, SGD 1e-5 momentum 0.9, no early stopping, no limit."
                        + " Both: Huber, batch 100, window 60, up to 500 epochs; every option below"
                        + " overrides its part (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Option(
            names = "--optimizer",
            description = "sgd, adam, nadam or rmsprop (default: adam; course: sgd).")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate (default: 1e-3; course: 1e-5).")
    Double learningRate;

    @Option(names = "--momentum", description = "SGD momentum (default: 0.9).")
    Double momentum;

    @Option(
            names = "--lr-decay",
            description = "Learning-rate factor per epoch (default: 0.95; course: 1.0).")
    Double lrDecay;

    @Option(names = "--epochs", description = "Maximum epochs (default: 500).")
    Integer epochs;

    @Option(
            names = "--patience",
            description =
                    "Stop after this many epochs without a better validation MAE; 0 = never"
                            + " (default: 10; course: 0).")
    Integer patience;

    @Option(
            names = "--time-limit",
            paramLabel = "DURATION",
            description =
                    "Stop after the epoch that crosses this training time, e.g. 45m, 2h, PT30M;"
                            + " none = no limit (default: 10m; course: none).")
    String timeLimit;

    @Option(
            names = "--huber-delta",
            defaultValue = "1.0",
            description = "Huber delta, in model units (default: ${DEFAULT-VALUE}).")
    double huberDelta;

    @Option(
            names = "--scaling",
            description =
                    "Scaling of inputs and targets fitted on the training range: none, max or"
                        + " standard (default: standard; course: none; --stateful: none, always).")
    String scaling;

    @Option(
            names = "--output-scale",
            description =
                    "The fixed factor after the last Dense, in the units the network sees (default:"
                            + " 1; course and --stateful, whose values stay raw: 400, the course's"
                            + " x400).")
    Double outputScale;

    @Option(
            names = "--target",
            paramLabel = "level|change|differences",
            description =
                    "What the network learns: level, the next value; change, its change from the"
                        + " last input (the output is added to the last input value at every step;"
                        + " stored in the bundle, every engine applies it); differences, the same"
                        + " change with the changes between points as inputs, so nothing depends on"
                        + " the series' level (default: change; course and --stateful: level).")
    String target;

    /** {@code --target}, parsed. */
    private Target targetMode = Target.LEVEL;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed of weights and shuffle (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--stride",
            defaultValue = "1",
            description =
                    "Use every STRIDE-th training window; 1 = all, as the course (default:"
                            + " ${DEFAULT-VALUE}).")
    int stride;

    @Option(
            names = "--calibrate-horizon",
            paramLabel = "H",
            defaultValue = "" + Calibrations.DEFAULT_HORIZON,
            description =
                    "After training, measure the model's errors 1..H steps ahead on the validation"
                            + " slice and store them in the bundle for prediction intervals; 0 ="
                            + " none (default: ${DEFAULT-VALUE}).")
    int calibrateHorizon;

    @Option(names = "--quiet", description = "No per-epoch progress lines.")
    boolean quiet;

    @Option(
            names = "--trainer",
            description =
                    "What computes window training: fast (plain Java on the Vector API; adam and"
                            + " sgd) or dl4j (default: fast when it supports the optimiser, else"
                            + " dl4j; --stateful always trains on dl4j).")
    String trainer;

    @Option(
            names = "--threads",
            description =
                    "Threads the fast trainer splits each batch over (default: 1; dl4j follows"
                            + " OMP_NUM_THREADS).")
    Integer threads;

    @Option(
            names = "--stateful",
            description =
                    "Train for stateful stepping: the training split as one sequence, truncated"
                            + " BPTT of --window steps carrying the state (Adam with --lr; see"
                            + " io.forecaster.training.stateful).")
    boolean stateful;

    @Option(
            names = "--streams",
            defaultValue = "1",
            description =
                    "With --stateful: contiguous pieces of the training split trained side by side,"
                        + " each carrying its own state (the batch size; default: ${DEFAULT-VALUE},"
                        + " the whole split as one sequence).")
    int streams;

    @Override
    int run() throws IOException {
        // every option is checked before the data is read, the data before training starts
        applyRecipe();
        atLeast("--window", window, 1);
        atLeast("--batch", batch, 1);
        atLeast("--shuffle-buffer", shuffleBuffer, 1);
        atLeast("--epochs", epochs, 1);
        atLeast("--patience", patience, 0);
        atLeast("--stride", stride, 1);
        atLeast("--streams", streams, 1);
        atLeast("--calibrate-horizon", calibrateHorizon, 0);
        CliErrors.above(spec, "--lr", learningRate, 0);
        CliErrors.above(spec, "--lr-decay", lrDecay, 0);
        CliErrors.above(spec, "--huber-delta", huberDelta, 0);
        Optimizer opt = option("--optimizer", () -> Optimizer.parse(optimizer));
        Backend backend =
                trainer == null
                        ? Backend.defaultFor(opt)
                        : option("--trainer", () -> Backend.parse(trainer));
        if (threads != null) {
            atLeast("--threads", threads, 1);
        }
        if (stateful && trainer != null && backend != Backend.DL4J) {
            throw usage("--trainer", "--stateful trains on dl4j only; drop --trainer " + trainer);
        }
        if (!backend.supports(opt)) {
            throw usage(
                    "--trainer",
                    "the fast trainer has no "
                            + optimizer
                            + " optimiser; use --optimizer adam or sgd, or --trainer dl4j");
        }
        ScalingMode scalingMode = option("--scaling", () -> ScalingMode.parse(scaling));
        Split at = option("--split", () -> Split.parse(split));
        targetMode = option("--target", () -> Target.parse(target));
        if (stateful && targetMode != Target.LEVEL) {
            throw usage(
                    "--target",
                    "'"
                            + target
                            + "' is not supported with --stateful (its trainer learns levels)");
        }
        ValSlice valSlice = option("--val", () -> ValSlice.parse(val));
        Duration limit =
                timeLimit == null || timeLimit.equalsIgnoreCase("none")
                        ? null
                        : CliErrors.duration(spec, "--time-limit", timeLimit);
        CliErrors.outputFile("--out", out);
        TimeGrid grid = data.grid(spec);
        int season = baselines.season(spec, grid);
        Map<String, double[]> series;
        TrainingData gridded = null;
        GridSeries gs = null;
        Map<String, TimeGrid.Gridded> grids = null;
        if (grid != null) {
            grids = data.readGrid(spec, grid);
            Map<String, TimeGrid.Gridded> gridsRead = grids;
            gs =
                    option(
                            "--split",
                            () ->
                                    GridSeries.of(
                                            gridsRead,
                                            at,
                                            valSlice,
                                            window,
                                            e -> usage("--val", e.getMessage())));
            GridSeries.report(out(), grids, grid);
            series = gs.series();
            if (!stateful) {
                GridSeries g = gs;
                gridded =
                        option(
                                "--split",
                                () ->
                                        new TrainingData(
                                                g.series(),
                                                g.splits(),
                                                g.valStarts(),
                                                g.trainEnds()));
            }
        } else {
            series = data.read(spec);
            data.notes.forEach(out()::println);
            series.values()
                    .forEach(
                            s -> {
                                int end = option("--split", () -> at.at(s.length));
                                option("--val", () -> valSlice.start(end, window));
                            });
        }
        HyperParams hp = HyperParams.SEED.withOutputScale(outputScale);
        String id =
                modelId != null
                        ? modelId
                        : out.getFileName().toString().replaceFirst("\\.zip$", "");
        String sha = data.sha256();
        String source = commandLine() + data.sourceNote();
        if (stateful && gs != null) {
            // every slot, real or filled, is one step; each run of slots between two restarts is
            // a sequence of its own from the zero state, as the job steps it
            Map<String, Double> split = new java.util.LinkedHashMap<>();
            splitFigures(split, at, valSlice);
            StatefulTrainer.Result r;
            try {
                r =
                        io.forecaster.training.stateful.StatefulCommands.trainSequences(
                                out(),
                                gs.series(),
                                gs.trainEnds(),
                                gs.valStarts(),
                                gs.splits(),
                                statefulOptions(hp, limit),
                                id,
                                sha,
                                source,
                                split,
                                out);
            } catch (IllegalArgumentException e) {
                throw usage("--split", e.getMessage());
            }
            calibrate(series, grids, at, valSlice);
            double seasonal = seasonalOfSequences(gs.series(), gs.splits(), season);
            baselines.report(
                    out(),
                    "test (stepped, points from the split on)",
                    r.testMae(),
                    r.testBaselineMae(),
                    seasonal,
                    season,
                    grid);
            return 0;
        }
        if (stateful) {
            StatefulTrainer.Result r =
                    io.forecaster.training.stateful.StatefulCommands.train(
                            out(),
                            series,
                            at::at,
                            valSlice,
                            statefulOptions(hp, limit),
                            id,
                            sha,
                            source,
                            out);
            calibrate(series, grids, at, valSlice);
            Map<String, Integer> splits = new java.util.LinkedHashMap<>();
            series.forEach((k, v) -> splits.put(k, at.at(v.length)));
            baselines.report(
                    out(),
                    "test (stepped, points from the split on)",
                    r.testMae(),
                    r.testBaselineMae(),
                    seasonalOfSequences(series, splits, season),
                    season,
                    grid);
            return 0;
        }
        TrainingOptions options =
                new TrainingOptions(
                        window,
                        batch,
                        shuffleBuffer,
                        opt,
                        learningRate,
                        momentum,
                        lrDecay,
                        epochs,
                        patience,
                        huberDelta,
                        seed,
                        limit,
                        stride,
                        targetMode);
        TrainingData trainingData =
                gridded != null
                        ? gridded
                        : option("--val", () -> TrainingData.of(series, at, valSlice, window));
        Scaling fitted = scalingMode.fit(trainingData.trainingParts(), targetMode);

        out().printf(
                        Locale.ROOT,
                        "training %s on %s column '%s' (%d series, test from split %s, validation"
                                + " slice %s of the training points), scaling %s%s%n",
                        id,
                        data.name(),
                        data.column(),
                        series.size(),
                        at,
                        valSlice.none() ? "none" : valSlice,
                        fitted,
                        targetMode == Target.CHANGE
                                ? ", target: the change from the last input"
                                : targetMode == Target.DIFFERENCES
                                        ? ", target: the change from the last input, inputs:"
                                                + " the changes between points"
                                        : "");
        out().println(ranges(trainingData));
        out().println(
                        backend == Backend.FAST
                                ? "trainer fast (" + (threads == null ? 1 : threads) + " thread(s))"
                                : "trainer dl4j");
        out().flush();
        TrainingListener progress =
                (stats, net) -> {
                    if (!quiet) {
                        out().println(progressLine(stats));
                        out().flush();
                    }
                    if (stats.best()) {
                        checkpoint(net, id, hp, fitted, sha, source, at, valSlice, stats);
                    }
                };
        TrainingResult result =
                new Trainer(options, progress, backend, threads == null ? 1 : threads)
                        .train(hp, fitted, trainingData, season);
        BundleMetadata meta =
                metadata(id, hp, fitted, sha, source, at, valSlice, season, result)
                        .withTarget(targetMode);
        Dl4jBundles.fromNetwork(result.net(), meta).save(out);
        ValidationScore overall = result.overall();
        ValidationScore test = result.testOverall();
        out().printf(
                        Locale.ROOT,
                        "trained %d epochs in %s; best epoch %d%s%n",
                        result.history().size(),
                        human(result.elapsed()),
                        result.bestEpoch(),
                        overall == null ? " (no validation slice: the last)" : "");
        if (overall != null) {
            out().printf(
                            Locale.ROOT,
                            "validation MAE %.4f (last-value baseline %.4f, all steps %.4f) over %d"
                                    + " points (selection)%n",
                            overall.mae(),
                            overall.baselineMae(),
                            overall.allStepsMae(),
                            overall.points());
        }
        if (test != null) {
            out().printf(
                            Locale.ROOT,
                            "test MAE %.4f (last-value baseline %.4f, all steps %.4f) over %d"
                                    + " points (never used for selection)%n",
                            test.mae(),
                            test.baselineMae(),
                            test.allStepsMae(),
                            test.points());
        }
        out().println("saved " + out);
        out().flush();
        calibrate(series, grids, at, valSlice);
        if (test != null) {
            baselines.report(
                    out(),
                    "test (points from the split on)",
                    test.mae(),
                    test.baselineMae(),
                    test.seasonalMae(),
                    season,
                    grid);
        } else {
            out().println("no test points after the split: nothing to compare with the baselines");
        }
        return 0;
    }

    /**
     * Measures the saved model's errors per horizon step on the validation slice and stores them in
     * the bundle ({@code --calibrate-horizon}); without a slice there is nothing to measure on.
     */
    private void calibrate(
            Map<String, double[]> series,
            Map<String, TimeGrid.Gridded> grids,
            Split at,
            ValSlice valSlice)
            throws IOException {
        if (calibrateHorizon == 0) {
            return;
        }
        if (valSlice.none()) {
            out().println("calibration: none (no validation slice to measure errors on)");
            return;
        }
        ModelBundle saved = ModelBundle.load(out);
        Map<String, io.forecaster.model.forecast.OfflineScoring.KeySeries> slices =
                grids != null
                        ? Calibrations.gridSlices(
                                grids, at, valSlice, window, stateful, calibrateHorizon)
                        : Calibrations.slices(
                                series, at, valSlice, window, stateful, calibrateHorizon);
        io.forecaster.model.forecast.IntervalCalibration c =
                Calibrations.measure(saved, "fast", stateful, slices, calibrateHorizon);
        Calibrations.report(out(), c);
        new ModelBundle(saved.metadata().withCalibration(c), saved.params(), saved.graphs())
                .save(out);
    }

    /** One line: how many points train, validate and test, over all series. */
    private static String ranges(TrainingData d) {
        long train = 0, val = 0, test = 0;
        for (Map.Entry<String, double[]> e : d.series().entrySet()) {
            String k = e.getKey();
            train += d.valStarts().get(k);
            val += d.trainEnds().get(k) - d.valStarts().get(k);
            test += e.getValue().length - Math.max(d.splits().get(k), d.trainEnds().get(k));
        }
        return String.format(
                Locale.ROOT,
                "points: %d train, %d validation (selection), %d test (scored once, at the end)",
                train,
                val,
                test);
    }

    /** The seasonal-naive MAE pooled over the points each series is scored on from its split. */
    static double seasonalOfSequences(
            Map<String, double[]> series, Map<String, Integer> splits, int season) {
        double sum = 0;
        long n = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] v = e.getValue();
            int from = Math.max(1, splits.get(e.getKey()));
            if (from >= v.length) {
                continue;
            }
            double m = Baselines.seasonalNaiveMae(v, from, v.length, season);
            sum += m * (v.length - from);
            n += v.length - from;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static void splitFigures(Map<String, Double> eval, Split at, ValSlice val) {
        if (at.index() >= 0) {
            eval.put("split", (double) at.index());
        } else {
            eval.put("split_fraction", at.fraction());
        }
        if (val.count() >= 0) {
            eval.put("val_count", (double) val.count());
        } else {
            eval.put("val_fraction", val.fraction());
        }
    }

    /**
     * Fills every option not given from {@code --recipe}: {@code default} (standardized values, the
     * change from the last input as the target with the changes between points as inputs, output
     * scale 1, Adam with decay, early stopping, a time limit) or {@code course} (the course's exact
     * recipe). The stateful trainer takes raw values, so with {@code --stateful} the output scale
     * stays the course's 400 unless given.
     */
    private void applyRecipe() {
        boolean course;
        switch (recipe.toLowerCase(java.util.Locale.ROOT)) {
            case "default" -> course = false;
            case "course" -> course = true;
            default ->
                    throw usage(
                            "--recipe",
                            "unknown recipe '" + recipe + "'; choose default or course");
        }
        if (optimizer == null) {
            optimizer = course ? "sgd" : "adam";
        }
        if (learningRate == null) {
            learningRate = course ? 1e-5 : 1e-3;
        }
        if (momentum == null) {
            momentum = 0.9;
        }
        if (lrDecay == null) {
            lrDecay = course ? 1.0 : 0.95;
        }
        if (epochs == null) {
            epochs = 500;
        }
        if (patience == null) {
            patience = course ? 0 : 10;
        }
        if (timeLimit == null && !course) {
            timeLimit = "10m";
        }
        if (scaling == null) {
            scaling = course || stateful ? "none" : "standard";
        }
        if (target == null) {
            target = course || stateful ? "level" : "differences";
        }
        if (outputScale == null) {
            outputScale = course || stateful ? 400.0 : 1.0;
        }
    }

    private io.forecaster.training.stateful.StatefulTrainer.Options statefulOptions(
            HyperParams hp, Duration limit) {
        return new io.forecaster.training.stateful.StatefulTrainer.Options(
                hp,
                seed,
                window,
                streams,
                epochs,
                learningRate,
                1,
                limit != null ? limit : Duration.ofDays(365));
    }

    /** Saves the best weights so far, so an interrupted run still leaves a bundle. */
    private void checkpoint(
            MultiLayerNetwork net,
            String id,
            HyperParams hp,
            Scaling fitted,
            String sha,
            String source,
            Split at,
            ValSlice val,
            EpochStats stats) {
        Map<String, Double> eval = new java.util.LinkedHashMap<>();
        put(eval, "", stats.validation());
        splitFigures(eval, at, val);
        eval.put("checkpoint_epoch", (double) stats.epoch());
        try {
            Dl4jBundles.fromNetwork(
                            net,
                            new BundleMetadata(
                                            ModelBundle.FORMAT_VERSION,
                                            id,
                                            hp,
                                            window,
                                            "window",
                                            fitted,
                                            sha,
                                            source + " (checkpoint)",
                                            eval,
                                            Instant.now().toString())
                                    .withTarget(targetMode))
                    .save(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write checkpoint " + out, e);
        }
    }

    private BundleMetadata metadata(
            String id,
            HyperParams hp,
            Scaling fitted,
            String sha,
            String source,
            Split at,
            ValSlice val,
            int season,
            TrainingResult result) {
        Map<String, Double> eval = new java.util.LinkedHashMap<>();
        ValidationScore overall = result.overall();
        if (overall != null) {
            put(eval, "", overall);
            result.validation()
                    .forEach(
                            (key, s) -> {
                                if (result.validation().size() > 1) {
                                    put(eval, "." + key, s);
                                }
                            });
        }
        ValidationScore test = result.testOverall();
        if (test != null) {
            putTest(eval, "", test);
            if (result.test().size() > 1) {
                result.test().forEach((key, s) -> putTest(eval, "." + key, s));
            }
        }
        if (season > 0) {
            eval.put("season", (double) season);
        }
        splitFigures(eval, at, val);
        eval.put("best_epoch", (double) result.bestEpoch());
        eval.put("epochs_run", (double) result.history().size());
        eval.put("train_seconds", (double) result.elapsed().toSeconds());
        return new BundleMetadata(
                ModelBundle.FORMAT_VERSION,
                id,
                hp,
                window,
                "window",
                fitted,
                sha,
                source,
                eval,
                Instant.now().toString());
    }

    /** The test figures: {@code test_mae}, {@code test_baseline_mae}, ... (optional fields). */
    private static void putTest(Map<String, Double> eval, String suffix, ValidationScore s) {
        eval.put("test_mae" + suffix, s.mae());
        eval.put("test_baseline_mae" + suffix, s.baselineMae());
        eval.put("test_all_steps_mae" + suffix, s.allStepsMae());
        eval.put("test_points" + suffix, (double) s.points());
        if (!Double.isNaN(s.seasonalMae())) {
            eval.put("test_seasonal_mae" + suffix, s.seasonalMae());
        }
    }

    private static void put(Map<String, Double> eval, String suffix, ValidationScore s) {
        eval.put("val_mae" + suffix, s.mae());
        eval.put("baseline_mae" + suffix, s.baselineMae());
        eval.put("all_steps_mae" + suffix, s.allStepsMae());
        eval.put("val_points" + suffix, (double) s.points());
    }

    /** One progress line: epoch, loss, validation MAE, pace and time left. */
    static String progressLine(EpochStats s) {
        StringBuilder b = new StringBuilder();
        b.append(
                String.format(
                        Locale.ROOT,
                        "epoch %4d/%d  loss %.4f  lr %.3g",
                        s.epoch(),
                        s.epochs(),
                        s.loss(),
                        s.learningRate()));
        if (s.validation() != null) {
            b.append(
                    String.format(
                            Locale.ROOT,
                            "  val_mae %.4f%s",
                            s.validation().mae(),
                            s.best() ? " *" : "  "));
        }
        b.append(
                String.format(
                        Locale.ROOT,
                        "  %s/epoch  left <= %s",
                        human(s.epochTime()),
                        human(s.timeLeft())));
        return b.toString();
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        return s < 3600
                ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
