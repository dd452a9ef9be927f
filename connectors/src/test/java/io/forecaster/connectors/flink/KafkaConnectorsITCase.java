package io.forecaster.connectors.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tests for {@link KafkaConnectors} on a real broker and a Flink MiniCluster. */
class KafkaConnectorsITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static MiniCluster flink;

    @BeforeAll
    static void startFlink() throws Exception {
        Configuration c = new Configuration();
        c.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        c.set(RestOptions.ADDRESS, "127.0.0.1");
        flink =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(c)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(2)
                                .withRandomPorts()
                                .setCommonBindAddress("127.0.0.1")
                                .build());
        flink.start();
    }

    @AfterAll
    static void stopFlink() throws Exception {
        if (flink != null) {
            flink.closeAsync().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void pointSourceReadsCommittedPointsAndTurnsBadRecordsIntoDeadLetters() throws Exception {
        String topic = KAFKA.createTopic("points", 2);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KAFKA.producerProperties())) {
            for (int i = 0; i < 10; i++) {
                p.send(
                        record(
                                topic,
                                "VAL",
                                "{\"v\":1,\"time\":" + (i * 1000) + ",\"value\":" + i + "}"));
            }
            p.send(record(topic, "BEL", "{\"v\":1,\"time\":0,\"value\":NaN}"));
            p.send(record(topic, "", "{\"v\":1,\"time\":0,\"value\":1}"));
            p.flush();
        }
        // An aborted transaction: a read_committed source must never see it.
        Properties tx = KAFKA.producerProperties();
        tx.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aborted-" + topic);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(tx)) {
            p.initTransactions();
            p.beginTransaction();
            p.send(record(topic, "VAL", "{\"v\":1,\"time\":99000,\"value\":99}")).get();
            p.abortTransaction();
        }

        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(KafkaOptions.POINTS_TOPIC, topic);
        conf.set(KafkaOptions.GROUP_ID, "source-test-" + topic);
        conf.set(KafkaOptions.BOUNDED, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<ParsedPoint> out = new ArrayList<>();
        env.fromSource(
                        KafkaConnectors.pointSource(conf),
                        WatermarkStrategy.noWatermarks(),
                        "points")
                .executeAndCollect()
                .forEachRemaining(out::add);

        List<SensorPoint> points =
                out.stream()
                        .filter(ParsedPoint::isPoint)
                        .map(ParsedPoint::point)
                        .sorted(Comparator.comparingLong(SensorPoint::eventTime))
                        .toList();
        assertThat(points).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(points.get(i)).isEqualTo(new SensorPoint("VAL", i * 1000L, i));
        }
        assertThat(out.stream().filter(p -> !p.isPoint()).map(p -> p.deadLetter().reason()))
                .containsExactlyInAnyOrder(DeadLetterReasons.BAD_VALUE, DeadLetterReasons.BAD_KEY);
        assertThat(out.stream().filter(p -> !p.isPoint()).map(p -> p.deadLetter().sourceTopic()))
                .containsOnly(topic);
    }

    @Test
    void exactlyOnceForecastsAreInvisibleToReadCommittedUntilTheCheckpointCommits()
            throws Exception {
        String topic = KAFKA.createTopic("forecasts", 2);
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
        conf.set(KafkaOptions.FORECASTS_TOPIC, topic);
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "eos-test-" + topic);
        conf.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(2));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // No periodic checkpoint during the test: the test triggers the one that commits.
        env.enableCheckpointing(Duration.ofHours(1).toMillis());
        // An endless stream of forecasts, number i created at time i, 100 per second.
        DataGeneratorSource<Forecast> generator =
                new DataGeneratorSource<>(
                        KafkaConnectorsITCase::forecast,
                        1_000_000,
                        RateLimiterStrategy.perSecond(100),
                        TypeInformation.of(Forecast.class));
        env.fromSource(generator, WatermarkStrategy.noWatermarks(), "forecasts")
                .setParallelism(1) // one sequence 0, 1, 2, ...: the committed part is a prefix
                .rebalance()
                .sinkTo(KafkaConnectors.forecastSink(conf))
                .name("forecasts-sink");
        JobID job = flink.submitJob(env.getStreamGraph()).get(60, TimeUnit.SECONDS).getJobID();
        try {
            // The sink writes (a read_uncommitted reader sees the records) ...
            assertThat(readUntil(topic, "read_uncommitted", 50, Duration.ofSeconds(60)))
                    .hasSizeGreaterThanOrEqualTo(50);
            // ... but a read_committed reader sees nothing before a checkpoint completes.
            assertThat(readUntil(topic, "read_committed", 1, Duration.ofSeconds(3))).isEmpty();
            assertThat(flink.getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);

            flink.triggerCheckpoint(job).get(60, TimeUnit.SECONDS);
            assertThat(readUntil(topic, "read_committed", 50, Duration.ofSeconds(30)))
                    .hasSizeGreaterThanOrEqualTo(50);
            // Read again for a while: more than the checkpoint committed must not show up.
            List<ConsumerRecord<byte[], byte[]>> committed =
                    readUntil(topic, "read_committed", Integer.MAX_VALUE, Duration.ofSeconds(3));
            assertThat(committed).hasSizeGreaterThanOrEqualTo(50);
            List<Forecast> read =
                    committed.stream()
                            .map(r -> ForecastCodec.fromJson(r.value()))
                            .sorted(Comparator.comparingLong(Forecast::createdAt))
                            .toList();
            // Exactly once: the committed records are forecasts 0..n-1, each once, intact.
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i)).usingRecursiveComparison().isEqualTo(forecast(i));
            }
            for (ConsumerRecord<byte[], byte[]> r : committed) {
                assertThat(new String(r.key(), StandardCharsets.UTF_8))
                        .isEqualTo(ForecastCodec.fromJson(r.value()).sensorId());
            }
        } finally {
            flink.cancelJob(job).get(60, TimeUnit.SECONDS);
        }
    }

    private static Forecast forecast(long i) {
        return new Forecast(
                "S" + (i % 4),
                i * 10L,
                i * 10L + 9,
                10,
                new double[] {i, i + 0.5},
                i + 0.5,
                "model-x",
                "window",
                i);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(
                topic,
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads from the beginning until {@code n} records or the time is up. */
    private static List<ConsumerRecord<byte[], byte[]>> readUntil(
            String topic, String isolation, int n, Duration max) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var parts =
                    c.partitionsFor(topic).stream()
                            .map(
                                    i ->
                                            new org.apache.kafka.common.TopicPartition(
                                                    topic, i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + max.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
