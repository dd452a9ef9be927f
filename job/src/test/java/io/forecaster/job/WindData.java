package io.forecaster.job;

import io.forecaster.connectors.SensorPoint;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first 120 days of daily wind speed at the 12 Irish stations (test resource {@code
 * wind/wind_daily_120.csv}, a slice of {@code ../shared/data/wind-ireland}: the gstat {@code wind}
 * data set, GPL-2+), one series per station in date order.
 */
final class WindData {

    static final long DAY = 86_400_000L;

    private WindData() {}

    /** Station code to its points, in date order. */
    static Map<String, List<SensorPoint>> series() {
        Map<String, List<SensorPoint>> out = new LinkedHashMap<>();
        try (var in = WindData.class.getResourceAsStream("/wind/wind_daily_120.csv");
                var reader =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.readLine(); // key,date,value
            for (String line; (line = reader.readLine()) != null; ) {
                String[] f = line.split(",");
                long time =
                        LocalDate.parse(f[1])
                                .atStartOfDay(ZoneOffset.UTC)
                                .toInstant()
                                .toEpochMilli();
                out.computeIfAbsent(f[0], k -> new ArrayList<>())
                        .add(new SensorPoint(f[0], time, Double.parseDouble(f[2])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * All stations as one stream in date order, with some points swapped with the next day's (at
     * most one day out of order), as a real multi-sensor topic would deliver them.
     */
    static List<SensorPoint> shuffledStream(Map<String, List<SensorPoint>> series) {
        List<List<SensorPoint>> perStation = new ArrayList<>();
        int s = 0;
        for (List<SensorPoint> points : series.values()) {
            List<SensorPoint> copy = new ArrayList<>(points);
            for (int d = 0; d + 1 < copy.size(); d++) {
                if ((d * 7 + s * 3) % 5 == 0) {
                    SensorPoint a = copy.get(d);
                    copy.set(d, copy.get(d + 1));
                    copy.set(d + 1, a);
                    d++;
                }
            }
            perStation.add(copy);
            s++;
        }
        List<SensorPoint> out = new ArrayList<>();
        int days = perStation.stream().mapToInt(List::size).max().orElse(0);
        for (int d = 0; d < days; d++) {
            for (List<SensorPoint> station : perStation) {
                if (d < station.size()) {
                    out.add(station.get(d));
                }
            }
        }
        return out;
    }

    /** A station's values as floats. */
    static float[] values(List<SensorPoint> points) {
        float[] v = new float[points.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) points.get(i).value();
        }
        return v;
    }

    /**
     * The model run offline over every window of W points of every station, keyed
     * "station@windowEnd": what a window-mode job must forecast for the same input.
     */
    static Map<String, float[]> offlineWindows(
            String engine, Map<String, List<SensorPoint>> series, int w) {
        Map<String, float[]> out = new HashMap<>();
        try (Predictor p = Engines.open(engine, TestModels.bundle())) {
            series.forEach(
                    (k, v) -> {
                        float[] all = values(v);
                        float[][] windows = new float[all.length - w + 1][];
                        for (int end = w; end <= all.length; end++) {
                            windows[end - w] = Arrays.copyOfRange(all, end - w, end);
                        }
                        float[][] predictions = p.predict(windows);
                        for (int end = w; end <= all.length; end++) {
                            out.put(k + "@" + v.get(end - 1).eventTime(), predictions[end - w]);
                        }
                    });
        }
        return out;
    }
}
