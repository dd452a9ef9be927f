package io.forecaster.training.train;

import io.forecaster.training.data.Split;
import io.forecaster.training.data.ValSlice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One or more raw series (one per key) cut into three ranges that are never mixed: training windows
 * lie in {@code [0, valStart)}; the validation slice {@code [valStart, trainEnd)} is what model
 * selection (early stopping, the best epoch) scores; the test points from {@code split} on are
 * scored once, after training. Without a grid {@code trainEnd == split}; on a time grid a segment
 * may start after its key's split ({@code trainEnd} 0, {@code split} its W-th slot).
 *
 * @param series the raw values by series name
 * @param splits per series, its first test point
 * @param valStarts per series, the start of its validation slice (= {@code trainEnd}: none)
 * @param trainEnds per series, the end of its training range (training and validation)
 */
public record TrainingData(
        Map<String, double[]> series,
        Map<String, Integer> splits,
        Map<String, Integer> valStarts,
        Map<String, Integer> trainEnds) {

    public TrainingData {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no series to train on");
        }
        series = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(series));
        splits = Map.copyOf(splits);
        valStarts = Map.copyOf(valStarts);
        trainEnds = Map.copyOf(trainEnds);
        for (String key : series.keySet()) {
            Integer at = splits.get(key);
            int n = series.get(key).length;
            if (at == null || at < 1 || at > n) {
                throw new IllegalArgumentException(
                        "series '" + key + "' has no valid split: " + at);
            }
            Integer end = trainEnds.get(key);
            Integer val = valStarts.get(key);
            if (end == null || val == null || val < 0 || val > end || end > n) {
                throw new IllegalArgumentException(
                        "series '"
                                + key
                                + "' has no valid validation slice: ["
                                + val
                                + ", "
                                + end
                                + ")");
            }
        }
    }

    /** Series split for training and test only, without a validation slice (no selection). */
    public TrainingData(Map<String, double[]> series, Map<String, Integer> splits) {
        this(series, splits, splits, splits);
    }

    /** Every series split by {@code split}, without a validation slice. */
    public static TrainingData of(Map<String, double[]> series, Split split) {
        return of(series, split, ValSlice.NONE, 1);
    }

    /**
     * Every series split by {@code split} (an index, or a fraction of each series' length) into
     * training and test, and the validation slice {@code val} carved from the end of each training
     * range for windows of {@code window}; the error names the split or the slice.
     */
    public static TrainingData of(
            Map<String, double[]> series, Split split, ValSlice val, int window) {
        Map<String, Integer> splits = new LinkedHashMap<>();
        Map<String, Integer> valStarts = new LinkedHashMap<>();
        series.forEach(
                (k, s) -> {
                    int at = split.at(s.length);
                    splits.put(k, at);
                    valStarts.put(k, val.start(at, window));
                });
        return new TrainingData(series, splits, valStarts, splits);
    }

    /** The training ranges, {@code series[0, trainEnd)} (what input scaling is fitted on). */
    public List<double[]> trainingParts() {
        List<double[]> out = new ArrayList<>();
        series.forEach((k, s) -> out.add(Arrays.copyOf(s, trainEnds.get(k))));
        return out;
    }
}
