package io.forecaster.cli.demo;

import io.forecaster.cli.kafka.PointFiles;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.training.data.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a shared data set the demo replays: for each key, the points its committed model
 * never saw in training (the validation split), preceded by one window of history, so the first
 * forecast is about the first unseen point and the accuracy shown is honest.
 *
 * @param name the data set ("wind" or "sunspots")
 * @param model the committed model bundle for it
 * @param points the points to replay, in event-time order
 * @param byKey the same points per key, in time order
 */
public record DemoData(
        String name, Path model, List<SensorPoint> points, Map<String, List<SensorPoint>> byKey) {

    /** The data sets the demo knows. */
    public enum Kind {
        /**
         * Daily wind speed at 12 Irish stations; the wind model trained on each station's first
         * 70%.
         */
        WIND("wind-ireland/wind_daily_long.csv", "models/wind.zip", Split.atFraction(0.7)),
        /** Monthly sunspot numbers; the sunspots model trained on points [0, 3000). */
        SUNSPOTS("sunspots/Sunspots.csv", "models/sunspots.zip", Split.atIndex(3000));

        final String file;
        final String model;
        final Split split;

        Kind(String file, String model, Split split) {
            this.file = file;
            this.model = model;
            this.split = split;
        }
    }

    /** Reads the data set from {@code sharedData} and keeps each key's unseen part plus history. */
    public static DemoData load(Kind kind, Path sharedData, Path projectRoot, int window) {
        Path file = sharedData.resolve(kind.file);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "data file not found: "
                            + file
                            + " (give the shared data folder with --shared-data)");
        }
        PointFiles.Columns columns =
                kind == Kind.SUNSPOTS
                        ? new PointFiles.Columns(
                                null, "sunspots", "Date", "Monthly Mean Total Sunspot Number")
                        : new PointFiles.Columns("key", null, "date", "value");
        return load(
                kind.name().toLowerCase(java.util.Locale.ROOT),
                file,
                columns,
                kind.split,
                projectRoot.resolve(kind.model),
                window);
    }

    /**
     * A user's file ({@code --data FILE}): a long {@code key,time,value} file or a single series
     * (key "series"), its columns guessed by {@link #columnsOf}; rows without a value are kept out.
     * The demo replays each key's last 30% (what {@code train}'s default split leaves for
     * validation) after one window of history.
     */
    public static DemoData loadFile(Path file, Path model, int window) {
        PointFiles.Columns columns =
                PointFiles.Layout.of(file) == PointFiles.Layout.JSONL
                        ? PointFiles.Columns.guess()
                        : columnsOf(io.forecaster.training.data.SeriesCsv.header(file));
        String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return load(name, file, columns, Split.atFraction(0.7), model, window);
    }

    static final List<String> KEY_NAMES =
            List.of("key", "sensor", "sensor_id", "sensorid", "station", "id");
    static final List<String> TIME_NAMES =
            List.of("time", "date", "timestamp", "datetime", "event_time");
    static final List<String> VALUE_NAMES = List.of("value", "val", "y");

    /**
     * The columns of a CSV header, guessed as replay guesses them, and for the value as {@code
     * train} does: a key column named like a key (key, sensor, sensor_id, station, id; none: a
     * single series, key "series"), a time column named like a time (time, date, timestamp,
     * datetime, event_time), and the value column named value, val or y, else the last column that
     * is neither (a single series such as {@code ,Date,Monthly Mean Total Sunspot Number}).
     *
     * @throws IllegalArgumentException if no time column or no value column is left
     */
    static PointFiles.Columns columnsOf(List<String> header) {
        String key = io.forecaster.training.data.SeriesCsv.find(header, KEY_NAMES);
        String time = io.forecaster.training.data.SeriesCsv.find(header, TIME_NAMES);
        if (time == null) {
            throw new IllegalArgumentException(
                    "no time column (one named " + TIME_NAMES + ") among the columns " + header);
        }
        String value = io.forecaster.training.data.SeriesCsv.find(header, VALUE_NAMES);
        for (int i = header.size() - 1; value == null && i >= 0; i--) {
            String h = header.get(i);
            if (!h.equals(key) && !h.equals(time) && !h.isBlank()) {
                value = h;
            }
        }
        if (value == null) {
            throw new IllegalArgumentException("no value column among the columns " + header);
        }
        return key != null
                ? new PointFiles.Columns(key, null, time, value)
                : new PointFiles.Columns(null, "series", time, value);
    }

    private static DemoData load(
            String name,
            Path file,
            PointFiles.Columns columns,
            Split split,
            Path model,
            int window) {
        List<SensorPoint> all =
                PointFiles.read(file, PointFiles.Layout.of(file), columns, false).points();
        Map<String, List<SensorPoint>> series = new LinkedHashMap<>();
        for (SensorPoint p : all) {
            series.computeIfAbsent(p.sensorId(), k -> new ArrayList<>()).add(p);
        }
        Map<String, List<SensorPoint>> kept = new LinkedHashMap<>();
        List<SensorPoint> points = new ArrayList<>();
        for (Map.Entry<String, List<SensorPoint>> e : series.entrySet()) {
            List<SensorPoint> s = new ArrayList<>(e.getValue());
            s.sort(Comparator.comparingLong(SensorPoint::eventTime));
            int from = Math.max(0, split.at(s.size()) - window);
            List<SensorPoint> part = List.copyOf(s.subList(from, s.size()));
            kept.put(e.getKey(), part);
            points.addAll(part);
        }
        points.sort(Comparator.comparingLong(SensorPoint::eventTime));
        return new DemoData(name, model, List.copyOf(points), kept);
    }

    /** Forecasts a complete run produces in window mode with slide 1: one per window. */
    public int expectedForecasts(int window) {
        int n = 0;
        for (List<SensorPoint> s : byKey.values()) {
            n += Math.max(0, s.size() - window + 1);
        }
        return n;
    }
}
