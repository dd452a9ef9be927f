package io.forecaster.connectors.flink;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.ModelRecord;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.wire.PointParser;
import java.time.Clock;
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
 * <p>How the job uses them (see {@code ForecastRunner}):
 *
 * <pre>{@code
 * DataStream<ParsedPoint> parsed = env.fromSource(
 *         KafkaConnectors.pointSource(conf), watermarks, "sensor-points-source")
 *     .uid("sensor-points-source");
 * // split: p.isPoint() -> p.point() goes on; else p.deadLetter() to a side output
 * forecasts.sinkTo(KafkaConnectors.forecastSink(conf))
 *     .name("forecasts-sink").uid("forecasts-sink");
 * deadLetters.sinkTo(KafkaConnectors.deadLetterSink(conf))
 *     .name("dead-letters-sink").uid("dead-letters-sink");
 * }</pre>
 *
 * The source itself emits no watermarks; the caller passes the {@code WatermarkStrategy} to {@code
 * fromSource}, so that watermarks are generated per Kafka partition. The job's strategy takes each
 * record's time from the point's {@code time} field (not the Kafka record timestamp) and gives
 * unreadable records {@link Long#MIN_VALUE}, so they never move the watermark.
 *
 * <p>With {@link DeliveryGuarantee#EXACTLY_ONCE} (the default) the job must enable checkpointing:
 * output becomes visible to {@code read_committed} readers when a checkpoint completes.
 */
public final class KafkaConnectors {

    private KafkaConnectors() {}

    /**
     * The points source: reads {@link KafkaOptions#POINTS_TOPIC} with {@code read_committed}, from
     * {@link KafkaOptions#START} (or from the checkpoint), every record to a {@link ParsedPoint}.
     * Watermarks come from the strategy the caller gives {@code fromSource} (see the class
     * comment).
     */
    public static KafkaSource<ParsedPoint> pointSource(ReadableConfig conf) {
        PointParser parser =
                new PointParser(
                        conf.get(KafkaOptions.POINT_FORMAT),
                        conf.get(KafkaOptions.MAX_POINT_BYTES),
                        Clock.systemUTC());
        KafkaSourceBuilder<ParsedPoint> b =
                KafkaSource.<ParsedPoint>builder()
                        .setBootstrapServers(conf.get(KafkaOptions.BOOTSTRAP_SERVERS))
                        .setTopics(conf.get(KafkaOptions.POINTS_TOPIC))
                        .setGroupId(conf.get(KafkaOptions.GROUP_ID))
                        .setStartingOffsets(
                                StartPosition.parse(conf.get(KafkaOptions.START))
                                        .toOffsetsInitializer())
                        .setDeserializer(new PointDeserializationSchema(parser))
                        .setProperty("isolation.level", "read_committed")
                        .setProperty("partition.discovery.interval.ms", "60000");
        if (conf.get(KafkaOptions.BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * The model-records source: {@link KafkaOptions#MODELS_TOPIC} (which must be set) from the
     * earliest offset on a fresh start (the whole compacted table) and from the checkpoint after a
     * restore, {@code read_committed}; never ends unless the points are bounded too.
     */
    public static KafkaSource<ModelRecord> modelSource(ReadableConfig conf) {
        String topic = conf.get(KafkaOptions.MODELS_TOPIC);
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("kafka.models.topic is not set");
        }
        KafkaSourceBuilder<ModelRecord> b =
                KafkaSource.<ModelRecord>builder()
                        .setBootstrapServers(conf.get(KafkaOptions.BOOTSTRAP_SERVERS))
                        .setTopics(topic)
                        .setGroupId(conf.get(KafkaOptions.GROUP_ID) + "-models")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new ModelRecordDeserializationSchema())
                        .setProperty("isolation.level", "read_committed")
                        .setProperty("partition.discovery.interval.ms", "60000");
        if (conf.get(KafkaOptions.BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * The model-events sink: {@link KafkaOptions#MODEL_EVENTS_TOPIC}, key = model name, with the
     * same delivery guarantee as the forecasts and transactional ids {@code
     * <prefix>-model-events-...}.
     */
    public static KafkaSink<ModelEvent> modelEventSink(ReadableConfig conf) {
        String topic = conf.get(KafkaOptions.MODEL_EVENTS_TOPIC);
        return sink(conf, new ModelEventSerializationSchema(topic), "model-events");
    }

    /**
     * The forecasts sink: {@link KafkaOptions#FORECASTS_TOPIC}, key = sensor id, with {@link
     * KafkaOptions#DELIVERY} (exactly-once by default) and transactional ids {@code
     * <prefix>-forecasts-...}.
     */
    public static KafkaSink<Forecast> forecastSink(ReadableConfig conf) {
        String topic = conf.get(KafkaOptions.FORECASTS_TOPIC);
        return sink(
                conf,
                new ForecastSerializationSchema(topic, conf.get(KafkaOptions.FORECAST_FORMAT)),
                "forecasts");
    }

    /**
     * The accuracy sink: {@link KafkaOptions#ACCURACY_TOPIC} (which must be set), key = sensor id,
     * with the same delivery guarantee as the forecasts and transactional ids {@code
     * <prefix>-accuracy-...}.
     */
    public static KafkaSink<Accuracy> accuracySink(ReadableConfig conf) {
        String topic = conf.get(KafkaOptions.ACCURACY_TOPIC);
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("kafka.accuracy.topic is not set");
        }
        return sink(conf, new AccuracySerializationSchema(topic), "accuracy");
    }

    /**
     * The sinks' producer settings beyond servers and serializers: the transaction timeout,
     * idempotence, {@code acks=all} and {@link KafkaOptions#SINK_LINGER} as {@code linger.ms}.
     */
    static Properties producerProperties(ReadableConfig conf) {
        Properties producer = new Properties();
        producer.setProperty(
                "transaction.timeout.ms",
                Long.toString(conf.get(KafkaOptions.TRANSACTION_TIMEOUT).toMillis()));
        producer.setProperty("enable.idempotence", "true");
        producer.setProperty("acks", "all");
        producer.setProperty(
                "linger.ms", Long.toString(conf.get(KafkaOptions.SINK_LINGER).toMillis()));
        return producer;
    }

    /**
     * The dead-letter sink: {@link KafkaOptions#DEAD_LETTERS_TOPIC}, key = the original key, with
     * the same delivery guarantee as the forecasts and transactional ids {@code
     * <prefix>-dead-letters-...}.
     */
    public static KafkaSink<DeadLetter> deadLetterSink(ReadableConfig conf) {
        String topic = conf.get(KafkaOptions.DEAD_LETTERS_TOPIC);
        return sink(conf, new DeadLetterSerializationSchema(topic), "dead-letters");
    }

    /**
     * A sink of any record with the options' servers, delivery guarantee and transaction timeout
     * (checked by {@link KafkaOptions#checkSink}); {@code name} is appended to the transactional-id
     * prefix so that each sink of a job has its own ids.
     */
    public static <T> KafkaSink<T> sink(
            ReadableConfig conf, KafkaRecordSerializationSchema<T> serializer, String name) {
        KafkaOptions.checkSink(conf);
        String prefix = conf.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX);
        Properties producer = producerProperties(conf);
        return KafkaSink.<T>builder()
                .setBootstrapServers(conf.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(conf.get(KafkaOptions.DELIVERY))
                .setTransactionalIdPrefix(prefix + "-" + name)
                .setKafkaProducerConfig(producer)
                .build();
    }
}
