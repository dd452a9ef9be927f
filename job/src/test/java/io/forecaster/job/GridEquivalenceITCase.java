package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.grid.TimeGrid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job on a time grid, on a MiniCluster at parallelism 2, fed a gappy copy of the wind data of
 * 12 stations (runs of days deleted at random with a fixed seed, jittered times, extra points in a
 * day, repeated times, days slightly out of order), computes exactly the forecasts of the offline
 * path: {@link TimeGrid#grid} over each station's rows, then the model over each window (window
 * mode) or each segment between restarts (stateful mode), including {@code filled}, {@code
 * nextTime} and the restarts. Its data and job run are public: the cli module's {@code
 * PredictGridEquivalenceITCase} compares the same job output with the {@code predict} command.
 */
public class GridEquivalenceITCase {

    public static final int PARALLELISM = 2;
    public static final int W = 20;
    static final long DAY = WindData.DAY;
    public static final double TOLERANCE = 1e-4;
    static final int[] GAP_LENGTHS = {1, 2, 3, 4, 6};

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    /** Per station, its rows by day, each day's rows in file (and arrival) order. */
    public static Map<String, List<List<SensorPoint>>> days;

    static TimeGrid grid;

    @BeforeAll
    public static void gappyData() {
        Random random = new Random(20240607L);
        days = new LinkedHashMap<>();
        WindData.series()
                .forEach(
                        (station, points) -> {
                            List<List<SensorPoint>> byDay = new ArrayList<>();
                            int d = 0;
                            while (d < points.size()) {
                                if (d > 0 && random.nextInt(12) == 0) {
                                    d += GAP_LENGTHS[random.nextInt(GAP_LENGTHS.length)];
                                    continue;
                                }
                                SensorPoint p = points.get(d);
                                long t = p.eventTime() + random.nextInt(20) * 3_600_000L;
                                List<SensorPoint> day = new ArrayList<>();
                                day.add(new SensorPoint(station, t, p.value()));
                                int extra = random.nextInt(6);
                                if (extra == 0) { // the same time again: a duplicate, dropped
                                    day.add(new SensorPoint(station, t, p.value() + 100));
                                } else if (extra == 1) { // a second point in the day: averaged
                                    day.add(
                                            new SensorPoint(
                                                    station,
                                                    p.eventTime() + 23 * 3_600_000L,
                                                    p.value() / 2));
                                }
                                byDay.add(day);
                                d++;
                            }
                            days.put(station, byDay);
                        });
        grid = options("window").timeGrid();
    }

    public static ForecastOptions options(String mode) {
        Map<String, String> m = new HashMap<>();
        m.put("model.path", TestModels.file().toString());
        m.put("mode", mode);
        m.put("window.size", String.valueOf(W));
        m.put("inference.batch-size", "64");
        m.put("inference.max-delay", "20 ms");
        m.put("watermark.out-of-orderness", "3 d");
        m.put("watermark.idleness", "0 s");
        m.put("state.quiet-timeout", "30 d");
        m.put("series.interval", "1 d");
        m.put("series.aggregate", "mean");
        m.put("gap.fill", "linear");
        m.put("gap.max-fill", "3");
        return ForecastOptions.fromMap(m);
    }

    /**
     * All stations as one stream in date order, day by day, with some days swapped with the next
     * one (at most two days out of order, within the watermark's out-of-orderness).
     */
    static List<SensorPoint> stream() {
        record Day(long day, int station, List<SensorPoint> points) {}
        List<Day> all = new ArrayList<>();
        int s = 0;
        for (List<List<SensorPoint>> station : days.values()) {
            List<List<SensorPoint>> copy = new ArrayList<>(station);
            for (int d = 0; d + 1 < copy.size(); d++) {
                // only neighbouring days: swapping across a gap would send a day later than
                // the watermark's out-of-orderness allows, and whether it is then late would
                // depend on when the periodic watermark happens to be emitted
                long thisDay = copy.get(d).get(0).eventTime() / DAY;
                long nextDay = copy.get(d + 1).get(0).eventTime() / DAY;
                if ((d * 7 + s * 3) % 5 == 0 && nextDay - thisDay == 1) {
                    List<SensorPoint> a = copy.get(d);
                    copy.set(d, copy.get(d + 1));
                    copy.set(d + 1, a);
                    d++;
                }
            }
            for (int d = 0; d < copy.size(); d++) {
                // sent when the day originally at this place is due
                long due = station.get(d).get(0).eventTime() / DAY;
                all.add(new Day(due, s, copy.get(d)));
            }
            s++;
        }
        all.sort(java.util.Comparator.comparingLong(Day::day).thenComparingInt(Day::station));
        return all.stream().flatMap(d -> d.points().stream()).toList();
    }

    /** The offline path: each station's rows on the grid. */
    static Map<String, TimeGrid.Gridded> offlineGrids() {
        Map<String, TimeGrid.Gridded> out = new LinkedHashMap<>();
        days.forEach(
                (station, byDay) -> {
                    List<SensorPoint> rows = byDay.stream().flatMap(List::stream).toList();
                    long[] t = rows.stream().mapToLong(SensorPoint::eventTime).toArray();
                    double[] v = rows.stream().mapToDouble(SensorPoint::value).toArray();
                    out.put(station, grid.grid(t, v));
                });
        return out;
    }

    record Expected(float[] predictions, int filled, long nextTime, long windowStart) {}

    /** Expected forecasts keyed "station@windowEnd". */
    static Map<String, Expected> expected(boolean stateful) {
        Map<String, Expected> out = new HashMap<>();
        try (Predictor p = Engines.open("fast", TestModels.bundle())) {
            offlineGrids()
                    .forEach(
                            (station, g) -> {
                                for (TimeGrid.Segment seg : g.segments()) {
                                    float[] all = new float[seg.length()];
                                    for (int i = 0; i < all.length; i++) {
                                        all[i] = (float) seg.values()[i];
                                    }
                                    float[] whole =
                                            stateful ? p.predict(new float[][] {all})[0] : null;
                                    for (int end = W; end <= all.length; end++) {
                                        float[] predictions =
                                                stateful
                                                        ? Arrays.copyOfRange(whole, end - W, end)
                                                        : p.predict(
                                                                        new float[][] {
                                                                            Arrays.copyOfRange(
                                                                                    all, end - W,
                                                                                    end)
                                                                        })[0];
                                        long last = seg.firstSlot() + end - 1;
                                        out.put(
                                                station + "@" + grid.slotStart(last),
                                                new Expected(
                                                        predictions,
                                                        seg.filledIn(end - W, end),
                                                        grid.slotStart(last + 1),
                                                        grid.slotStart(last - W + 1)));
                                    }
                                }
                            });
        }
        return out;
    }

    public static List<Forecast> runJob(ForecastOptions options) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        env.setParallelism(PARALLELISM);
        List<Forecast> out = new ArrayList<>();
        try (CloseableIterator<Forecast> it =
                ForecastJob.forecasts(
                                env.fromData(stream(), TypeInformation.of(SensorPoint.class)),
                                options)
                        .forecasts()
                        .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    static void assertMatches(List<Forecast> actual, Map<String, Expected> expected) {
        Map<String, Forecast> byKey = new HashMap<>();
        for (Forecast f : actual) {
            assertThat(byKey.put(f.sensorId() + "@" + f.windowEnd(), f))
                    .as("duplicate forecast %s@%d", f.sensorId(), f.windowEnd())
                    .isNull();
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (key, want) -> {
                    Forecast got = byKey.get(key);
                    assertThat(got.filled()).as("%s filled", key).isEqualTo(want.filled());
                    assertThat(got.nextTime()).as("%s nextTime", key).isEqualTo(want.nextTime());
                    assertThat(got.windowStart()).as(key).isEqualTo(want.windowStart());
                    for (int i = 0; i < W; i++) {
                        assertThat(Math.abs(got.predictions()[i] - want.predictions()[i]))
                                .as("%s step %d", key, i)
                                .isLessThanOrEqualTo(
                                        TOLERANCE * (1 + Math.abs(want.predictions()[i])));
                    }
                });
    }

    @Test
    void theDataHasGapsOfEveryLengthDuplicatesAndRestarts() {
        Map<String, TimeGrid.Gridded> grids = offlineGrids();
        assertThat(grids.values().stream().mapToLong(g -> g.stats().filled()).sum())
                .isGreaterThan(20);
        assertThat(grids.values().stream().mapToInt(g -> g.stats().restarts()).sum())
                .isGreaterThan(5);
        assertThat(grids.values().stream().mapToInt(g -> g.stats().duplicates()).sum())
                .isGreaterThan(5);
        Map<String, Expected> windows = expected(false);
        assertThat(windows.values().stream().filter(e -> e.filled() > 0).count()).isGreaterThan(50);
    }

    @Test
    void windowModeOnAGridEqualsTheOfflinePath() throws Exception {
        assertMatches(runJob(options("window")), expected(false));
    }

    @Test
    void statefulModeOnAGridEqualsTheOfflinePath() throws Exception {
        assertMatches(runJob(options("stateful")), expected(true));
    }
}
