package io.forecaster.connectors.flink;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.wire.PointParser;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Factories of the job's Kafka source and sinks, configured by {@link KafkaOptions}.
 *
 * <p>How the job uses them:
 *
 * <pre>{@code
 * Configuration conf = Configuration.fromMap(ParameterTool.fromArgs(args).toMap());
 * DataStream<ParsedPoint> parsed = env.fromSource(
 *         KafkaConnectors.pointSource(conf), WatermarkStrategy.noWatermarks(), "sensor-points-source")
 *     .uid("sensor-points-source");
 * // split: p.isPoint() -> p.point() goes on; else p.deadLetter() to a side output
 * // assign timestamps/watermarks from SensorPoint.eventTime() after the split
 * forecasts.sinkTo(KafkaConnectors.forecastSink(conf)).name("forecasts-sink").uid("forecasts-sink");
 * deadLetters.sinkTo(KafkaConnectors.deadLetterSink(conf)).name("dead-letters-sink").uid("dead-letters-sink");
 * }</pre>
 *
 * With {@link DeliveryGuarantee#EXACTLY_ONCE} (the default) the job must enable checkpointing:
 * output becomes visible to {@code read_committed} readers when a checkpoint completes.
 */
public final class KafkaConnectors {

    /** Longest transaction timeout accepted: the broker's default transaction.max.timeout.ms. */
    public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private KafkaConnectors() {}

    /**
     * The points source: reads {@link KafkaOptions#POINTS_TOPIC} with {@code read_committed},
     * from {@link KafkaOptions#START} (or from the checkpoint), every record to a
     * {@link ParsedPoint}. No watermarks: use {@code WatermarkStrategy.noWatermarks()} here and
     * assign them after the dead letters are split off.
     */
    public static KafkaSource<ParsedPoint> pointSource(ReadableConfig conf) {
        PointParser parser = new PointParser(
                conf.get(KafkaOptions.POINT_FORMAT),
                conf.get(KafkaOptions.MAX_POINT_BYTES),
                Clock.systemUTC());
        KafkaSourceBuilder<ParsedPoint> b = KafkaSource.<ParsedPoint>builder()
                .setBootstrapServers(conf.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setTopics(conf.get(KafkaOptions.POINTS_TOPIC))
                .setGroupId(conf.get(KafkaOptions.GROUP_ID))
                .setStartingOffsets(
                        StartPosition.parse(conf.get(KafkaOptions.START)).toOffsetsInitializer())
                .setDeserializer(new PointDeserializationSchema(parser))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000");
        if (conf.get(KafkaOptions.BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * The forecasts sink: {@link KafkaOptions#FORECASTS_TOPIC}, key = sensor id, with
     * {@link KafkaOptions#DELIVERY} (exactly-once by default) and transactional ids
     * {@code <prefix>-forecasts-...}.
     */
    public static KafkaSink<Forecast> forecastSink(ReadableConfig conf) {
        String topic = conf.get(KafkaOptions.FORECASTS_TOPIC);
        return sink(conf, new ForecastSerializationSchema(topic), "forecasts");
    }

    /**
     * The dead-letter sink: {@link KafkaOptions#DEAD_LETTERS_TOPIC}, key = the original key, with
     * the same delivery guarantee as the forecasts and transactional ids
     * {@code <prefix>-dead-letters-...}.
     */
    public static KafkaSink<DeadLetter> deadLetterSink(ReadableConfig conf) {
        String topic = conf.get(KafkaOptions.DEAD_LETTERS_TOPIC);
        return sink(conf, new DeadLetterSerializationSchema(topic), "dead-letters");
    }

    /**
     * A sink of any record with the options' servers, delivery guarantee and transaction timeout;
     * {@code name} is appended to the transactional-id prefix so that each sink of a job has its
     * own ids.
     */
    public static <T> KafkaSink<T> sink(
            ReadableConfig conf, KafkaRecordSerializationSchema<T> serializer, String name) {
        DeliveryGuarantee guarantee = conf.get(KafkaOptions.DELIVERY);
        if (guarantee == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException(
                    KafkaOptions.DELIVERY.key() + " must be EXACTLY_ONCE or AT_LEAST_ONCE, got "
                            + guarantee);
        }
        Duration timeout = conf.get(KafkaOptions.TRANSACTION_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()
                || timeout.compareTo(MAX_TRANSACTION_TIMEOUT) > 0) {
            throw new IllegalArgumentException(KafkaOptions.TRANSACTION_TIMEOUT.key()
                    + " must be in (0, 15 min] (the broker's default transaction.max.timeout.ms), "
                    + "got " + timeout);
        }
        String prefix = conf.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX);
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException(
                    KafkaOptions.TRANSACTIONAL_ID_PREFIX.key() + " must not be empty, got \""
                            + prefix + "\"");
        }
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", Long.toString(timeout.toMillis()));
        producer.setProperty("enable.idempotence", "true");
        producer.setProperty("acks", "all");
        return KafkaSink.<T>builder()
                .setBootstrapServers(conf.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(prefix + "-" + name)
                .setKafkaProducerConfig(producer)
                .build();
    }
}
