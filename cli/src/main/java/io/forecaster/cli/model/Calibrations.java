package io.forecaster.cli.model;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.IntervalCalibration;
import io.forecaster.model.forecast.OfflineScoring.KeySeries;
import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.data.Split;
import io.forecaster.training.data.ValSlice;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The calibration errors a bundle carries for its prediction intervals: the model's absolute errors
 * per horizon step on each key's validation slice (the end of its training range, before the
 * split), forecast as the job forecasts (a window of the W points before each origin, or a state
 * stepped from the key's start), each series cut at the split so no test point is ever looked at.
 */
final class Calibrations {

    /** The horizon calibrated when none is given. */
    static final int DEFAULT_HORIZON = 24;

    private Calibrations() {}

    /** Keys without a grid: each cut at its split, scored on its validation slice. */
    static Map<String, KeySeries> slices(
            Map<String, double[]> data,
            Split at,
            ValSlice val,
            int window,
            boolean stateful,
            int horizon) {
        Map<String, KeySeries> out = new LinkedHashMap<>();
        data.forEach(
                (k, v) -> {
                    int split = at.at(v.length);
                    int from = val.start(split, window);
                    float[] cut = KeySeries.floats(Arrays.copyOf(v, split));
                    out.put(k, slice(cut, new int[0], from, window, stateful, horizon));
                });
        return out;
    }

    /**
     * Keys on a grid: each key's segments one after the other, cut at the split's slot; the slice
     * is carved from the key's training slots as {@code train} carves it.
     */
    static Map<String, KeySeries> gridSlices(
            Map<String, TimeGrid.Gridded> grids,
            Split at,
            ValSlice val,
            int window,
            boolean stateful,
            int horizon) {
        Map<String, KeySeries> out = new LinkedHashMap<>();
        grids.forEach(
                (k, g) -> {
                    HorizonEvaluation.Flat f = HorizonEvaluation.Flat.of(g);
                    if (f.values().length == 0) {
                        return;
                    }
                    int trainSlots = at.at((int) Math.min(Integer.MAX_VALUE, g.stats().slots()));
                    int split = f.indexOf(f.firstSlot() + trainSlots);
                    int from = f.indexOf(f.firstSlot() + val.start(trainSlots, window));
                    float[] cut = Arrays.copyOf(f.values(), split);
                    int[] restarts = Arrays.stream(f.restarts()).filter(r -> r < split).toArray();
                    out.put(k, slice(cut, restarts, from, window, stateful, horizon));
                });
        return out;
    }

    private static KeySeries slice(
            float[] values, int[] restarts, int from, int window, boolean stateful, int horizon) {
        // windows from H - 1 points before the slice's start forecast its first point at every
        // step, and need the W points before them; a state is stepped from the key's start
        int start = stateful ? 0 : Math.max(0, from - window - horizon + 1);
        return new KeySeries(values, restarts, start, from);
    }

    /**
     * The model's absolute errors at each of {@code horizon} steps on the keys' slices, a forecast
     * at every point once the window (or W steps) is there.
     */
    static IntervalCalibration measure(
            ModelBundle bundle,
            String engine,
            boolean stateful,
            Map<String, KeySeries> slices,
            int horizon) {
        ForecastScoring scoring = new ForecastScoring(horizon, new double[0], null, 0, 0.1);
        HorizonEvaluation e =
                HorizonEvaluation.run(bundle, engine, stateful, slices, 1, 0, scoring);
        return IntervalCalibration.of(e.steps().errors());
    }

    /** One line: the errors per step and the half-widths they give at 80% and 95%. */
    static void report(PrintWriter out, IntervalCalibration c) {
        int last = c.steps() - 1;
        out.printf(
                Locale.ROOT,
                "calibration: %d horizon steps, %d-%d errors per step (validation slice);"
                        + " half-widths at 80%%/95%%: step 1 %.4g/%.4g, step %d %.4g/%.4g%n",
                c.steps(),
                Arrays.stream(c.counts()).min().orElse(0),
                Arrays.stream(c.counts()).max().orElse(0),
                c.halfWidth(0, 0.8),
                c.halfWidth(0, 0.95),
                last + 1,
                c.halfWidth(last, 0.8),
                c.halfWidth(last, 0.95));
        out.flush();
    }
}
