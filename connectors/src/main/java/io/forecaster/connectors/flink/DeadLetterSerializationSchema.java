package io.forecaster.connectors.flink;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.wire.DeadLetterCodec;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes dead letters for a {@code KafkaSink}: key = the original record's key, value = {@link
 * DeadLetterCodec} JSON (raw bytes in base64), record timestamp = the dead-letter time.
 */
public final class DeadLetterSerializationSchema
        implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter d, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                d.time(),
                d.key() == null ? null : d.key().getBytes(StandardCharsets.UTF_8),
                DeadLetterCodec.toJson(d));
    }
}
