package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.DeadLetterCodec;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a MiniCluster at parallelism 2 between real Kafka topics: every expected
 * forecast arrives exactly once (read_committed) in per-key order, also when a task fails
 * mid-stream and the job recovers from its last checkpoint.
 */
class ForecastJobKafkaITCase {

    static final int PARALLELISM = 2;
    static final int STATIONS = 4;
    static final int DAYS = 60;
    static final int W = 20;
    static final double TOLERANCE = 1e-4;

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    static Map<String, List<SensorPoint>> series;

    @BeforeAll
    static void loadData() {
        series = new LinkedHashMap<>();
        for (var e : WindData.series().entrySet()) {
            if (series.size() < STATIONS) {
                series.put(e.getKey(), e.getValue().subList(0, DAYS));
            }
        }
    }

    /** Writes the stations' points day by day, plus one unreadable record and one duplicate. */
    static String producePoints() throws Exception {
        String topic = KAFKA.createTopic("points", 2);
        try (var producer = new KafkaProducer<byte[], byte[]>(KAFKA.producerProperties())) {
            for (int d = 0; d < DAYS; d++) {
                for (List<SensorPoint> station : series.values()) {
                    SensorPoint p = station.get(d);
                    producer.send(
                            new ProducerRecord<>(topic, PointCodec.key(p), PointCodec.json(p)));
                    if (d == 10 && p.sensorId().equals(first())) {
                        SensorPoint dup = new SensorPoint(p.sensorId(), p.eventTime(), 999.0);
                        producer.send(
                                new ProducerRecord<>(
                                        topic, PointCodec.key(dup), PointCodec.json(dup)));
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        PointCodec.key(dup),
                                        "{\"v\":1,\"time\":0,\"value\":\"windy\"}"
                                                .getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
            producer.flush();
        }
        return topic;
    }

    static String first() {
        return series.keySet().iterator().next();
    }

    record Topics(String points, String forecasts, String deadLetters) {}

    static ForecastOptions options(Topics t, String engine, String mode) {
        Map<String, String> m = new HashMap<>();
        m.put("mode", mode);
        m.put("model.path", TestModels.file().toString());
        m.put("engine", engine);
        m.put("window.size", String.valueOf(W));
        m.put("inference.batch-size", "16");
        m.put("inference.max-delay", "20 ms");
        m.put("watermark.out-of-orderness", "1 d");
        m.put("watermark.idleness", "0 s");
        m.put("state.quiet-timeout", "30 d");
        m.put("checkpoint.interval", "200 ms");
        m.put("kafka.bootstrap.servers", KAFKA.bootstrapServers());
        m.put("kafka.points.topic", t.points());
        m.put("kafka.forecasts.topic", t.forecasts());
        m.put("kafka.dead-letters.topic", t.deadLetters());
        m.put("kafka.group.id", "job-" + t.points());
        m.put("kafka.points.bounded", "true");
        m.put("kafka.sink.transactional-id-prefix", "job-" + t.forecasts());
        m.put("kafka.sink.transaction-timeout", "2 min");
        return ForecastOptions.fromMap(m);
    }

    static StreamExecutionEnvironment env() {
        Configuration conf = ForecastRunner.jobConfiguration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        return env;
    }

    static Topics topics() throws Exception {
        return new Topics(
                producePoints(),
                KAFKA.createTopic("forecasts", 2),
                KAFKA.createTopic("dead-letters", 1));
    }

    /** Everything committed to {@code topic}, partition by partition in offset order. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(KAFKA.consumerProperties())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < deadline && System.nanoTime() < quietUntil) {
                int before = out.size();
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= atLeast && out.size() == before && quietUntil == Long.MAX_VALUE) {
                    // Enough arrived: keep reading a little longer so duplicates would show up.
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return out;
    }

    /**
     * The model run offline over every window of every station: "station@windowEnd" to predictions.
     */
    static Map<String, float[]> offline(String engine) {
        return WindData.offlineWindows(engine, series, W);
    }

    /** Stateful mode: each forecast carries the last W steps of the station's whole series. */
    static Map<String, float[]> offlineStateful(String engine) {
        Map<String, float[]> out = new HashMap<>();
        try (Predictor p = Engines.open(engine, TestModels.bundle())) {
            series.forEach(
                    (k, v) -> {
                        float[] perStep = p.predict(new float[][] {WindData.values(v)})[0];
                        for (int end = W; end <= v.size(); end++) {
                            out.put(
                                    k + "@" + v.get(end - 1).eventTime(),
                                    Arrays.copyOfRange(perStep, end - W, end));
                        }
                    });
        }
        return out;
    }

    static void assertExactlyTheExpectedForecasts(
            List<ConsumerRecord<byte[], byte[]>> records, Map<String, float[]> expected) {
        assertExactlyTheExpectedForecasts(records, expected, -1);
    }

    /** {@code absTolerance} < 0: the same-engine bound, relative to each value. */
    static void assertExactlyTheExpectedForecasts(
            List<ConsumerRecord<byte[], byte[]>> records,
            Map<String, float[]> expected,
            double absTolerance) {
        Map<String, Forecast> byKey = new HashMap<>();
        Map<String, Long> lastEnd = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Forecast f = ForecastCodec.read(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(f.sensorId());
            String key = f.sensorId() + "@" + f.windowEnd();
            assertThat(byKey.put(key, f)).as("forecast %s delivered twice", key).isNull();
            Long prev = lastEnd.put(f.sensorId(), f.windowEnd());
            assertThat(prev == null || prev < f.windowEnd())
                    .as("%s: forecast for %d after %d", f.sensorId(), f.windowEnd(), prev)
                    .isTrue();
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (key, want) -> {
                    double[] got = byKey.get(key).predictions();
                    assertThat(got).hasSize(W);
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
    }

    static void assertDeadLetters(Topics t) {
        List<DeadLetter> letters =
                readCommitted(t.deadLetters(), 2).stream()
                        .map(r -> DeadLetterCodec.fromJson(r.value()))
                        .toList();
        assertThat(letters)
                .extracting(DeadLetter::reason)
                .containsExactlyInAnyOrder(
                        DeadLetterReasons.BAD_VALUE, DeadLetterReasons.DUPLICATE);
        assertThat(letters).extracting(DeadLetter::key).containsOnly(first());
    }

    @Test
    void everyForecastExactlyOnceAcrossAFailureAndRecovery() throws Exception {
        Topics t = topics();
        FailOnce.reset(DAYS * STATIONS / 2);
        StreamExecutionEnvironment env = env();
        ForecastRunner.build(
                env,
                options(t, engine(), "window"),
                parsed -> parsed.map(new FailOnce()).name("fail-once").uid("fail-once"));
        env.execute("forecast-job-with-failure");

        assertThat(FailOnce.FAILURES.get()).as("injected failures").isEqualTo(1);
        assertThat(FailOnce.RESTORED.get()).as("restored from a checkpoint").isTrue();
        List<ConsumerRecord<byte[], byte[]>> records =
                readCommitted(t.forecasts(), STATIONS * (DAYS - W + 1));
        assertExactlyTheExpectedForecasts(records, offline(engine()));
        assertDeadLetters(t);
    }

    /**
     * Points released as they arrive ({@code ordering.release: arrival}) across a failure: the
     * stations' points come in order, so every window's forecast is the offline one, exactly once,
     * and the duplicate and the unreadable record are the only dead letters. The forecasts are
     * written as CBOR ({@code kafka.forecasts.format}).
     */
    @Test
    void releasedOnArrivalEveryForecastExactlyOnceAcrossAFailure() throws Exception {
        Topics t = topics();
        FailOnce.reset(DAYS * STATIONS / 3);
        Map<String, String> m = new HashMap<>(options(t, engine(), "window").explicitValues());
        m.put("ordering.release", "arrival");
        m.put("kafka.forecasts.format", "CBOR");
        StreamExecutionEnvironment env = env();
        ForecastRunner.build(
                env,
                ForecastOptions.fromMap(m),
                parsed -> parsed.map(new FailOnce()).name("fail-once").uid("fail-once"));
        env.execute("arrival-job-with-failure");

        assertThat(FailOnce.FAILURES.get()).as("injected failures").isEqualTo(1);
        assertThat(FailOnce.RESTORED.get()).as("restored from a checkpoint").isTrue();
        List<ConsumerRecord<byte[], byte[]>> forecasts =
                readCommitted(t.forecasts(), STATIONS * (DAYS - W + 1));
        assertThat(forecasts)
                .as("kafka.forecasts.format=CBOR")
                .allSatisfy(r -> assertThat(ForecastCodec.isCbor(r.value())).isTrue());
        assertExactlyTheExpectedForecasts(forecasts, offline(engine()));
        assertDeadLetters(t);
    }

    /**
     * The low-latency profile (at-least-once delivery, unaligned checkpoints, short timers) across
     * a failure: every window's forecast arrives, with the offline values; a window may arrive
     * twice (replayed after the restore), never with other values.
     */
    @Test
    void theLowLatencyProfileDeliversEveryForecastAtLeastOnceAcrossAFailure() throws Exception {
        Topics t = topics();
        FailOnce.reset(DAYS * STATIONS / 2);
        Map<String, String> m = new HashMap<>(options(t, engine(), "window").explicitValues());
        m.put("profile", "low-latency");
        m.remove("inference.max-delay");
        ForecastOptions options = ForecastOptions.fromMap(m);
        assertThat(options.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        StreamExecutionEnvironment env = env();
        ForecastRunner.build(
                env,
                options,
                parsed -> parsed.map(new FailOnce()).name("fail-once").uid("fail-once"));
        assertThat(env.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isTrue();
        env.execute("low-latency-job-with-failure");

        assertThat(FailOnce.FAILURES.get()).as("injected failures").isEqualTo(1);
        assertThat(FailOnce.RESTORED.get()).as("restored from a checkpoint").isTrue();
        Map<String, float[]> expected = offline(engine());
        List<ConsumerRecord<byte[], byte[]>> records =
                readCommitted(t.forecasts(), STATIONS * (DAYS - W + 1));
        Map<String, Forecast> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Forecast f = ForecastCodec.fromJson(r.value());
            String key = f.sensorId() + "@" + f.windowEnd();
            Forecast before = byKey.putIfAbsent(key, f);
            if (before != null) {
                assertThat(f.predictions()).as("%s again", key).isEqualTo(before.predictions());
            }
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach(
                (key, want) -> {
                    double[] got = byKey.get(key).predictions();
                    for (int i = 0; i < W; i++) {
                        assertThat(Math.abs(got[i] - want[i]))
                                .as("%s step %d", key, i)
                                .isLessThanOrEqualTo(TOLERANCE * (1 + Math.abs(want[i])));
                    }
                });
    }

    /**
     * Models from the models topic across a failure: v1 (default), v2 (default), a corrupt v3
     * (wrong sha256) and an incompatible v4 (other window size) are on the topic; every forecast
     * comes exactly once, per station in order, from v1 (or the model.path bundle, the same
     * weights) then v2, with that version's offline values; v3 and v4 are refused.
     */
    @Test
    void modelVersionsFromTheTopicExactlyOnceAcrossAFailure(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Topics t = topics();
        java.nio.file.Path v1 = TestModels.randomBundle(dir, "wind", 1, W);
        java.nio.file.Path v2 = TestModels.randomBundle(dir, "wind", 2, W);
        java.nio.file.Path other = TestModels.randomBundle(dir, "wind", 4, W + 1);
        String models = KAFKA.createTopic("models", 1);
        String events = KAFKA.createTopic("model-events", 1);
        try (var producer = new KafkaProducer<byte[], byte[]>(KAFKA.producerProperties())) {
            java.util.function.BiConsumer<Long, Object[]> publish =
                    (version, fileAndSha) ->
                            producer.send(
                                    new ProducerRecord<>(
                                            models,
                                            "wind".getBytes(StandardCharsets.UTF_8),
                                            io.forecaster.connectors.wire.ModelRecordCodec.toJson(
                                                    io.forecaster.connectors.ModelRecord.of(
                                                            "wind",
                                                            version,
                                                            ((java.nio.file.Path) fileAndSha[0])
                                                                    .toUri()
                                                                    .toString(),
                                                            (String) fileAndSha[1],
                                                            null,
                                                            null,
                                                            null,
                                                            0,
                                                            true,
                                                            0))));
            publish.accept(1L, new Object[] {v1, TestModels.sha256(v1)});
            publish.accept(2L, new Object[] {v2, TestModels.sha256(v2)});
            publish.accept(3L, new Object[] {v2, TestModels.sha256(v1)});
            publish.accept(4L, new Object[] {other, TestModels.sha256(other)});
            producer.flush();
        }
        Map<String, String> m = new HashMap<>(options(t, "fast", "window").explicitValues());
        m.put("model.path", v1.toString());
        m.put("kafka.models.topic", models);
        m.put("kafka.model-events.topic", events);
        FailOnce.reset(DAYS * STATIONS / 2);
        StreamExecutionEnvironment env = env();
        ForecastRunner.build(
                env,
                ForecastOptions.fromMap(m),
                parsed -> parsed.map(new FailOnce()).name("fail-once").uid("fail-once"));
        env.execute("forecast-job-with-model-versions");
        assertThat(FailOnce.FAILURES.get()).as("injected failures").isEqualTo(1);

        Map<String, float[]> byV1 = offlineOf(v1);
        Map<String, float[]> byV2 = offlineOf(v2);
        List<ConsumerRecord<byte[], byte[]>> records =
                readCommitted(t.forecasts(), STATIONS * (DAYS - W + 1));
        Map<String, Long> lastVersion = new HashMap<>();
        Map<String, float[]> expected = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Forecast f = ForecastCodec.fromJson(r.value());
            long version = f.modelVersion() == null ? 1 : f.modelVersion();
            assertThat(version).isIn(1L, 2L);
            Long before = lastVersion.put(f.sensorId(), version);
            assertThat(before == null || before <= version)
                    .as("%s: v%d after v%d", f.sensorId(), version, before)
                    .isTrue();
            String key = f.sensorId() + "@" + f.windowEnd();
            expected.put(key, (version == 1 ? byV1 : byV2).get(key));
        }
        assertThat(expected).hasSize(byV1.size());
        assertExactlyTheExpectedForecasts(records, expected);
        assertThat(lastVersion.values()).as("every station ends on v2").containsOnly(2L);

        List<io.forecaster.connectors.ModelEvent> refused =
                readCommitted(events, 2 * PARALLELISM).stream()
                        .map(r -> io.forecaster.connectors.wire.ModelEventCodec.fromJson(r.value()))
                        .filter(e -> e.event().equals("refused"))
                        .toList();
        assertThat(refused).extracting(e -> e.version()).contains(3L, 4L);
        assertThat(refused).allMatch(e -> e.servedVersion() == 2);
    }

    static Map<String, float[]> offlineOf(java.nio.file.Path bundle) throws Exception {
        Map<String, float[]> out = new HashMap<>();
        try (Predictor p = Engines.open("fast", io.forecaster.model.ModelBundle.load(bundle))) {
            series.forEach(
                    (k, v) -> {
                        for (int end = W; end <= v.size(); end++) {
                            float[] w = WindData.values(v.subList(end - W, end));
                            out.put(
                                    k + "@" + v.get(end - 1).eventTime(),
                                    p.predict(new float[][] {w})[0]);
                        }
                    });
        }
        return out;
    }

    static String engine() {
        return "fast";
    }

    @Test
    void theDl4jEngineGivesTheSameStatefulForecastsAsTheFastOne() throws Exception {
        Topics t = topics();
        FailOnce.reset(Long.MAX_VALUE);
        StreamExecutionEnvironment env = env();
        ForecastRunner.build(env, options(t, "dl4j", "stateful"));
        env.execute("forecast-job-dl4j");

        List<ConsumerRecord<byte[], byte[]>> records =
                readCommitted(t.forecasts(), STATIONS * (DAYS - W + 1));
        assertExactlyTheExpectedForecasts(records, offlineStateful("fast"), 1e-3);
        assertThat(records)
                .allSatisfy(
                        r ->
                                assertThat(ForecastCodec.fromJson(r.value()).mode())
                                        .isEqualTo("stateful"));
        assertDeadLetters(t);
    }

    /**
     * Slows the stream down, more until the first checkpoint completes (so one completes while the
     * stream flows, however loaded the machine), and throws once: at the first record after {@code
     * after} records once a checkpoint has completed.
     */
    static final class FailOnce
            implements MapFunction<ParsedPoint, ParsedPoint>,
                    CheckpointListener,
                    CheckpointedFunction {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger FAILURES = new AtomicInteger();
        static final AtomicBoolean RESTORED = new AtomicBoolean();
        static final AtomicLong SEEN = new AtomicLong();
        static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        static volatile long after;

        static void reset(long afterRecords) {
            FAILURES.set(0);
            RESTORED.set(false);
            SEEN.set(0);
            CHECKPOINTED.set(false);
            after = afterRecords;
        }

        @Override
        public ParsedPoint map(ParsedPoint p) throws Exception {
            // slow until a checkpoint completes, slower still once past the failure point, so
            // that a checkpoint lands before the stream ends even when checkpoints take seconds
            // (a loaded machine): without one the failure is never injected
            Thread.sleep(CHECKPOINTED.get() ? 5 : SEEN.get() >= after ? 100 : 20);
            if (SEEN.incrementAndGet() > after
                    && CHECKPOINTED.get()
                    && FAILURES.compareAndSet(0, 1)) {
                throw new IllegalStateException("injected failure after " + after + " records");
            }
            return p;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            if (context.isRestored()) {
                RESTORED.set(true);
            }
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {}
    }
}
