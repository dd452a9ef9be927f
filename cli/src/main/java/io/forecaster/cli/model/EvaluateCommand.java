package io.forecaster.cli.model;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.OfflineScoring;
import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.data.Split;
import io.forecaster.training.eval.Evaluator;
import io.forecaster.training.eval.ValidationScore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: scores a model bundle on the test points of a CSV series (from the split on) as
 * the course does (last step of each window), next to the last-value and seasonal-naive baselines
 * on the same points and the all-steps MAE; one row per series and an overall row, and a plain line
 * saying whether the model beats each baseline.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Score a model bundle on the test points of a CSV series or of the history in a"
                        + " points topic, beside the naive baselines.")
public final class EvaluateCommand extends Cli {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "BUNDLE",
            description = "Model bundle (.zip).")
    Path model;

    @Mixin DataOptions data;

    @Mixin BaselineOptions baselines;

    @Mixin HorizonOptions horizon;

    @Option(
            names = "--split",
            paramLabel = "INDEX|FRACTION",
            description =
                    "Test points: from INDEX on, or after the first FRACTION of each series"
                            + " (default: the split the bundle was trained with); with --horizon"
                            + " or --levels, 0 scores a replay of the whole file.")
    String split;

    @Option(
            names = "--stateful",
            description =
                    "Score by stepping one state through each whole series, so the test points"
                        + " start from the state the training range left (default for bundles of"
                        + " mode 'stateful').")
    boolean stateful;

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
        if (horizon.asked()) {
            return evaluateAhead(bundle);
        }
        Split at = option("--split", () -> split != null ? Split.parse(split) : bundleSplit(meta));
        TimeGrid grid = data.grid(spec);
        int season = baselines.season(spec, grid);
        if (grid != null) {
            if (stateful || "stateful".equals(meta.mode())) {
                return evaluateStatefulOnGrid(bundle, at, grid, season);
            }
            return evaluateOnGrid(bundle, at, grid, season);
        }
        Map<String, double[]> series = data.read(spec);
        data.notes.forEach(out()::println);
        Map<String, Integer> splits = new LinkedHashMap<>();
        series.forEach((k, s) -> splits.put(k, option("--split", () -> at.at(s.length))));
        if (stateful || "stateful".equals(meta.mode())) {
            io.forecaster.training.stateful.StatefulCommands.Figures f =
                    io.forecaster.training.stateful.StatefulCommands.evaluate(
                            out(), bundle, series, at::at, engine);
            baselines.report(
                    out(),
                    "test (stepped, points from the split on)",
                    f.mae(),
                    f.baselineMae(),
                    TrainCommand.seasonalOfSequences(series, splits, season),
                    season,
                    null);
            return 0;
        }
        int window = meta.windowSize();
        Map<String, ValidationScore> scores;
        try (Predictor predictor = Engines.open(engine, bundle)) {
            scores = new Evaluator(predictor, window, season).scoreAll(series, splits);
        }

        out().printf(
                        Locale.ROOT,
                        "model %s (window %d, %s) on %s column '%s', split %s%n",
                        meta.modelId(),
                        window,
                        meta.scaling()
                                + (meta.target() != io.forecaster.model.Target.LEVEL
                                        ? ", target " + meta.target().id()
                                        : ""),
                        data.name(),
                        data.column(),
                        at);
        header(season);
        if (scores.size() > 1) {
            scores.forEach((k, s) -> row(k, s));
        }
        ValidationScore overall = ValidationScore.pooled(scores.values());
        row(scores.size() > 1 ? "overall" : "all", overall);
        out().printf(
                        Locale.ROOT,
                        "test MAE %.2f, last-value baseline %.2f, all-steps MAE %.2f%n",
                        overall.mae(),
                        overall.baselineMae(),
                        overall.allStepsMae());
        baselines.report(
                out(),
                "test (points from the split on)",
                overall.mae(),
                overall.baselineMae(),
                overall.seasonalMae(),
                season,
                null);
        return 0;
    }

    /**
     * Forecasts H steps ahead with intervals at every point the job would, on a replay of each key
     * from W points before the split (or of the whole file with {@code --split 0}), and scores
     * every step as the job does live.
     */
    private int evaluateAhead(ModelBundle bundle) {
        BundleMetadata meta = bundle.metadata();
        ForecastScoring scoring = horizon.scoring(spec, meta.calibration());
        int window = meta.windowSize();
        boolean whole = split != null && split.trim().equals("0");
        HorizonEvaluation.Cut cut =
                whole
                        ? HorizonEvaluation.Cut.whole()
                        : new HorizonEvaluation.Cut(
                                option(
                                        "--split",
                                        () ->
                                                split != null
                                                        ? Split.parse(split)
                                                        : bundleSplit(meta)),
                                window);
        TimeGrid grid = data.grid(spec);
        int season = baselines.season(spec, grid);
        Map<String, OfflineScoring.KeySeries> keys;
        if (grid != null) {
            Map<String, TimeGrid.Gridded> grids = data.readGrid(spec, grid);
            GridSeries.report(out(), grids, grid);
            keys = option("--split", () -> HorizonEvaluation.gridSeries(grids, cut));
        } else {
            Map<String, double[]> series = data.read(spec);
            data.notes.forEach(out()::println);
            keys = option("--split", () -> HorizonEvaluation.series(series, cut));
        }
        boolean stepped = stateful || "stateful".equals(meta.mode());
        out().printf(
                        Locale.ROOT,
                        "model %s (window %d, %s mode, engine %s) on %s column '%s', %s; horizon"
                                + " %d, slide %d, levels %s, warm-up %d, gain %s, calibration %s%n",
                        meta.modelId(),
                        window,
                        stepped ? "stateful" : "window",
                        engine,
                        data.name(),
                        data.column(),
                        whole
                                ? "a replay of the whole file"
                                : "a replay from " + window + " points before split " + cut.split(),
                        scoring.horizon(),
                        horizon.slide,
                        java.util.Arrays.toString(scoring.levels()),
                        scoring.warmup(),
                        scoring.gain(),
                        meta.calibration() == null
                                ? "none"
                                : meta.calibration().steps() + " steps from the bundle");
        HorizonEvaluation e =
                HorizonEvaluation.run(
                        bundle, engine, stepped, keys, horizon.slide, season, scoring);
        if (e.scored() == 0) {
            throw usage("--split", "no forecast step could be scored: the series are too short");
        }
        e.print(out(), season);
        return 0;
    }

    /**
     * Scores by stepping as the job's stateful mode does on a grid: every slot, real or filled, is
     * one step; each run of slots between restarts starts from the zero state; the points scored
     * are those the job forecasts after the split, from the W-th slot of a run on.
     */
    private int evaluateStatefulOnGrid(ModelBundle bundle, Split at, TimeGrid grid, int season) {
        int window = bundle.metadata().windowSize();
        Map<String, TimeGrid.Gridded> grids = data.readGrid(spec, grid);
        GridSeries gs = option("--split", () -> GridSeries.of(grids, at, window));
        GridSeries.report(out(), grids, grid);
        io.forecaster.training.stateful.StatefulCommands.Figures f =
                io.forecaster.training.stateful.StatefulCommands.evaluateSequences(
                        out(), bundle, gs.series(), gs.splits(), gs.keyOf(), engine);
        if (f.points() == 0) {
            throw usage(
                    "--split",
                    "no run of slots between restarts has test points after "
                            + window
                            + " slots of context");
        }
        baselines.report(
                out(),
                "test (stepped, points from the split on)",
                f.mae(),
                f.baselineMae(),
                TrainCommand.seasonalOfSequences(gs.series(), gs.splits(), season),
                season,
                grid);
        return 0;
    }

    /** Scores each key's segments between restarts, pooled per key. */
    private int evaluateOnGrid(ModelBundle bundle, Split at, TimeGrid grid, int season) {
        BundleMetadata meta = bundle.metadata();
        int window = meta.windowSize();
        Map<String, TimeGrid.Gridded> grids = data.readGrid(spec, grid);
        GridSeries gs = option("--split", () -> GridSeries.of(grids, at, window));
        GridSeries.report(out(), grids, grid);
        Map<String, List<ValidationScore>> byKey = new LinkedHashMap<>();
        try (Predictor predictor = Engines.open(engine, bundle)) {
            Evaluator evaluator = new Evaluator(predictor, window, season);
            gs.series()
                    .forEach(
                            (name, values) -> {
                                if (gs.validates(name, window)) {
                                    byKey.computeIfAbsent(
                                                    gs.keyOf().get(name), k -> new ArrayList<>())
                                            .add(evaluator.score(values, gs.splits().get(name)));
                                }
                            });
        }
        if (byKey.isEmpty()) {
            throw usage(
                    "--split",
                    "no segment between restarts has test points after "
                            + window
                            + " slots of context");
        }
        out().printf(
                        Locale.ROOT,
                        "model %s (window %d, %s) on %s column '%s', split %s, on the time grid%n",
                        meta.modelId(),
                        window,
                        meta.scaling()
                                + (meta.target() != io.forecaster.model.Target.LEVEL
                                        ? ", target " + meta.target().id()
                                        : ""),
                        data.name(),
                        data.column(),
                        at);
        header(season);
        List<ValidationScore> all = new ArrayList<>();
        byKey.forEach(
                (k, scores) -> {
                    ValidationScore pooled = ValidationScore.pooled(scores);
                    all.add(pooled);
                    if (byKey.size() > 1) {
                        row(k, pooled);
                    }
                });
        ValidationScore overall = ValidationScore.pooled(all);
        row(byKey.size() > 1 ? "overall" : "all", overall);
        out().printf(
                        Locale.ROOT,
                        "test MAE %.2f, last-value baseline %.2f, all-steps MAE %.2f"
                                + " (slots after a restart need %d slots of context first)%n",
                        overall.mae(),
                        overall.baselineMae(),
                        overall.allStepsMae(),
                        window);
        baselines.report(
                out(),
                "test (points from the split on)",
                overall.mae(),
                overall.baselineMae(),
                overall.seasonalMae(),
                season,
                grid);
        return 0;
    }

    private void header(int season) {
        out().printf(
                        Locale.ROOT,
                        "%-10s %7s %10s %13s %14s%s%n",
                        "series",
                        "points",
                        "test_mae",
                        "baseline_mae",
                        "all_steps_mae",
                        season > 0 ? String.format(Locale.ROOT, " %14s", "seasonal_mae") : "");
    }

    /** One row; the seasonal-naive MAE last, when it is defined. */
    private void row(String name, ValidationScore s) {
        out().printf(
                        Locale.ROOT,
                        "%-10s %7d %10.4f %13.4f %14.4f%s%n",
                        name,
                        s.points(),
                        s.mae(),
                        s.baselineMae(),
                        s.allStepsMae(),
                        Double.isNaN(s.seasonalMae())
                                ? ""
                                : String.format(Locale.ROOT, " %14.4f", s.seasonalMae()));
    }

    static Split bundleSplit(BundleMetadata meta) {
        Double index = meta.evaluation().get("split");
        if (index != null) {
            return Split.atIndex(index.intValue());
        }
        Double fraction = meta.evaluation().get("split_fraction");
        if (fraction != null) {
            return Split.atFraction(fraction);
        }
        throw new IllegalArgumentException(
                "bundle '" + meta.modelId() + "' records no split: give --split");
    }
}
