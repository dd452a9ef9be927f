package io.forecaster.cli.kafka;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.wire.AccuracyCodec;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.PointParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the forecasts topic ({@code read_committed}, no consumer group: nothing is committed) and,
 * for the client-side accuracy view, the points topic from its beginning, or else the job's
 * accuracy topic from its beginning, handing each record to a {@link Listener} until a stop
 * condition holds.
 */
public final class Tailer {

    /** Receives what the tail reads. */
    public interface Listener {
        /** A forecast (already filtered by key); raw is its JSON value. */
        void forecast(Forecast f, byte[] raw, long recordTimestamp);

        /** A point of the points topic (accuracy view only). */
        default void point(ParsedPoint p) {}

        /** A record of the job's accuracy topic (already filtered by key). */
        default void accuracy(Accuracy a) {}

        /** A forecast value that could not be read. */
        default void unreadable(ConsumerRecord<byte[], byte[]> r, String problem) {}

        /** Called after each poll, e.g. to refresh a summary. */
        default void polled() {}
    }

    /**
     * @param bootstrap bootstrap servers
     * @param topic forecasts topic, or the job's accuracy topic when {@code accuracyTopic}
     * @param keys keys to show; empty for all
     * @param fromBeginning true: from the beginning, false: from now
     * @param max stop after this many forecasts (0 = no limit); see {@code countsForMax}
     * @param untilMs stop at this wall-clock time, or at the first forecast with a later record
     *     timestamp (epoch ms; {@code Long.MAX_VALUE} = no limit)
     * @param idle stop when nothing arrived for this long (null = never)
     * @param pointsTopic the points topic for the accuracy view, or null
     * @param pointParser reads the points topic
     * @param accuracyTopic true: {@code topic} is the job's accuracy topic, read from its beginning
     *     whatever {@code fromBeginning} says (each record holds its key's running figures so far)
     */
    public record Options(
            String bootstrap,
            String topic,
            Set<String> keys,
            boolean fromBeginning,
            long max,
            long untilMs,
            Duration idle,
            String pointsTopic,
            PointParser pointParser,
            boolean accuracyTopic) {
        public Options {
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(topic, "topic");
            keys = Set.copyOf(keys);
            if (max < 0) {
                throw new IllegalArgumentException("max must be >= 0, got " + max);
            }
        }
    }

    private final AtomicBoolean stop = new AtomicBoolean();

    /** Asks a running tail to stop. */
    public void stop() {
        stop.set(true);
    }

    /**
     * Runs until a stop condition holds.
     *
     * @param counted how many forecasts count towards {@code max} so far (e.g. shown or scored)
     * @return why it stopped: "max", "until", "idle" or "stopped"
     */
    public String run(Options o, Listener listener, java.util.function.LongSupplier counted) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(o.bootstrap())) {
            List<TopicPartition> topicParts = partitions(c, o.topic());
            List<TopicPartition> all = new ArrayList<>(topicParts);
            List<TopicPartition> pointParts = List.of();
            if (o.pointsTopic() != null) {
                pointParts = partitions(c, o.pointsTopic());
                all.addAll(pointParts);
            }
            c.assign(all);
            if (o.fromBeginning() || o.accuracyTopic()) {
                c.seekToBeginning(topicParts);
            } else {
                c.seekToEnd(topicParts);
                topicParts.forEach(c::position); // fix "now" before anything new arrives
            }
            if (!pointParts.isEmpty()) { // an empty list would mean every assigned partition
                c.seekToBeginning(pointParts);
            }
            all.forEach(c::position); // look the start offsets up before the idle clock starts
            long lastRecord = System.nanoTime();
            BooleanSupplier maxReached = () -> o.max() > 0 && counted.getAsLong() >= o.max();
            while (true) {
                if (stop.get()) {
                    return "stopped";
                }
                if (System.currentTimeMillis() >= o.untilMs()) {
                    return "until";
                }
                if (o.idle() != null && System.nanoTime() - lastRecord > o.idle().toNanos()) {
                    return "idle";
                }
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    any = true;
                    if (r.topic().equals(o.topic()) && o.accuracyTopic()) {
                        if (r.timestamp() > o.untilMs()) {
                            return "until";
                        }
                        Accuracy a;
                        try {
                            a = AccuracyCodec.fromJson(r.value());
                        } catch (IllegalArgumentException e) {
                            listener.unreadable(r, e.getMessage());
                            continue;
                        }
                        if (o.keys().isEmpty() || o.keys().contains(a.sensorId())) {
                            listener.accuracy(a);
                        }
                    } else if (r.topic().equals(o.topic())) {
                        if (r.timestamp() > o.untilMs()) {
                            return "until";
                        }
                        Forecast f;
                        try {
                            f = ForecastCodec.read(r.value());
                        } catch (IllegalArgumentException e) {
                            listener.unreadable(r, e.getMessage());
                            continue;
                        }
                        if (o.keys().isEmpty() || o.keys().contains(f.sensorId())) {
                            listener.forecast(f, r.value(), r.timestamp());
                        }
                    } else {
                        listener.point(
                                o.pointParser()
                                        .parse(
                                                r.topic(),
                                                r.partition(),
                                                r.offset(),
                                                r.key(),
                                                r.value()));
                    }
                    if (maxReached.getAsBoolean()) {
                        listener.polled();
                        return "max";
                    }
                }
                if (any) {
                    lastRecord = System.nanoTime();
                }
                listener.polled();
            }
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic \"" + topic + "\" does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
