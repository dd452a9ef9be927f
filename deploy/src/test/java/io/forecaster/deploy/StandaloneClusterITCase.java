package io.forecaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.testing.KafkaExtension;
import io.forecaster.training.data.SeriesCsv;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end on a real standalone Flink session cluster (JobManager and TaskManager as separate
 * processes started by {@code deploy/cluster.sh}) with a real Kafka broker: submit the job jar
 * through Flink's CLI, replay points, stop the job with a savepoint, replay more, resume from the
 * savepoint, and check that the forecasts continue with no gap and no duplicate.
 */
class StandaloneClusterITCase {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterITCase.class);

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Path ROOT = StandaloneCluster.ROOT;
    private static final Path WIND =
            ROOT.getParent().resolve("shared/data/wind-ireland/wind_daily_long.csv");
    private static final List<String> STATIONS = List.of("VAL", "BEL", "DUB");
    private static final Instant FIRST_DAY = Instant.parse("1961-01-01T00:00:00Z");
    private static final int WINDOW = 60;
    private static final int PHASE1 = 150;
    private static final int PHASE2 = 300;

    @TempDir static Path work;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = StandaloneCluster.start(work, 2, Map.of());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void forecastsContinueAcrossStopWithSavepointAndResume() throws Exception {
        String points = KAFKA.createTopic("points", 2);
        String forecasts = KAFKA.createTopic("forecasts", 2);
        String deadLetters = KAFKA.createTopic("dead-letters", 1);
        Map<String, double[]> series = SeriesCsv.readByKey(WIND, "value", "key");
        Path jar = StandaloneCluster.jobJar();
        List<String> jobArgs =
                List.of(
                        "--model.path",
                        ROOT.resolve("models/wind.zip").toString(),
                        "--kafka.bootstrap.servers",
                        KAFKA.bootstrapServers(),
                        "--kafka.points.topic",
                        points,
                        "--kafka.forecasts.topic",
                        forecasts,
                        "--kafka.dead-letters.topic",
                        deadLetters,
                        "--window.size",
                        Integer.toString(WINDOW),
                        "--checkpoint.interval",
                        "2s",
                        "--engine",
                        "fast");

        produce(points, series, 0, PHASE1);
        String jobId = cluster.submit(jar, jobArgs);

        // Before the stop: every key has forecasts for a prefix of its windows.
        Map<String, List<Forecast>> before =
                awaitForecasts(forecasts, 3 * 60, Duration.ofMinutes(3));
        String savepoint =
                StandaloneCluster.match(
                        cluster.run(Duration.ofMinutes(2), List.of("cancel", jobId)),
                        "Savepoint completed\\. Path: (\\S+)");
        LOG.info("stopped {} with savepoint {}", jobId, savepoint);

        produce(points, series, PHASE1, PHASE2);
        List<String> resume = new ArrayList<>(List.of("resume", savepoint, jar.toString()));
        resume.addAll(jobArgs);
        String resumedId =
                StandaloneCluster.match(
                        cluster.run(Duration.ofMinutes(2), resume), "JobID ([0-9a-f]{32})");
        int expectedAfter = STATIONS.size() * (PHASE2 - WINDOW + 1 - 2);
        Map<String, List<Forecast>> all =
                awaitForecasts(forecasts, expectedAfter, Duration.ofMinutes(3));
        cluster.run(Duration.ofMinutes(2), List.of("cancel", resumedId));

        for (String key : STATIONS) {
            List<Forecast> fs = all.get(key);
            assertThat(fs).as(key).isNotNull();
            // Window ends are the days WINDOW-1, WINDOW, ... in order: no gap, no duplicate.
            List<Long> ends = fs.stream().map(Forecast::windowEnd).toList();
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < ends.size(); i++) {
                expected.add(day(WINDOW - 1 + i));
            }
            assertThat(ends).as(key).isEqualTo(expected);
            // The run spans the savepoint: forecasts from both phases.
            assertThat(ends.get(ends.size() - 1)).as(key).isGreaterThan(day(PHASE1));
            assertThat(fs.size()).as(key).isGreaterThan(before.get(key).size());
        }
    }

    private static long day(int i) {
        return FIRST_DAY.plus(Duration.ofDays(i)).toEpochMilli();
    }

    private static void produce(String topic, Map<String, double[]> series, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KAFKA.producerProperties())) {
            for (int i = from; i < to; i++) {
                for (String key : STATIONS) {
                    SensorPoint p = new SensorPoint(key, day(i), series.get(key)[i]);
                    producer.send(
                            new ProducerRecord<>(topic, PointCodec.key(p), PointCodec.json(p)));
                }
            }
            producer.flush();
        }
    }

    /**
     * Reads the forecasts topic (read_committed) until {@code atLeast} arrived; per key, in order.
     */
    private static Map<String, List<Forecast>> awaitForecasts(
            String topic, int atLeast, Duration timeout) {
        Map<String, List<Forecast>> byKey = new TreeMap<>();
        int count = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(KAFKA.consumerProperties())) {
            consumer.subscribe(List.of(topic));
            while (count < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Forecast f = ForecastCodec.fromJson(r.value());
                    byKey.computeIfAbsent(f.sensorId(), k -> new ArrayList<>()).add(f);
                    count++;
                }
            }
        }
        LOG.info("read {} forecasts (wanted at least {})", count, atLeast);
        assertThat(count).as("forecasts read from " + topic).isGreaterThanOrEqualTo(atLeast);
        return byKey;
    }
}
