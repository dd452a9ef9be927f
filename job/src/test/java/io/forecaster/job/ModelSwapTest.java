package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.ModelRecord;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link BatchedInferenceOperator} with models from the models topic: hot swap at a batch
 * boundary, refusals, routing, stateful warm-up and restore.
 */
@SuppressWarnings("try") // the harness close() declares InterruptedException
class ModelSwapTest {

    static final int W = 4;
    static final long BEGINNING = 1_000_000L;
    static final long MINUTE = 60_000L;

    @TempDir static Path dir;
    static Path v1;
    static Path v2;
    static Path v3;
    static Path otherWindow;

    @BeforeAll
    static void bundles() {
        v1 = TestModels.randomBundle(dir, "wind", 1, W);
        v2 = TestModels.randomBundle(dir, "wind", 2, W);
        v3 = TestModels.randomBundle(dir, "wind", 3, W);
        otherWindow = TestModels.randomBundle(dir, "wind", 4, W + 1);
    }

    static long minute(int n) {
        return BEGINNING + n * MINUTE;
    }

    static ForecastOptions options(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.models.topic", "models");
        m.put("window.size", String.valueOf(W));
        m.put("inference.batch-size", "3");
        m.put("inference.max-delay", "1 h");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return ForecastOptions.fromMap(m);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelRecord, Forecast>
            harness(ForecastOptions options) throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new BatchedInferenceOperator(options.inferenceSettings()),
                        (ModelInput in) -> in.sensorId,
                        null,
                        Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig())
                .setGenericTypes(false);
        h.setStateBackend(new HashMapStateBackend());
        return h;
    }

    static ModelRecord version(String name, long version, Path bundle, String... defaultOrRoutes) {
        return record(name, version, bundle, TestModels.sha256(bundle), defaultOrRoutes);
    }

    /** A version record: no routes means the default model; else "key:X", "prefix:X", "regex:X". */
    static ModelRecord record(
            String name, long version, Path bundle, String sha256, String... routes) {
        List<String> keys = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String regex = null;
        for (String r : routes) {
            if (r.startsWith("key:")) {
                keys.add(r.substring(4));
            } else if (r.startsWith("prefix:")) {
                prefixes.add(r.substring(7));
            } else {
                regex = r.substring(6);
            }
        }
        return ModelRecord.of(
                name,
                version,
                bundle.toUri().toString(),
                sha256,
                keys.toArray(String[]::new),
                prefixes.toArray(String[]::new),
                regex,
                routes.length == 0 ? 0 : 10,
                routes.length == 0,
                0);
    }

    static ModelInput window(String sensor, int lastMinute, double... values) {
        return ModelInput.window(sensor, minute(lastMinute - W + 1), minute(lastMinute), values);
    }

    static void feed(
            KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelRecord, Forecast> h,
            ModelInput... inputs)
            throws Exception {
        for (ModelInput in : inputs) {
            h.processElement1(in, in.time);
        }
    }

    static float[] offline(Path bundle, double... window) throws IOException {
        float[] in = new float[window.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) window[i];
        }
        try (Predictor p = Engines.open("fast", ModelBundle.load(bundle))) {
            return p.predict(new float[][] {in})[0];
        }
    }

    static void assertMadeBy(Forecast f, String name, long version, float[] expected) {
        assertThat(f.modelName()).as("%s model", f.sensorId()).isEqualTo(name);
        assertThat(f.modelVersion()).as("%s version", f.sensorId()).isEqualTo(version);
        int from = expected.length - f.predictions().length;
        for (int i = 0; i < f.predictions().length; i++) {
            assertThat(f.predictions()[i])
                    .as("%s step %d", f.sensorId(), i)
                    .isCloseTo(
                            expected[from + i], within(1e-4 * (1 + Math.abs(expected[from + i]))));
        }
    }

    /** Each key's last forecast. */
    static Map<String, Forecast> byKey(List<Forecast> forecasts) {
        Map<String, Forecast> m = new HashMap<>();
        forecasts.forEach(f -> m.put(f.sensorId(), f));
        return m;
    }

    static List<ModelEvent> events(
            KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelRecord, Forecast> h) {
        List<ModelEvent> out = new ArrayList<>();
        var q = h.getSideOutput(BatchedInferenceOperator.MODEL_EVENTS);
        if (q != null) {
            for (StreamRecord<ModelEvent> r : q) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    static final double[] A = {1, 2, 3, 4};
    static final double[] B = {10, 12, 9, 11};
    static final double[] C = {2, 3, 4, 5};

    @Test
    void swapsAtABatchBoundaryAndEveryForecastSaysWhichVersionMadeIt() throws Exception {
        try (var h = harness(options())) {
            h.open();
            h.processElement2(new StreamRecord<>(version("wind", 1, v1)));
            feed(h, window("VAL", 4, A), window("BEL", 4, B)); // batched, not yet evaluated
            h.processElement2(new StreamRecord<>(version("wind", 2, v2)));
            feed(h, window("VAL", 5, C));
            h.processElement1(new StreamRecord<>(window("BEL", 5, A)));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(0));

            List<Forecast> out = h.extractOutputValues();
            assertThat(out).hasSize(4);
            assertMadeBy(out.get(0), "wind", 1, offline(v1, A));
            assertMadeBy(out.get(1), "wind", 1, offline(v1, B));
            assertMadeBy(out.get(2), "wind", 2, offline(v2, C));
            assertMadeBy(out.get(3), "wind", 2, offline(v2, A));
            assertThat(events(h))
                    .extracting(ModelEvent::event, ModelEvent::version)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(ModelEvent.SERVING, 1L),
                            org.assertj.core.groups.Tuple.tuple(ModelEvent.SERVING, 2L));
            var op = (BatchedInferenceOperator) h.getOperator();
            assertThat(op.modelMetrics("wind").version).isEqualTo(2);
            assertThat(op.modelMetrics("wind").swaps.getCount()).isEqualTo(1);
            assertThat(op.modelMetrics("wind").keys.get()).isEqualTo(2);
        }
    }

    @Test
    void refusesABadVersionWithAReasonAndTheServedVersionServesOn() throws Exception {
        Path missing = dir.resolve("missing.zip");
        Path notABundle = Files.writeString(dir.resolve("not-a-bundle.zip"), "hello");
        try (var h = harness(options())) {
            h.open();
            h.processElement2(new StreamRecord<>(version("wind", 1, v1)));
            h.processElement2(
                    new StreamRecord<>(record("wind", 2, v2, TestModels.sha256(v3)))); // corrupt
            h.processElement2(new StreamRecord<>(version("wind", 3, otherWindow)));
            h.processElement2(new StreamRecord<>(version("wind", 4, notABundle)));
            h.processElement2(new StreamRecord<>(record("wind", 5, missing, "0".repeat(64))));
            h.processElement2(new StreamRecord<>(ModelRecord.unreadable("wind", "not JSON")));
            h.processElement2(new StreamRecord<>(version("wind", 2, v2)));
            h.processElement2(new StreamRecord<>(version("wind", 1, v3))); // older
            feed(h, window("VAL", 4, A));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(0));

            List<ModelEvent> events = events(h);
            assertThat(events)
                    .extracting(ModelEvent::event)
                    .containsExactly(
                            "serving", "refused", "refused", "refused", "refused", "refused",
                            "serving", "refused");
            assertThat(events.get(1).reason()).contains("sha256").contains(TestModels.sha256(v3));
            assertThat(events.get(1).servedVersion()).isEqualTo(1);
            assertThat(events.get(2).reason())
                    .contains("windows of " + (W + 1))
                    .contains("window.size is " + W);
            assertThat(events.get(3).reason()).contains("not a model bundle");
            assertThat(events.get(4).reason()).contains("cannot read bundle");
            assertThat(events.get(5).reason()).contains("not JSON");
            assertThat(events.get(7).reason()).contains("not newer than the served version 2");
            assertMadeBy(h.extractOutputValues().get(0), "wind", 2, offline(v2, A));
            var op = (BatchedInferenceOperator) h.getOperator();
            assertThat(op.modelMetrics("wind").refusals.getCount()).isEqualTo(6);
        }
    }

    @Test
    void aKeyNoModelServesMakesNoForecastAndIsCounted() throws Exception {
        Path notZip = Files.writeString(dir.resolve("text.zip"), "not a zip");
        try (var h = harness(options())) {
            h.open();
            h.processElement2(new StreamRecord<>(version("wind", 1, notZip)));
            assertThat(events(h).get(0).reason()).contains("not a model bundle");
            feed(h, window("VAL", 4, A));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(0));
            assertThat(h.extractOutputValues()).isEmpty(); // no model serves VAL
            var op = (BatchedInferenceOperator) h.getOperator();
            assertThat(op.unroutedInputs.getCount()).isEqualTo(1);
        }
    }

    @Test
    void routesEachKeyToTheFirstMatchingModelByPriorityThenTheDefault() throws Exception {
        try (var h = harness(options())) {
            h.open();
            h.processElement2(new StreamRecord<>(version("general", 1, v1)));
            h.processElement2(new StreamRecord<>(version("coast", 1, v2, "prefix:C-")));
            h.processElement2(
                    new StreamRecord<>(version("inland", 1, v3, "regex:[A-Z]{3}-[0-9]+")));
            feed(h, window("C-1", 4, A), window("KIL-7", 4, B), window("VAL", 4, C));
            feed(h, window("C-12", 5, B));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(0));
            List<Forecast> out = h.extractOutputValues();
            Map<String, Forecast> byKey = byKey(out);
            assertMadeBy(byKey.get("C-1"), "coast", 1, offline(v2, A));
            assertMadeBy(byKey.get("C-12"), "coast", 1, offline(v2, B));
            assertMadeBy(byKey.get("KIL-7"), "inland", 1, offline(v3, B));
            assertMadeBy(byKey.get("VAL"), "general", 1, offline(v1, C));

            // retiring a name sends its keys to the next match: here the default
            h.processElement2(new StreamRecord<>(ModelRecord.retired("coast")));
            feed(h, window("C-1", 6, C));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(1));
            Forecast last = h.extractOutputValues().get(out.size());
            assertMadeBy(last, "general", 1, offline(v1, C));
            assertThat(events(h)).extracting(ModelEvent::event).endsWith(ModelEvent.RETIRED);
        }
    }

    @Test
    void perModelMetricsCountTheKeysRoutedToEachNameAndTheLastLoadTime() throws Exception {
        try (var h = harness(options())) {
            h.open();
            var op = (BatchedInferenceOperator) h.getOperator();
            h.processElement2(new StreamRecord<>(version("general", 1, v1)));
            h.processElement2(new StreamRecord<>(version("coast", 1, v2, "prefix:C-")));
            Map<String, ModelEvent> serving = new HashMap<>();
            events(h).forEach(e -> serving.put(e.model() + " v" + e.version(), e));
            // loadMillis: the last load of each name, as its serving event says
            assertThat(op.modelMetrics("general").loadMillis)
                    .isEqualTo(serving.get("general v1").loadMillis())
                    .isNotNegative();
            assertThat(op.modelMetrics("coast").loadMillis)
                    .isEqualTo(serving.get("coast v1").loadMillis())
                    .isNotNegative();
            assertThat(op.modelMetrics("coast").keys.get()).as("no key seen yet").isZero();

            // counted when a key's input is evaluated (here: a full batch of 3)
            feed(h, window("C-1", 4, A), window("C-12", 4, B), window("VAL", 4, C));
            assertThat(op.modelMetrics("coast").keys.get()).isEqualTo(2);
            assertThat(op.modelMetrics("general").keys.get()).isEqualTo(1);
            feed(h, window("C-1", 5, B), window("VAL", 5, A)); // the same keys again
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(-2));
            assertThat(op.modelMetrics("coast").keys.get()).isEqualTo(2);
            assertThat(op.modelMetrics("general").keys.get()).isEqualTo(1);

            // a new version of coast: its keys stay counted once, its load time is the new one
            h.processElement2(new StreamRecord<>(version("coast", 2, v3, "prefix:C-")));
            ModelEvent v2Event = events(h).get(events(h).size() - 1);
            assertThat(v2Event.version()).isEqualTo(2);
            assertThat(op.modelMetrics("coast").loadMillis).isEqualTo(v2Event.loadMillis());
            feed(h, window("C-1", 6, C));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(-1));
            assertThat(op.modelMetrics("coast").keys.get()).isEqualTo(2);
            // a refused version loads nothing: the served version's load time stays
            h.processElement2(
                    new StreamRecord<>(record("coast", 3, v1, TestModels.sha256(v2), "prefix:C-")));
            assertThat(op.modelMetrics("coast").loadMillis).isEqualTo(v2Event.loadMillis());
            assertThat(op.modelMetrics("coast").version).isEqualTo(2);

            // a key whose state is removed is no longer served
            h.processElement1(new StreamRecord<>(ModelInput.evict("C-12", minute(100))));
            assertThat(op.modelMetrics("coast").keys.get()).isEqualTo(1);

            // retiring coast: its key moves to the default model when its next input is evaluated
            h.processElement2(new StreamRecord<>(ModelRecord.retired("coast")));
            assertThat(op.modelMetrics("coast").version).isZero();
            feed(h, window("C-1", 7, A));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(0));
            assertThat(op.modelMetrics("coast").keys.get()).isZero();
            assertThat(op.modelMetrics("general").keys.get()).isEqualTo(2);
            assertThat(byKey(h.extractOutputValues()).get("C-1").modelName()).isEqualTo("general");
        }
    }

    @Test
    void anEvictedKeyLeavesKeysServedAlsoWhenItsAccuracyIsReportedOnEviction() throws Exception {
        try (var h = harness(options("kafka.accuracy.topic", "accuracy"))) {
            h.open();
            var op = (BatchedInferenceOperator) h.getOperator();
            h.processElement2(new StreamRecord<>(version("coast", 1, v2, "prefix:C-")));
            feed(h, window("C-1", 4, A).numbered(4), window("C-1", 5, 2, 3, 4, 9).numbered(5));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(0));
            assertThat(op.modelMetrics("coast").keys.get()).isEqualTo(1);

            h.processElement1(new StreamRecord<>(ModelInput.evict("C-1", minute(100))));
            assertThat(h.getSideOutput(BatchedInferenceOperator.ACCURACY))
                    .as("the key's accuracy, reported on eviction")
                    .hasSize(1);
            assertThat(op.modelMetrics("coast").keys.get()).isZero();
        }
    }

    @Test
    void keysWithoutARouteGoToTheModelPathBundle() throws Exception {
        try (var h = harness(options("model.path", v1.toString()))) {
            h.open();
            h.processElement2(new StreamRecord<>(version("coast", 1, v2, "key:C-1")));
            feed(h, window("C-1", 4, A), window("VAL", 4, B));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(0));
            Map<String, Forecast> out = byKey(h.extractOutputValues());
            assertMadeBy(out.get("C-1"), "coast", 1, offline(v2, A));
            assertThat(out.get("VAL").modelName()).isNull();
            assertThat(out.get("VAL").modelVersion()).isNull();
            assertThat(out.get("VAL").modelId()).isEqualTo("wind");
        }
    }

    /** Steps key VAL through {@code values} from {@code from} (the first from the zero state). */
    static void steps(
            KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelRecord, Forecast> h,
            int from,
            double... values)
            throws Exception {
        for (int i = 0; i < values.length; i++) {
            ModelInput in = ModelInput.step("VAL", minute(from + i), values[i], from + i == 0);
            h.processElement1(in, in.time);
            h.processBothWatermarks(
                    new org.apache.flink.streaming.api.watermark.Watermark(from + i));
        }
    }

    @Test
    void statefulKeyIsWarmedUpOnTheNewModelFromItsLastWPoints() throws Exception {
        try (var h = harness(options("mode", "stateful"))) {
            h.open();
            h.processElement2(new StreamRecord<>(version("wind", 1, v1)));
            steps(h, 0, 5, 7, 6, 9, 8, 10); // 6 points on v1
            h.processElement2(new StreamRecord<>(version("wind", 2, v2)));
            steps(h, 6, 12, 11);

            List<Forecast> out = h.extractOutputValues();
            assertThat(out).hasSize(5); // from the W-th point on
            // before the swap: v1 over the whole series
            assertMadeBy(out.get(2), "wind", 1, offline(v1, 5, 7, 6, 9, 8, 10));
            // after it: v2 from the zero state over the last W points before the swap, then on
            assertMadeBy(out.get(3), "wind", 2, offline(v2, 6, 9, 8, 10, 12));
            assertMadeBy(out.get(4), "wind", 2, offline(v2, 6, 9, 8, 10, 12, 11));
        }
    }

    @Test
    void aRestoredSubtaskServesTheSameVersionsAndAppliesRecordsPublishedSince() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(options())) {
            h.open();
            h.processElement2(new StreamRecord<>(version("general", 1, v1)));
            h.processElement2(new StreamRecord<>(version("coast", 1, v1, "prefix:C-")));
            h.processElement2(new StreamRecord<>(version("coast", 2, v2, "prefix:C-")));
            h.processElement2(
                    new StreamRecord<>(record("coast", 3, v3, TestModels.sha256(v1), "prefix:C-")));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(options())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, window("C-1", 4, A), window("VAL", 4, B));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(0));
            Map<String, Forecast> out = byKey(h.extractOutputValues());
            assertMadeBy(out.get("C-1"), "coast", 2, offline(v2, A));
            assertMadeBy(out.get("VAL"), "general", 1, offline(v1, B));

            // published while the job was down: read after the restore, applied at once
            h.processElement2(new StreamRecord<>(version("coast", 3, v3, "prefix:C-")));
            feed(h, window("C-1", 5, C));
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(1));
            assertMadeBy(h.extractOutputValues().get(2), "coast", 3, offline(v3, C));
        }
    }
}
