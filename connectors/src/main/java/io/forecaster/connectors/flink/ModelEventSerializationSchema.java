package io.forecaster.connectors.flink;

import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.wire.ModelEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes model events for a {@code KafkaSink}: key = model name, value = {@link ModelEventCodec}.
 */
public final class ModelEventSerializationSchema
        implements KafkaRecordSerializationSchema<ModelEvent> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public ModelEventSerializationSchema(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            ModelEvent e, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                e.time(),
                e.model().getBytes(StandardCharsets.UTF_8),
                ModelEventCodec.toJson(e));
    }
}
