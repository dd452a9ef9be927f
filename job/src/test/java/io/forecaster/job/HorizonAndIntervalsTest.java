package io.forecaster.job;

import static io.forecaster.job.BatchedInferenceOperatorTest.MINUTE;
import static io.forecaster.job.BatchedInferenceOperatorTest.W;
import static io.forecaster.job.BatchedInferenceOperatorTest.feed;
import static io.forecaster.job.BatchedInferenceOperatorTest.harness;
import static io.forecaster.job.BatchedInferenceOperatorTest.interleave;
import static io.forecaster.job.BatchedInferenceOperatorTest.minute;
import static io.forecaster.job.BatchedInferenceOperatorTest.options;
import static io.forecaster.job.BatchedInferenceOperatorTest.steps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.Forecast;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.forecast.KeyScore;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** H-step forecasts, prediction intervals and live accuracy in the inference operator. */
class HorizonAndIntervalsTest {

    private static final int H = 5;

    /** A noisy, slowly varying series in the test model's range (~0-40). */
    static double[] series(long seed, int n) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 15 + 8 * Math.sin(i / 6.0) + 2 * r.nextGaussian();
        }
        return v;
    }

    /** Window-mode inputs of a series: one every {@code slide} points once W are there. */
    static ModelInput[] windows(String sensor, double[] series, int slide) {
        List<ModelInput> out = new ArrayList<>();
        for (int end = W; end <= series.length; end++) {
            if ((end - W) % slide == 0) {
                out.add(
                        ModelInput.window(
                                        sensor,
                                        minute(end - W + 1),
                                        minute(end),
                                        Arrays.copyOfRange(series, end - W, end))
                                .numbered(end));
            }
        }
        return out.toArray(new ModelInput[0]);
    }

    static List<Accuracy> accuracy(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) {
        List<Accuracy> out = new ArrayList<>();
        var side = h.getSideOutput(BatchedInferenceOperator.ACCURACY);
        if (side != null) {
            for (StreamRecord<Accuracy> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    @Test
    void windowRolloutEqualsAnOfflineRolloutOnTheDl4jEngine() throws Exception {
        double[] val = series(1, 12);
        try (var h = harness(options("forecast.horizon", "10", "inference.batch-size", "4"))) {
            h.open();
            feed(h, windows("VAL", val, 3));
            h.endInput();
            List<Forecast> out = h.extractOutputValues();
            assertThat(out).hasSize(3);
            try (Predictor dl4j = Engines.open("dl4j", TestModels.bundle())) {
                for (Forecast f : out) {
                    int end = (int) ((f.windowEnd() - minute(0)) / MINUTE);
                    float[] window = new float[W];
                    for (int i = 0; i < W; i++) {
                        window[i] = (float) val[end - W + i];
                    }
                    // the interface's default: the network rerun over the window plus the
                    // predictions so far, one pass per step (no state carried over)
                    float[] ahead = new float[10];
                    dl4j.forecast(window, 1, W, 10, new float[W], ahead);
                    assertThat(f.ahead().values()).hasSize(10);
                    for (int s = 0; s < 10; s++) {
                        assertThat(f.ahead().values()[s])
                                .as("window ending %d, step %d", end, s + 1)
                                .isCloseTo(ahead[s], within(1e-4 * (1 + Math.abs(ahead[s]))));
                    }
                    assertThat(f.ahead().values()[0]).isEqualTo(f.next());
                    assertThat(f.ahead().times()).isNull(); // no grid
                    assertThat(f.ahead().levels()).isEmpty();
                    assertThat(f.ahead().source()).isNull();
                }
            }
        }
    }

    @Test
    void statefulRolloutLeavesTheKeysStateAsItWas() throws Exception {
        ModelInput[] in =
                interleave(steps("VAL", 1, series(2, 30)), steps("BEL", 1, series(3, 25)));
        List<Forecast> one;
        try (var h = harness(options("mode", "stateful"))) {
            h.open();
            feed(h, in);
            h.endInput();
            one = h.extractOutputValues();
        }
        List<Forecast> ten;
        try (var h = harness(options("mode", "stateful", "forecast.horizon", "10"))) {
            h.open();
            feed(h, in);
            h.endInput();
            ten = h.extractOutputValues();
        }
        assertThat(ten).hasSameSizeAs(one).hasSize(27 + 22);
        for (int i = 0; i < one.size(); i++) {
            assertThat(ten.get(i).next()).isEqualTo(one.get(i).next());
            assertThat(ten.get(i).predictions()).containsExactly(one.get(i).predictions());
            assertThat(ten.get(i).ahead().values()[0]).isEqualTo(one.get(i).next());
            assertThat(one.get(i).ahead()).isNull(); // H = 1 without levels: today's forecast
        }
    }

    /**
     * Recomputes each key's accuracy from the forecasts the operator emitted and the series itself,
     * and compares it with the operator's last accuracy record of the key.
     */
    static void assertAccuracyMatchesTheEmittedForecasts(
            List<Forecast> forecasts, List<Accuracy> records, Map<String, double[]> series) {
        for (var e : series.entrySet()) {
            // the points the operator saw: up to the newest point of the key's last input
            int seen =
                    forecasts.stream()
                                    .filter(f -> f.sensorId().equals(e.getKey()))
                                    .mapToInt(f -> (int) ((f.windowEnd() - minute(1)) / MINUTE))
                                    .max()
                                    .orElseThrow()
                            + 1;
            double[] v = Arrays.copyOf(e.getValue(), seen);
            double abs = 0;
            double base = 0;
            long n = 0;
            double[] levels = null;
            long[] with = null;
            long[] covered = null;
            for (Forecast f : forecasts) {
                if (!f.sensorId().equals(e.getKey())) {
                    continue;
                }
                int origin = (int) ((f.windowEnd() - minute(1)) / MINUTE); // 0-based position
                Forecast.Ahead a = f.ahead();
                levels = a.levels();
                with = with == null ? new long[levels.length] : with;
                covered = covered == null ? new long[levels.length] : covered;
                for (int s = 0; s < a.values().length && origin + 1 + s < v.length; s++) {
                    double actual = (float) v[origin + 1 + s];
                    abs += Math.abs((float) actual - (float) a.values()[s]);
                    base += Math.abs((float) actual - (float) v[origin]);
                    n++;
                    for (int l = 0; l < levels.length; l++) {
                        if (!Double.isNaN(a.lower()[l][s])) {
                            with[l]++;
                            double w = a.values()[s] - a.lower()[l][s];
                            if (Math.abs(actual - a.values()[s]) <= w + 1e-4) {
                                covered[l]++;
                            }
                        }
                    }
                }
            }
            Accuracy last =
                    records.stream()
                            .filter(r -> r.sensorId().equals(e.getKey()))
                            .reduce((x, y) -> y)
                            .orElseThrow();
            assertThat(last.scored()).as(e.getKey()).isEqualTo(n);
            assertThat(last.mae()).as(e.getKey()).isCloseTo(abs / n, within(1e-4));
            assertThat(last.baselineMae()).as(e.getKey()).isCloseTo(base / n, within(1e-4));
            for (int l = 0; l < levels.length; l++) {
                assertThat(last.coverage()[l])
                        .as("%s level %s", e.getKey(), levels[l])
                        .isCloseTo((double) covered[l] / with[l], within(0.02));
            }
        }
    }

    @Test
    void statefulModeScoresEveryStepOfEveryForecastWhenItsPointArrives() throws Exception {
        Map<String, double[]> series = Map.of("VAL", series(4, 80), "BEL", series(5, 70));
        ModelInput[] in =
                interleave(steps("VAL", 1, series.get("VAL")), steps("BEL", 1, series.get("BEL")));
        ForecastOptions o =
                options(
                        "mode", "stateful",
                        "forecast.horizon", String.valueOf(H),
                        "forecast.interval-levels", "0.8,0.95",
                        "forecast.interval-warmup", "10",
                        "kafka.accuracy.topic", "accuracy",
                        "accuracy.every", "7");
        try (var h = harness(o)) {
            h.open();
            feed(h, in);
            h.endInput();
            feed(h, ModelInput.evict("VAL", minute(500)), ModelInput.evict("BEL", minute(500)));
            List<Forecast> forecasts = h.extractOutputValues();
            List<Accuracy> records = accuracy(h);
            assertThat(records).hasSizeGreaterThan(20);
            assertAccuracyMatchesTheEmittedForecasts(forecasts, records, series);
            // intervals: first from nothing (no calibration in this bundle), then the key's own
            assertThat(forecasts.get(0).ahead().source()).isEqualTo("none");
            assertThat(forecasts.get(forecasts.size() - 1).ahead().source()).isEqualTo("online");
            Forecast late = forecasts.get(forecasts.size() - 1);
            for (int s = 0; s < H; s++) {
                assertThat(late.ahead().lower()[1][s])
                        .isLessThanOrEqualTo(late.ahead().lower()[0][s])
                        .isLessThan(late.ahead().values()[s]);
            }
        }
    }

    @Test
    void windowModeScoresTheWindowsNewValuesWithASlide() throws Exception {
        Map<String, double[]> series = Map.of("VAL", series(6, 90), "BEL", series(7, 75));
        ModelInput[] in =
                interleave(
                        windows("VAL", series.get("VAL"), 2), windows("BEL", series.get("BEL"), 2));
        ForecastOptions o =
                options(
                        "window.slide", "2",
                        "forecast.horizon", String.valueOf(H),
                        "forecast.interval-levels", "0.9",
                        "forecast.interval-warmup", "5",
                        "kafka.accuracy.topic", "accuracy",
                        "accuracy.every", "1");
        try (var h = harness(o)) {
            h.open();
            feed(h, in);
            h.endInput();
            assertAccuracyMatchesTheEmittedForecasts(h.extractOutputValues(), accuracy(h), series);
        }
    }

    @Test
    void intervalAndAccuracyStateSurviveARestoreOnHashMap() throws Exception {
        assertRestoreKeepsScoring(HashMapStateBackend::new, "stateful");
        assertRestoreKeepsScoring(HashMapStateBackend::new, "window");
    }

    @Test
    void intervalAndAccuracyStateSurviveARestoreOnRocksDb() throws Exception {
        assertRestoreKeepsScoring(EmbeddedRocksDBStateBackend::new, "stateful");
        assertRestoreKeepsScoring(EmbeddedRocksDBStateBackend::new, "window");
    }

    static void assertRestoreKeepsScoring(Supplier<StateBackend> backend, String mode)
            throws Exception {
        double[] val = series(8, 60);
        double[] bel = series(9, 60);
        ModelInput[] all =
                mode.equals("stateful")
                        ? interleave(steps("VAL", 1, val), steps("BEL", 1, bel))
                        : interleave(windows("VAL", val, 1), windows("BEL", bel, 1));
        ModelInput[] before = Arrays.copyOfRange(all, 0, all.length / 2);
        ModelInput[] after = Arrays.copyOfRange(all, all.length / 2, all.length);
        ForecastOptions o =
                options(
                        "mode", mode,
                        "forecast.horizon", String.valueOf(H),
                        "forecast.interval-levels", "0.8",
                        "forecast.interval-warmup", "5",
                        "kafka.accuracy.topic", "accuracy",
                        "accuracy.every", "3");
        List<Forecast> uninterrupted;
        List<Accuracy> uninterruptedAccuracy;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, all);
            h.endInput();
            uninterrupted = h.extractOutputValues();
            uninterruptedAccuracy = accuracy(h);
        }
        OperatorSubtaskState snapshot;
        List<Forecast> restored;
        List<Accuracy> restoredAccuracy;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, before);
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
            restored = new ArrayList<>(h.extractOutputValues());
            restoredAccuracy = new ArrayList<>(accuracy(h));
        }
        try (var h = harness(o, backend.get())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, after);
            h.endInput();
            restored.addAll(h.extractOutputValues());
            restoredAccuracy.addAll(accuracy(h));
        }
        assertThat(restored).as(mode).hasSameSizeAs(uninterrupted);
        for (int i = 0; i < restored.size(); i++) {
            Forecast.Ahead u = uninterrupted.get(i).ahead();
            Forecast.Ahead r = restored.get(i).ahead();
            assertThat(r.values()).as("%s forecast %d", mode, i).containsExactly(u.values());
            assertThat(r.lower()[0]).as("%s forecast %d", mode, i).containsExactly(u.lower()[0]);
            assertThat(r.source()).isEqualTo(u.source());
        }
        // per key in order (batches may interleave the keys differently around the snapshot)
        for (String key : List.of("VAL", "BEL")) {
            assertThat(ofKey(restoredAccuracy, key))
                    .as("%s %s", mode, key)
                    .containsExactlyElementsOf(ofKey(uninterruptedAccuracy, key))
                    .hasSizeGreaterThan(10);
        }
        assertThat(uninterrupted.get(uninterrupted.size() - 1).ahead().source())
                .isEqualTo("online");
    }

    /** The key's records, each as its figures (without the wall-clock time). */
    static List<String> ofKey(List<Accuracy> records, String key) {
        return records.stream()
                .filter(a -> a.sensorId().equals(key))
                .map(
                        a ->
                                a.time()
                                        + " n="
                                        + a.scored()
                                        + " mae="
                                        + a.mae()
                                        + " base="
                                        + a.baselineMae()
                                        + " cov="
                                        + Arrays.toString(a.coverage()))
                .toList();
    }

    @Test
    void scoringStateStaysUnderOneKilobyteAtHorizonTenWithTwoLevels() throws Exception {
        var scoring =
                new ForecastSettings(10, new double[] {0.8, 0.95}, 5, 0.1, true, 100, 0)
                        .scoring(null);
        KeyScore s = scoring.newScore();
        float[] widths = new float[20];
        int most = 0;
        TypeSerializer<KeyScore> serializer =
                TypeInformation.of(KeyScore.class).createSerializer(new SerializerConfigImpl());
        for (int t = 0; t < 200; t++) {
            scoring.observe(s, t % 17);
            scoring.intervals(s, widths);
            scoring.issue(s, new float[10], 0, widths, t % 17);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            serializer.serialize(s, new DataOutputViewStreamWrapper(bytes));
            most = Math.max(most, bytes.size());
        }
        System.out.printf("scoring state per key at H=10, two levels: %d bytes%n", most);
        assertThat(most).isLessThanOrEqualTo(1024);
    }

    @Test
    void horizonStepsCarryTheirSlotTimesOnAGrid() throws Exception {
        ForecastOptions o = options("forecast.horizon", "3", "series.interval", "1 min");
        try (var h = harness(o)) {
            h.open();
            ModelInput w =
                    ModelInput.window("VAL", minute(1), minute(4), new double[] {1, 2, 3, 4})
                            .onGrid(minute(5), 0)
                            .numbered(4);
            feed(h, w);
            h.endInput();
            Forecast f = h.extractOutputValues().get(0);
            assertThat(f.ahead().times()).containsExactly(minute(5), minute(6), minute(7));
        }
    }
}
