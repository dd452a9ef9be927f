package io.forecaster.cli.model;

import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.data.Split;
import io.forecaster.training.data.ValSlice;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keys on a time grid as the series training and evaluation work on: each segment between two
 * restarts is a series of its own (named {@code key}, or {@code key#2}, {@code key#3}... after
 * restarts), so no window spans an unfilled gap. The split is taken on each key's whole span of
 * slots, so the training part of every key lies before its validation part in time, as without a
 * grid.
 *
 * @param series the segments' values, by series name
 * @param splits where each series is split: windows train on {@code [0, split)}, the points from
 *     {@code split} on validate (a segment wholly after the key's split trains nothing and
 *     validates from its W-th slot on)
 * @param keyOf the key each series belongs to
 * @param trainEnds per series, its slots before the key's split ({@code [0, len]}): the training
 *     range (validation slice included), so no slot after a key's split is trained on
 * @param valStarts per series, where its part of the key's validation slice starts ({@code [0,
 *     trainEnd]}): training fits the slots before it, selection scores the slots from it to {@code
 *     trainEnd}
 */
record GridSeries(
        Map<String, double[]> series,
        Map<String, Integer> splits,
        Map<String, String> keyOf,
        Map<String, Integer> trainEnds,
        Map<String, Integer> valStarts) {

    /** The segments of {@code grids}, split by {@code at}, without a validation slice. */
    static GridSeries of(Map<String, TimeGrid.Gridded> grids, Split at, int window) {
        return of(grids, at, ValSlice.NONE, window, null);
    }

    /**
     * The segments of {@code grids}, split by {@code at} over each key's span, the validation slice
     * {@code val} carved from the end of each key's training slots, windows of W; an error of the
     * slice goes to {@code valError} (the split's is thrown).
     */
    static GridSeries of(
            Map<String, TimeGrid.Gridded> grids,
            Split at,
            ValSlice val,
            int window,
            java.util.function.Function<IllegalArgumentException, RuntimeException> valError) {
        Map<String, double[]> series = new LinkedHashMap<>();
        Map<String, Integer> splits = new LinkedHashMap<>();
        Map<String, String> keyOf = new LinkedHashMap<>();
        Map<String, Integer> trainEnds = new LinkedHashMap<>();
        Map<String, Integer> valStarts = new LinkedHashMap<>();
        grids.forEach(
                (key, g) -> {
                    if (g.segments().isEmpty()) {
                        return;
                    }
                    long first = g.segments().get(0).firstSlot();
                    int trainSlots = at.at((int) Math.min(Integer.MAX_VALUE, g.stats().slots()));
                    long splitSlot = first + trainSlots;
                    long valSlot;
                    try {
                        valSlot = first + val.start(trainSlots, window);
                    } catch (IllegalArgumentException e) {
                        throw valError == null ? e : valError.apply(e);
                    }
                    int n = 0;
                    for (TimeGrid.Segment s : g.segments()) {
                        n++;
                        String name = n == 1 ? key : key + "#" + n;
                        long rel = splitSlot - s.firstSlot();
                        int len = s.length();
                        int split =
                                (int)
                                        Math.max(
                                                1,
                                                Math.min(
                                                        len, Math.max(rel, Math.min(window, len))));
                        series.put(name, s.values());
                        splits.put(name, split);
                        keyOf.put(name, key);
                        int end = (int) Math.max(0, Math.min(len, rel));
                        trainEnds.put(name, end);
                        valStarts.put(
                                name, (int) Math.max(0, Math.min(end, valSlot - s.firstSlot())));
                    }
                });
        return new GridSeries(series, splits, keyOf, trainEnds, valStarts);
    }

    /** Whether series {@code name} has points to validate with windows of W. */
    boolean validates(String name, int window) {
        int split = splits.get(name);
        return split >= window && split < series.get(name).length;
    }

    /** One line per key: rows, slots, missing, filled, restarts. */
    static void report(PrintWriter out, Map<String, TimeGrid.Gridded> grids, TimeGrid grid) {
        out.printf(
                Locale.ROOT,
                "time grid: %d ms slots from %d, %s per slot, gaps %s up to %d slots%n",
                grid.intervalMs(),
                grid.originMs(),
                grid.aggregate().label(),
                grid.gapFill().label(),
                grid.maxFill());
        out.printf(
                Locale.ROOT,
                "%-10s %7s %6s %10s %7s %7s %7s %8s%n",
                "series",
                "rows",
                "empty",
                "duplicates",
                "slots",
                "missing",
                "filled",
                "restarts");
        grids.forEach(
                (key, g) -> {
                    TimeGrid.Stats s = g.stats();
                    out.printf(
                            Locale.ROOT,
                            "%-10s %7d %6d %10d %7d %7d %7d %8d%n",
                            key.isEmpty() ? "all" : key,
                            s.rows(),
                            s.empty(),
                            s.duplicates(),
                            s.slots(),
                            s.missing(),
                            s.filled(),
                            s.restarts());
                });
        out.flush();
    }
}
