package io.forecaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.testing.KafkaExtension;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.model.data.SeriesCsv;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Path DEPLOY = Path.of("").toAbsolutePath();
    private static final Path ROOT = DEPLOY.getParent();
    private static final Path WIND = ROOT.getParent().resolve("shared/data/wind-ireland/wind_daily_long.csv");
    private static final List<String> STATIONS = List.of("VAL", "BEL", "DUB");
    private static final Instant FIRST_DAY = Instant.parse("1961-01-01T00:00:00Z");
    private static final int WINDOW = 60;
    private static final int PHASE1 = 150;
    private static final int PHASE2 = 300;

    @TempDir static Path work;
    private static Path conf;
    private static String rest;

    @BeforeAll
    static void startCluster() throws Exception {
        conf = work.resolve("conf");
        Files.createDirectories(conf);
        for (String f : List.of("log4j.properties", "log4j-cli.properties")) {
            Files.copy(DEPLOY.resolve("conf").resolve(f), conf.resolve(f));
        }
        int restPort = freePort();
        String config =
                Files.readString(DEPLOY.resolve("conf/config.yaml"))
                        .replace("port: 8081", "port: " + restPort)
                        .replace("port: 6123", "port: " + freePort())
                        .replace("interval: 10s", "interval: 2s")
                        .replace("/tmp/forecaster-cluster", work.toString());
        Files.writeString(conf.resolve("config.yaml"), config);
        rest = "http://127.0.0.1:" + restPort;
        cluster(Duration.ofMinutes(3), "start");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (conf != null) {
            cluster(Duration.ofMinutes(1), "stop");
        }
    }

    @Test
    void forecastsContinueAcrossStopWithSavepointAndResume() throws Exception {
        String points = KAFKA.createTopic("points", 2);
        String forecasts = KAFKA.createTopic("forecasts", 2);
        String deadLetters = KAFKA.createTopic("dead-letters", 1);
        Map<String, double[]> series = SeriesCsv.readByKey(WIND, "value", "key");
        Path jar = ROOT.resolve("job/target/" + System.getProperty("job.jar"));
        assertThat(jar).exists();
        List<String> jobArgs =
                List.of(
                        "--model.path", ROOT.resolve("models/wind.zip").toString(),
                        "--kafka.bootstrap.servers", KAFKA.bootstrapServers(),
                        "--kafka.points.topic", points,
                        "--kafka.forecasts.topic", forecasts,
                        "--kafka.dead-letters.topic", deadLetters,
                        "--window.size", Integer.toString(WINDOW),
                        "--checkpoint.interval", "2s",
                        "--engine", "fast");

        produce(points, series, 0, PHASE1);
        List<String> submit = new ArrayList<>(List.of("submit", jar.toString()));
        submit.addAll(jobArgs);
        String jobId = match(cluster(Duration.ofMinutes(2), submit), "JobID ([0-9a-f]{32})");

        // Before the stop: every key has forecasts for a prefix of its windows.
        Map<String, List<Forecast>> before = awaitForecasts(forecasts, 3 * 60, Duration.ofMinutes(3));
        String savepoint =
                match(cluster(Duration.ofMinutes(2), "cancel", jobId), "Savepoint completed\\. Path: (\\S+)");
        LOG.info("stopped {} with savepoint {}", jobId, savepoint);

        produce(points, series, PHASE1, PHASE2);
        List<String> resume = new ArrayList<>(List.of("resume", savepoint, jar.toString()));
        resume.addAll(jobArgs);
        String resumedId = match(cluster(Duration.ofMinutes(2), resume), "JobID ([0-9a-f]{32})");
        int expectedAfter = STATIONS.size() * (PHASE2 - WINDOW + 1 - 2);
        Map<String, List<Forecast>> all =
                awaitForecasts(forecasts, expectedAfter, Duration.ofMinutes(3));
        cluster(Duration.ofMinutes(2), "cancel", resumedId);

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
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProperties())) {
            for (int i = from; i < to; i++) {
                for (String key : STATIONS) {
                    SensorPoint p = new SensorPoint(key, day(i), series.get(key)[i]);
                    producer.send(new ProducerRecord<>(topic, PointCodec.key(p), PointCodec.json(p)));
                }
            }
            producer.flush();
        }
    }

    /** Reads the forecasts topic (read_committed) until {@code atLeast} arrived; per key, in order. */
    private static Map<String, List<Forecast>> awaitForecasts(String topic, int atLeast, Duration timeout) {
        Map<String, List<Forecast>> byKey = new TreeMap<>();
        int count = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerProperties())) {
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

    private static String match(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertThat(m.find()).as("/" + regex + "/ in:\n" + output).isTrue();
        return m.group(1);
    }

    private static String cluster(Duration timeout, String... args) throws Exception {
        return cluster(timeout, List.of(args));
    }

    /** Runs deploy/cluster.sh with this test's config and work folder; fails on a non-zero exit. */
    private static String cluster(Duration timeout, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(DEPLOY.resolve("cluster.sh").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("FLINK_CONF_DIR", conf.toString());
        env.put("FORECASTER_CLUSTER_DIR", work.resolve("cluster").toString());
        env.put("REST", rest);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("cluster.sh " + args + " timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        LOG.info("cluster.sh {} ->\n{}", args.get(0), text);
        assertThat(p.exitValue()).as("cluster.sh " + args + " exit code; output:\n" + text).isZero();
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
