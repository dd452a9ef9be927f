package io.forecaster.cli.bench;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.wire.ForecastCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the forecasts topic as a downstream user would ({@code read_committed}) and measures, for
 * each forecast of a sampled key, the time from its window's last point being appended to Kafka to
 * the forecast being returned by {@code poll}.
 */
final class ForecastReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastReader.class);

    private final String bootstrap;
    private final String topic;
    private final PointProducer.Paced points;
    private final LatencySeries series = new LatencySeries();
    private final AtomicLong forecasts = new AtomicLong();
    private volatile boolean stop;
    private volatile Exception failure;
    private volatile long watchedVersion;
    private final Map<String, Long> firstOfVersion = new ConcurrentHashMap<>();
    private final Map<Long, AtomicLong> perVersion = new ConcurrentHashMap<>();

    ForecastReader(String bootstrap, String topic, PointProducer.Paced points) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.points = points;
    }

    /** From now on, remembers when the first forecast of each model's {@code version} is read. */
    void watchVersion(long version) {
        watchedVersion = version;
    }

    /** Model name to the wall-clock time its first forecast of the watched version was read. */
    Map<String, Long> firstOfWatchedVersion() {
        return Map.copyOf(firstOfVersion);
    }

    /** Forecasts read per model version (0: made by {@code model.path}, no version). */
    Map<Long, Long> forecastsPerVersion() {
        Map<Long, Long> out = new java.util.TreeMap<>();
        perVersion.forEach((v, n) -> out.put(v, n.get()));
        return out;
    }

    void stop() {
        stop = true;
    }

    long forecasts() {
        return forecasts.get();
    }

    /**
     * Every sampled forecast read so far, by the append time of its window's last point: append to
     * read, append to made (the forecast's createdAt) and made to visible to the read_committed
     * reader.
     */
    LatencySeries series() {
        return series;
    }

    Exception failure() {
        return failure;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (!stop) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    forecasts.incrementAndGet();
                    Forecast f = ForecastCodec.read(r.value());
                    long version = f.modelVersion() == null ? 0 : f.modelVersion();
                    perVersion.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
                    long watched = watchedVersion;
                    if (watched != 0 && version == watched) {
                        firstOfVersion.putIfAbsent(f.modelName(), now);
                    }
                    long appended =
                            points.appendTime(
                                    SyntheticPoints.keyIndex(f.sensorId()), f.windowEnd());
                    if (appended >= 0) {
                        // The forecast's createdAt splits it: append to inference done (source,
                        // watermark, ordering, batching, inference), then sink to visible.
                        series.add(
                                appended,
                                now - appended,
                                f.createdAt() - appended,
                                now - f.createdAt());
                    }
                }
            }
        } catch (Exception e) {
            failure = e;
            LOG.error("reading forecasts from {} failed", topic, e);
        }
    }

    private Properties props() {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "e2e-bench-reader-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "e2e-bench-reader");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.setProperty(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        return p;
    }
}
