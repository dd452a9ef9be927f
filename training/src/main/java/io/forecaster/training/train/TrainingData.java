package io.forecaster.training.train;

import io.forecaster.training.data.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One or more raw series (one per key) with the index where each is split: points before it train,
 * points from it on validate.
 */
public record TrainingData(Map<String, double[]> series, Map<String, Integer> splits) {

    public TrainingData {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no series to train on");
        }
        series = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(series));
        splits = Map.copyOf(splits);
        for (String key : series.keySet()) {
            Integer at = splits.get(key);
            if (at == null || at < 1 || at > series.get(key).length) {
                throw new IllegalArgumentException(
                        "series '" + key + "' has no valid split: " + at);
            }
        }
    }

    /** Every series split by {@code split} (an index, or a fraction of each series' length). */
    public static TrainingData of(Map<String, double[]> series, Split split) {
        Map<String, Integer> splits = new LinkedHashMap<>();
        series.forEach((k, s) -> splits.put(k, split.at(s.length)));
        return new TrainingData(series, splits);
    }

    /** The training parts, {@code series[0, split)}. */
    public List<double[]> trainingParts() {
        List<double[]> out = new ArrayList<>();
        series.forEach((k, s) -> out.add(Arrays.copyOf(s, splits.get(k))));
        return out;
    }
}
