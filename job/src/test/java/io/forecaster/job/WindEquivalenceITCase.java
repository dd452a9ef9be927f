package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job on a MiniCluster at parallelism 2, fed the wind data of 12 stations slightly out of
 * order, computes exactly the forecasts the model gives offline: window mode over each window,
 * stateful mode over each station's whole series.
 */
class WindEquivalenceITCase {

    static final int PARALLELISM = 2;
    static final int W = 60;
    static final double TOLERANCE = 1e-4;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    static Map<String, List<SensorPoint>> series;
    static List<SensorPoint> stream;

    @BeforeAll
    static void loadData() {
        series = WindData.series();
        stream = WindData.shuffledStream(series);
        assertThat(series).hasSize(12);
    }

    static ForecastOptions options(String engine, String mode) {
        return ForecastOptions.fromMap(settings(engine, mode));
    }

    /** The settings of {@link #options}, to add to. */
    static Map<String, String> settings(String engine, String mode) {
        Map<String, String> m = new HashMap<>();
        m.put("model.path", TestModels.file().toString());
        m.put("engine", engine);
        m.put("mode", mode);
        m.put("window.size", String.valueOf(W));
        m.put("inference.batch-size", "64");
        m.put("inference.max-delay", "20 ms");
        m.put("watermark.out-of-orderness", "2 d");
        m.put("watermark.idleness", "0 s");
        m.put("state.quiet-timeout", "30 d");
        return m;
    }

    static List<Forecast> runJob(ForecastOptions options) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        env.setParallelism(PARALLELISM);
        DataStream<SensorPoint> points =
                env.fromData(stream, TypeInformation.of(SensorPoint.class));
        List<Forecast> out = new ArrayList<>();
        try (CloseableIterator<Forecast> it =
                ForecastJob.forecasts(points, options).forecasts().executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Per-step predictions of the model run offline over each station's whole series. */
    static Map<String, float[]> offlineSeries(String engine) {
        Map<String, float[]> out = new HashMap<>();
        try (Predictor p = Engines.open(engine, TestModels.bundle())) {
            series.forEach((k, v) -> out.put(k, p.predict(new float[][] {WindData.values(v)})[0]));
        }
        return out;
    }

    /** Expected forecasts keyed "station@windowEnd": offline predictions for each window. */
    static Map<String, float[]> offlineWindows(String engine) {
        return WindData.offlineWindows(engine, series, W);
    }

    static Map<String, float[]> statefulExpected(Map<String, float[]> perStep) {
        Map<String, float[]> out = new HashMap<>();
        series.forEach(
                (k, v) -> {
                    for (int end = W; end <= v.size(); end++) {
                        out.put(
                                k + "@" + v.get(end - 1).eventTime(),
                                Arrays.copyOfRange(perStep.get(k), end - W, end));
                    }
                });
        return out;
    }

    static void assertMatches(List<Forecast> actual, Map<String, float[]> expected) {
        assertMatches(actual, expected, -1);
    }

    /** {@code absTolerance} < 0: the same-engine bound, relative to each value. */
    static void assertMatches(
            List<Forecast> actual, Map<String, float[]> expected, double absTolerance) {
        Map<String, Forecast> byKey = new HashMap<>();
        for (Forecast f : actual) {
            Forecast previous = byKey.put(f.sensorId() + "@" + f.windowEnd(), f);
            assertThat(previous)
                    .as("duplicate forecast %s@%d", f.sensorId(), f.windowEnd())
                    .isNull();
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (key, want) -> {
                    double[] got = byKey.get(key).predictions();
                    assertThat(got).as(key).hasSize(W);
                    for (int i = 0; i < W; i++) {
                        double tol =
                                absTolerance >= 0
                                        ? absTolerance
                                        : TOLERANCE * (1 + Math.abs(want[i]));
                        assertThat(Math.abs(got[i] - want[i]))
                                .as("%s step %d: job %s, offline %s", key, i, got[i], want[i])
                                .isLessThanOrEqualTo(tol);
                    }
                });
        // Each station's forecasts arrive in event-time order.
        Map<String, Long> last = new HashMap<>();
        for (Forecast f : actual) {
            Long prev = last.put(f.sensorId(), f.windowEnd());
            assertThat(prev == null || prev < f.windowEnd())
                    .as("%s after %s", f.windowEnd(), prev)
                    .isTrue();
        }
    }

    @Test
    void windowModeEqualsTheModelRunOfflineOnTheSameWindows() throws Exception {
        List<Forecast> out = runJob(options(engine(), "window"));

        assertThat(out).hasSize(12 * (120 - W + 1));
        assertThat(out)
                .allSatisfy(
                        f ->
                                assertThat(f.windowEnd() - f.windowStart())
                                        .isEqualTo((W - 1) * WindData.DAY));
        assertMatches(out, offlineWindows(engine()));
    }

    @Test
    void statefulModeEqualsSteppingThroughEachStationsSeries() throws Exception {
        List<Forecast> out = runJob(options(engine(), "stateful"));

        assertThat(out).hasSize(12 * (120 - W + 1));
        assertMatches(out, statefulExpected(offlineSeries(engine())));
    }

    static String engine() {
        return "fast";
    }

    @Test
    void statefulModeRestartsAKeyFromTheZeroStateAfterAGap() throws Exception {
        int w = 20;
        List<String> stations = new ArrayList<>(series.keySet()).subList(0, 2);
        List<SensorPoint> steady = series.get(stations.get(0));
        List<SensorPoint> all = series.get(stations.get(1));
        // Five days missing: a gap of six days between day 49 and day 55.
        List<SensorPoint> before = all.subList(0, 50);
        List<SensorPoint> after = all.subList(55, all.size());
        List<SensorPoint> gapped = new ArrayList<>(before);
        gapped.addAll(after);
        Map<String, List<SensorPoint>> input =
                Map.of(stations.get(0), steady, "GAP", renamed(gapped));
        Map<String, String> m = new HashMap<>(options(engine(), "stateful").explicitValues());
        m.put("window.size", String.valueOf(w));
        m.put("stateful.reset-gap", "3 d");

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        env.setParallelism(PARALLELISM);
        List<Forecast> out = new ArrayList<>();
        try (CloseableIterator<Forecast> it =
                ForecastJob.forecasts(
                                env.fromData(
                                        WindData.shuffledStream(input),
                                        TypeInformation.of(SensorPoint.class)),
                                ForecastOptions.fromMap(m))
                        .forecasts()
                        .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }

        Map<String, float[]> expected = new HashMap<>();
        try (Predictor p = Engines.open(engine(), TestModels.bundle())) {
            for (List<SensorPoint> part : List.of(steady, renamed(before), renamed(after))) {
                float[] perStep = p.predict(new float[][] {WindData.values(part)})[0];
                for (int end = w; end <= part.size(); end++) {
                    expected.put(
                            part.get(0).sensorId() + "@" + part.get(end - 1).eventTime(),
                            Arrays.copyOfRange(perStep, end - w, end));
                }
            }
        }
        // GAP: forecasts for days 20..49, then again only from the 20th point after the gap.
        assertThat(out.stream().filter(f -> f.sensorId().equals("GAP")).count())
                .isEqualTo((50 - w + 1) + (after.size() - w + 1));
        Map<String, Forecast> byKey = new HashMap<>();
        out.forEach(f -> byKey.put(f.sensorId() + "@" + f.windowEnd(), f));
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (key, want) -> {
                    double[] got = byKey.get(key).predictions();
                    for (int i = 0; i < w; i++) {
                        assertThat(Math.abs(got[i] - want[i]))
                                .as("%s step %d", key, i)
                                .isLessThanOrEqualTo(TOLERANCE * (1 + Math.abs(want[i])));
                    }
                });
    }

    static List<SensorPoint> renamed(List<SensorPoint> points) {
        return points.stream().map(p -> new SensorPoint("GAP", p.eventTime(), p.value())).toList();
    }

    /** The engines' agreement bound (absolute, on values of a few tens). */
    static final double CROSS_ENGINE_TOLERANCE = 1e-3;

    @Test
    void theDl4jEngineGivesTheSameForecastsInBothModes() throws Exception {
        List<Forecast> window = runJob(options("dl4j", "window"));
        List<Forecast> stateful = runJob(options("dl4j", "stateful"));

        assertMatches(window, offlineWindows("fast"), CROSS_ENGINE_TOLERANCE);
        assertMatches(stateful, statefulExpected(offlineSeries("fast")), CROSS_ENGINE_TOLERANCE);
    }
}
