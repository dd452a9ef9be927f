package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.connectors.Forecast;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Tests for {@link BatchedInferenceOperator}. */
@SuppressWarnings("try") // the harness close() declares InterruptedException
class BatchedInferenceOperatorTest {

    static final String ENGINE = "fast";
    static final int W = 4;
    static final long BEGINNING = 1_000_000L;
    static final long MINUTE = 60_000L;
    static final float TOLERANCE = 1e-4f;

    static long minute(int n) {
        return BEGINNING + n * MINUTE;
    }

    static ForecastOptions options(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("model.path", TestModels.file().toString());
        m.put("engine", ENGINE);
        m.put("window.size", String.valueOf(W));
        m.put("inference.batch-size", "3");
        m.put("inference.max-delay", "1 h");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return ForecastOptions.fromMap(m);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ModelInput, Forecast> harness(
            ForecastOptions options) throws Exception {
        return harness(options, new HashMapStateBackend());
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ModelInput, Forecast> harness(
            ForecastOptions options, StateBackend backend) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new BatchedInferenceOperator(options.inferenceSettings()),
                        (ModelInput in) -> in.sensorId,
                        Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig())
                .setGenericTypes(false);
        h.setStateBackend(backend);
        return h;
    }

    static ModelInput window(String sensor, int lastMinute, double... values) {
        return ModelInput.window(sensor, minute(lastMinute - W + 1), minute(lastMinute), values);
    }

    static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, ModelInput, ?> h, ModelInput... inputs)
            throws Exception {
        for (ModelInput in : inputs) {
            h.processElement(in, in.time);
        }
    }

    /** The model run offline, one window at a time. */
    static float[] offline(double... window) {
        float[] in = new float[window.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) window[i];
        }
        try (Predictor p = Engines.open(ENGINE, TestModels.bundle())) {
            return p.predict(new float[][] {in})[0];
        }
    }

    static void assertPredictions(Forecast f, float[] expected) {
        assertThat(f.predictions()).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(f.predictions()[i])
                    .as("%s step %d", f.sensorId(), i)
                    .isCloseTo(
                            expected[i], within((double) TOLERANCE * (1 + Math.abs(expected[i]))));
        }
        assertThat(f.next()).isEqualTo(f.predictions()[expected.length - 1]);
    }

    @Test
    void batchesWindowsAcrossKeysUntilTheBatchIsFull() throws Exception {
        ModelInput a = window("VAL", 4, 1, 2, 3, 4);
        ModelInput b = window("BEL", 4, 10, 12, 9, 11);
        ModelInput c = window("KIL", 5, 2, 3, 4, 5);
        try (var h = harness(options())) {
            h.open();
            feed(h, a, b);
            assertThat(h.extractOutputValues()).isEmpty();
            feed(h, c);

            List<Forecast> out = h.extractOutputValues();
            assertThat(out).extracting(Forecast::sensorId).containsExactly("VAL", "BEL", "KIL");
            assertThat(out)
                    .extracting(Forecast::windowEnd)
                    .containsExactly(minute(4), minute(4), minute(5));
            assertThat(out)
                    .extracting(Forecast::windowStart)
                    .containsExactly(minute(1), minute(1), minute(2));
            assertThat(out)
                    .allSatisfy(
                            f -> {
                                assertThat(f.mode()).isEqualTo("window");
                                assertThat(f.modelId()).isEqualTo("random-seed-42");
                                assertThat(f.points()).isEqualTo(W);
                            });
            assertPredictions(out.get(0), offline(a.values));
            assertPredictions(out.get(1), offline(b.values));
            assertPredictions(out.get(2), offline(c.values));
            // Forecasts keep their window's event time.
            assertThat(h.extractOutputStreamRecords())
                    .extracting(r -> r.getTimestamp())
                    .containsExactly(minute(4), minute(4), minute(5));
        }
    }

    @Test
    void reportsForecastsBatchSizesLatencyAndKeysWithState() throws Exception {
        try (var h = harness(options("mode", "stateful"))) {
            h.open();
            feed(h, interleave(steps("VAL", 1, 1, 2, 3, 4, 5), steps("BEL", 1, 1, 2, 3, 4)));
            h.endInput();

            var op = (BatchedInferenceOperator) h.getOperator();
            assertThat(op.forecastsEmitted.getCount()).isEqualTo(3);
            // Two keys alternate, so each flush holds one step of each (the last one VAL alone).
            assertThat(op.batchSizes.getCount()).isEqualTo(5);
            assertThat(op.batchSizes.getStatistics().getMax()).isEqualTo(2);
            assertThat(op.latencyMicros.getCount()).isEqualTo(5);
            // one wait per batch, from its first entry to its evaluation
            assertThat(op.batchWaitMicros.getCount()).isEqualTo(5);
            assertThat(op.batchWaitMicros.getStatistics().getMin()).isGreaterThanOrEqualTo(0);
            assertThat(op.keysWithState.get()).isEqualTo(2L);

            feed(h, ModelInput.evict("VAL", minute(100)));
            assertThat(op.keysWithState.get()).isEqualTo(1L);
        }
    }

    @Test
    void flushesAPartialBatchAfterTheMaximumDelay() throws Exception {
        try (var h = harness(options("inference.max-delay", "50 ms"))) {
            h.open();
            h.setProcessingTime(1_000);
            feed(h, window("VAL", 4, 1, 2, 3, 4));
            h.setProcessingTime(1_049);
            assertThat(h.extractOutputValues()).isEmpty();

            h.setProcessingTime(1_050);
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void flushesBeforeTheCheckpointBarrier() throws Exception {
        try (var h = harness(options())) {
            h.open();
            feed(h, window("VAL", 4, 1, 2, 3, 4), window("BEL", 4, 5, 6, 7, 8));
            assertThat(h.extractOutputValues()).isEmpty();

            h.prepareSnapshotPreBarrier(1L);

            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void flushesBeforeForwardingAWatermark() throws Exception {
        try (var h = harness(options())) {
            h.open();
            feed(h, window("VAL", 4, 1, 2, 3, 4));
            h.processWatermark(minute(4));

            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(2);
            assertThat(out.get(1))
                    .isEqualTo(new org.apache.flink.streaming.api.watermark.Watermark(minute(4)));
        }
    }

    /** A key's stream stepped through the operator, one STEP per point, first one resetting. */
    static ModelInput[] steps(String sensor, int from, double... values) {
        ModelInput[] in = new ModelInput[values.length];
        for (int i = 0; i < values.length; i++) {
            in[i] = ModelInput.step(sensor, minute(from + i), values[i], i == 0);
        }
        return in;
    }

    static ModelInput[] interleave(ModelInput[] a, ModelInput[] b) {
        List<ModelInput> out = new ArrayList<>();
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            if (i < a.length) {
                out.add(a[i]);
            }
            if (i < b.length) {
                out.add(b[i]);
            }
        }
        return out.toArray(new ModelInput[0]);
    }

    @Test
    void statefulModeMatchesTheModelRunOverTheKeysWholeSeries() throws Exception {
        assertStatefulMatchesOffline(new HashMapStateBackend());
    }

    /** RocksDB hands out copies: state changed after {@code update} would be lost there. */
    @Test
    void statefulModeMatchesTheModelOnRocksDb() throws Exception {
        assertStatefulMatchesOffline(new EmbeddedRocksDBStateBackend());
    }

    static void assertStatefulMatchesOffline(StateBackend backend) throws Exception {
        double[] val = {3, 5, 4, 6, 8, 7, 9};
        double[] bel = {20, 18, 21, 19, 22, 23};
        try (var h = harness(options("mode", "stateful", "window.slide", "2"), backend)) {
            h.open();
            feed(h, interleave(steps("VAL", 1, val), steps("BEL", 1, bel)));
            h.endInput();

            List<Forecast> out = h.extractOutputValues();
            // W=4, S=2: forecasts after steps 4 and 6 of both keys.
            assertThat(out)
                    .extracting(f -> f.sensorId() + "@" + (f.windowEnd() - BEGINNING) / MINUTE)
                    .containsExactlyInAnyOrder("VAL@4", "BEL@4", "VAL@6", "BEL@6");
            float[] valSeq = offline(val);
            float[] belSeq = offline(bel);
            for (Forecast f : out) {
                int end = (int) ((f.windowEnd() - BEGINNING) / MINUTE);
                float[] series = f.sensorId().equals("VAL") ? valSeq : belSeq;
                assertPredictions(f, Arrays.copyOfRange(series, end - W, end));
                assertThat(f.windowStart()).isEqualTo(minute(end - W + 1));
                assertThat(f.mode()).isEqualTo("stateful");
            }
        }
    }

    @Test
    void aResetStepStartsTheKeyFromTheZeroState() throws Exception {
        double[] first = {3, 5, 4};
        double[] second = {30, 25, 28, 26};
        try (var h = harness(options("mode", "stateful"))) {
            h.open();
            feed(h, steps("VAL", 1, first));
            feed(h, steps("VAL", 10, second));
            h.endInput();

            List<Forecast> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).windowStart()).isEqualTo(minute(10));
            assertPredictions(out.get(0), offline(second));
        }
    }

    @Test
    void evictRemovesTheKeysModelState() throws Exception {
        try (var h = harness(options("mode", "stateful"))) {
            h.open();
            feed(h, steps("VAL", 1, 1, 2));
            feed(h, steps("BEL", 1, 1, 2));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);

            feed(h, ModelInput.evict("VAL", minute(100)), ModelInput.evict("BEL", minute(100)));

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void evictRemovesAWindowModeKeysScoringState() throws Exception {
        try (var h = harness(options())) {
            h.open();
            feed(h, window("VAL", 4, 1, 2, 3, 4), window("BEL", 4, 5, 6, 7, 8));
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);

            feed(h, ModelInput.evict("VAL", minute(100)));
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            feed(h, ModelInput.evict("BEL", minute(100)));
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void restoredFromASnapshotContinuesWithIdenticalOutput() throws Exception {
        assertRestoreContinuesIdentically(HashMapStateBackend::new);
    }

    @Test
    void restoredFromARocksDbSnapshotContinuesWithIdenticalOutput() throws Exception {
        assertRestoreContinuesIdentically(EmbeddedRocksDBStateBackend::new);
    }

    static void assertRestoreContinuesIdentically(Supplier<StateBackend> backend) throws Exception {
        ModelInput[] before = interleave(steps("VAL", 1, 3, 5, 4), steps("BEL", 1, 20, 18));
        ModelInput[] after = {
            ModelInput.step("VAL", minute(4), 6, false),
            ModelInput.step("BEL", minute(3), 21, false),
            ModelInput.step("VAL", minute(5), 8, false),
            ModelInput.step("BEL", minute(4), 19, false),
            ModelInput.step("BEL", minute(5), 22, false)
        };
        ForecastOptions o = options("mode", "stateful");

        List<Forecast> uninterrupted;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, before);
            feed(h, after);
            h.endInput();
            uninterrupted = h.extractOutputValues();
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, before);
            h.prepareSnapshotPreBarrier(1L);
            snapshot = h.snapshot(1L, 1L);
            assertThat(h.extractOutputValues()).isEmpty(); // nothing due yet, nothing buffered
        }
        List<Forecast> restored;
        try (var h = harness(o, backend.get())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, after);
            h.endInput();
            restored = h.extractOutputValues();
        }

        assertThat(uninterrupted).hasSize(4); // VAL@4, VAL@5, BEL@4, BEL@5
        assertThat(restored).hasSameSizeAs(uninterrupted);
        for (int i = 0; i < restored.size(); i++) {
            Forecast u = uninterrupted.get(i);
            Forecast r = restored.get(i);
            assertThat(r.sensorId()).isEqualTo(u.sensorId());
            assertThat(r.windowStart()).isEqualTo(u.windowStart());
            assertThat(r.windowEnd()).isEqualTo(u.windowEnd());
            assertThat(r.predictions()).containsExactly(u.predictions());
        }
    }
}
