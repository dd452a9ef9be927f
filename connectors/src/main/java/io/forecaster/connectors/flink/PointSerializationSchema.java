package io.forecaster.connectors.flink;

import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.connectors.wire.PointFormat;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes points for a {@code KafkaSink} (tests, generators): key = sensor id, value in the chosen
 * {@link PointFormat}, record timestamp = event time when it is not before 1970 (Kafka rejects
 * negative timestamps), else the send time.
 */
public final class PointSerializationSchema implements KafkaRecordSerializationSchema<SensorPoint> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final PointFormat format;

    public PointSerializationSchema(String topic, PointFormat format) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.format = Objects.requireNonNull(format, "format");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            SensorPoint p, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                p.eventTime() >= 0 ? p.eventTime() : null,
                PointCodec.key(p),
                PointCodec.value(p, format));
    }
}
