package io.forecaster.cli.kafka;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Joins each forecast's next-step value with the actual point that follows its window (the first
 * point of the key after {@link Forecast#windowEnd()}) and keeps running mean absolute errors per
 * key and overall, next to the last-value baseline (the window's last point predicts the next).
 * Forecasts and points may arrive in any order relative to each other; each key's points should
 * arrive in event-time order. Not thread-safe.
 */
public final class Accuracy {

    /** Per-key history cap: older points are dropped once no pending forecast needs them. */
    static final int MAX_HISTORY = 100_000;

    /**
     * Running errors of one key (or of all keys).
     *
     * @param n forecasts scored
     * @param mae mean absolute error of the model's next-step forecasts
     * @param baselineMae mean absolute error of the last-value baseline over the same steps
     */
    public record Score(long n, double mae, double baselineMae) {}

    /**
     * One forecast scored.
     *
     * @param forecast the forecast
     * @param actual the actual next point
     * @param lastValue the window's last value (the baseline's forecast)
     */
    public record Scored(Forecast forecast, SensorPoint actual, double lastValue) {}

    private final Map<String, TreeMap<Long, Double>> history = new TreeMap<>();
    private final Map<String, List<Forecast>> pending = new TreeMap<>();
    private final Map<String, double[]> sums = new TreeMap<>(); // n, |model err|, |baseline err|
    private final double[] total = new double[3];

    /** Adds a point; returns the forecasts it (or earlier points) now resolve. */
    public List<Scored> point(SensorPoint p) {
        TreeMap<Long, Double> h = history.computeIfAbsent(p.sensorId(), k -> new TreeMap<>());
        h.put(p.eventTime(), p.value());
        List<Scored> out = resolve(p.sensorId());
        prune(p.sensorId(), h);
        return out;
    }

    /** Adds a forecast; returns it scored if its actual point is already known. */
    public List<Scored> forecast(Forecast f) {
        pending.computeIfAbsent(f.sensorId(), k -> new ArrayList<>()).add(f);
        return resolve(f.sensorId());
    }

    private List<Scored> resolve(String key) {
        List<Forecast> waiting = pending.get(key);
        TreeMap<Long, Double> h = history.get(key);
        List<Scored> out = new ArrayList<>();
        if (waiting == null || h == null) {
            return out;
        }
        for (Iterator<Forecast> it = waiting.iterator(); it.hasNext(); ) {
            Forecast f = it.next();
            Map.Entry<Long, Double> next = h.higherEntry(f.windowEnd());
            Map.Entry<Long, Double> last = h.floorEntry(f.windowEnd());
            if (next == null || last == null) {
                continue;
            }
            it.remove();
            double actual = next.getValue();
            double modelErr = Math.abs(f.next() - actual);
            double baseErr = Math.abs(last.getValue() - actual);
            double[] s = sums.computeIfAbsent(key, k -> new double[3]);
            s[0]++;
            s[1] += modelErr;
            s[2] += baseErr;
            total[0]++;
            total[1] += modelErr;
            total[2] += baseErr;
            out.add(new Scored(f, new SensorPoint(key, next.getKey(), actual), last.getValue()));
        }
        return out;
    }

    private void prune(String key, TreeMap<Long, Double> h) {
        if (h.size() <= MAX_HISTORY) {
            return;
        }
        long keepFrom = Long.MAX_VALUE;
        for (Forecast f : pending.getOrDefault(key, List.of())) {
            keepFrom = Math.min(keepFrom, f.windowEnd());
        }
        while (h.size() > MAX_HISTORY && h.firstKey() < keepFrom) {
            h.pollFirstEntry();
        }
    }

    /** The running score of every key, by key. */
    public Map<String, Score> byKey() {
        Map<String, Score> m = new TreeMap<>();
        sums.forEach((k, s) -> m.put(k, score(s)));
        return m;
    }

    /** The running score over all keys. */
    public Score overall() {
        return score(total);
    }

    /** Forecasts still waiting for their actual point. */
    public long pending() {
        return pending.values().stream().mapToLong(List::size).sum();
    }

    private static Score score(double[] s) {
        return s[0] == 0
                ? new Score(0, Double.NaN, Double.NaN)
                : new Score((long) s[0], s[1] / s[0], s[2] / s[0]);
    }
}
