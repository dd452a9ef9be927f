package io.forecaster.connectors.flink;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.wire.ForecastCodec;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes forecasts for a {@code KafkaSink}: key = sensor id, value = {@link ForecastCodec} JSON,
 * record timestamp = the window's last event time (so time ranges of the forecasts topic follow
 * event time, like the points topic).
 */
public final class ForecastSerializationSchema implements KafkaRecordSerializationSchema<Forecast> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public ForecastSerializationSchema(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Forecast f, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                f.windowEnd(),
                f.sensorId().getBytes(StandardCharsets.UTF_8),
                ForecastCodec.toJson(f));
    }
}
