package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.onnx.OnnxFixtures;
import io.forecaster.onnx.OnnxGraphs;
import io.forecaster.testing.KafkaExtension;
import io.forecaster.training.data.SeriesCsv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model the fast engine cannot run, through the whole job: the sunspots GRU ({@code
 * tools/onnx/train_gru.py}, imported with {@code forecaster import}) served by the onnx engine on a
 * MiniCluster at parallelism 2 between real Kafka topics. Two series go in (the sunspots points the
 * model was validated and tested on, and its first 300 months as a second key); every window's
 * forecast comes out once, equal to the offline onnx predictor's within 1e-4 relative.
 */
class OnnxGruJobITCase {

    static final int PARALLELISM = 2;
    static final double TOLERANCE = 1e-4;
    static final Path SUNSPOTS =
            Path.of("..")
                    .toAbsolutePath()
                    .normalize()
                    .getParent()
                    .resolve("shared/data/sunspots/Sunspots.csv");
    static final long DAY = Duration.ofDays(1).toMillis();
    static final long FIRST = Instant.parse("1749-01-31T00:00:00Z").toEpochMilli();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @TempDir static Path dir;
    static Path model;
    static ModelBundle bundle;
    static int w;
    static Map<String, double[]> series;

    @BeforeAll
    static void load() {
        model = OnnxFixtures.copy("/onnx/sunspots-gru-onnx.zip", dir);
        bundle = OnnxFixtures.onnx("sunspots-gru");
        w = bundle.metadata().windowSize();
        double[] all = SeriesCsv.read(SUNSPOTS, "Monthly Mean Total Sunspot Number");
        series = new LinkedHashMap<>();
        series.put("sunspots-recent", Arrays.copyOfRange(all, 3000 - w, all.length));
        series.put("sunspots-early", Arrays.copyOfRange(all, 0, 300));
    }

    static ForecastOptions options(String engine, String points, String forecasts, String dead) {
        Map<String, String> m = new HashMap<>();
        m.put("mode", "window");
        m.put("model.path", model.toString());
        m.put("engine", engine);
        m.put("window.size", String.valueOf(w));
        m.put("inference.batch-size", "16");
        m.put("watermark.out-of-orderness", "1 d");
        m.put("watermark.idleness", "0 s");
        m.put("state.quiet-timeout", "3650 d");
        m.put("checkpoint.interval", "200 ms");
        m.put("kafka.bootstrap.servers", KAFKA.bootstrapServers());
        m.put("kafka.points.topic", points);
        m.put("kafka.forecasts.topic", forecasts);
        m.put("kafka.dead-letters.topic", dead);
        m.put("kafka.group.id", "job-" + points);
        m.put("kafka.points.bounded", "true");
        m.put("kafka.sink.transactional-id-prefix", "job-" + forecasts);
        m.put("kafka.sink.transaction-timeout", "2 min");
        return ForecastOptions.fromMap(m);
    }

    @Test
    void theOnnxEngineServesTheGruThroughTheWholeJob() throws Exception {
        String points = KAFKA.createTopic("gru-points", 2);
        String forecasts = KAFKA.createTopic("gru-forecasts", 2);
        String dead = KAFKA.createTopic("gru-dead-letters", 1);
        try (var producer = new KafkaProducer<byte[], byte[]>(KAFKA.producerProperties())) {
            // day by day across the series, in event-time order (a series sent after the other
            // would be late behind the watermark)
            int days = series.values().stream().mapToInt(v -> v.length).max().orElseThrow();
            for (int i = 0; i < days; i++) {
                for (Map.Entry<String, double[]> e : series.entrySet()) {
                    if (i < e.getValue().length) {
                        SensorPoint p =
                                new SensorPoint(e.getKey(), FIRST + i * DAY, e.getValue()[i]);
                        producer.send(
                                new ProducerRecord<>(
                                        points, PointCodec.key(p), PointCodec.json(p)));
                    }
                }
            }
            producer.flush();
        }
        Configuration conf = ForecastRunner.jobConfiguration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        ForecastOptions options = options(Engines.ONNX, points, forecasts, dead);
        ForecastRunner.checkModel(options);
        ForecastRunner.build(env, options);
        env.execute("gru-job");

        Map<String, float[]> expected = offline();
        Map<String, Forecast> got = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(forecasts, expected.size())) {
            Forecast f = ForecastCodec.fromJson(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(f.sensorId());
            assertThat(f.modelId()).isEqualTo("sunspots-gru");
            String id = f.sensorId() + "@" + f.windowEnd();
            assertThat(got.put(id, f)).as("forecast %s delivered twice", id).isNull();
        }
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(readCommitted(dead, 0)).as("dead letters").isEmpty();
        expected.forEach(
                (id, want) -> {
                    double[] p = got.get(id).predictions();
                    assertThat(p).hasSize(w);
                    for (int i = 0; i < w; i++) {
                        assertThat(Math.abs(p[i] - want[i]))
                                .as("%s step %d: job %s, offline onnx %s", id, i, p[i], want[i])
                                .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(want[i])));
                    }
                });
    }

    @Test
    void theFastEngineRefusesTheGruBeforeTheJobRuns() {
        ForecastOptions options = options(Engines.FAST, "p", "f", "d");
        // what the job's inference operator opens in open(): refused with the engine to use
        assertThatThrownBy(() -> Engines.open(options.engine(), ForecastRunner.checkModel(options)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sunspots-gru' is an ONNX bundle")
                .hasMessageContaining("fast engine cannot run")
                .hasMessageContaining("engine 'onnx'");
        assertThat(OnnxGraphs.ops(bundle.windowGraph())).contains("GRU").doesNotContain("LSTM");
    }

    /** The onnx predictor run offline over every window of every series: "key@windowEnd". */
    static Map<String, float[]> offline() {
        Map<String, float[]> out = new HashMap<>();
        try (Predictor p = Engines.open(Engines.ONNX, bundle)) {
            series.forEach(
                    (key, v) -> {
                        int n = v.length - w + 1;
                        float[][] windows = new float[n][w];
                        for (int s = 0; s < n; s++) {
                            for (int i = 0; i < w; i++) {
                                windows[s][i] = (float) v[s + i];
                            }
                        }
                        float[][] pred = p.predict(windows);
                        for (int s = 0; s < n; s++) {
                            out.put(key + "@" + (FIRST + (s + w - 1) * DAY), pred[s]);
                        }
                    });
        }
        return out;
    }

    /** Everything committed to {@code topic}, until {@code atLeast} arrived and 2 s pass quiet. */
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
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return out;
    }
}
