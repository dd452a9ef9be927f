package io.forecaster.connectors.flink;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.wire.AccuracyCodec;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes accuracy records for a {@code KafkaSink}: key = sensor id, value = {@link AccuracyCodec}
 * JSON, record timestamp = {@link Accuracy#createdAt()} (as forecasts, not the event time).
 */
public final class AccuracySerializationSchema implements KafkaRecordSerializationSchema<Accuracy> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public AccuracySerializationSchema(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Accuracy a, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                a.createdAt(),
                a.sensorId().getBytes(StandardCharsets.UTF_8),
                AccuracyCodec.toJson(a));
    }
}
