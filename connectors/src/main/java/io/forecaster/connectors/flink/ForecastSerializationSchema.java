package io.forecaster.connectors.flink;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.ForecastFormat;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes forecasts for a {@code KafkaSink}: key = sensor id, value = {@link ForecastCodec} JSON or
 * CBOR ({@link ForecastFormat}), record timestamp = {@link Forecast#createdAt()}. Not the event
 * time: Kafka rejects timestamps before 1970 (historical series such as the 1961 wind data), and
 * brokers' time-based retention would delete old-dated records at once.
 */
public final class ForecastSerializationSchema implements KafkaRecordSerializationSchema<Forecast> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    private final ForecastFormat format;

    /** JSON values. */
    public ForecastSerializationSchema(String topic) {
        this(topic, ForecastFormat.JSON);
    }

    public ForecastSerializationSchema(String topic, ForecastFormat format) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.format = Objects.requireNonNull(format, "format");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            Forecast f, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                f.createdAt(),
                f.sensorId().getBytes(StandardCharsets.UTF_8),
                ForecastCodec.encode(f, format));
    }
}
