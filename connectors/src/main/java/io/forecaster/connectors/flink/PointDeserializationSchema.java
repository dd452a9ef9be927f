package io.forecaster.connectors.flink;

import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.wire.PointParser;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads point records for a {@code KafkaSource}: every record becomes exactly one {@link
 * ParsedPoint}, a point or a dead letter; it never throws, so bad input cannot fail the job. The
 * Kafka record timestamp is not used: event time is the value's {@code time} field.
 */
public final class PointDeserializationSchema
        implements KafkaRecordDeserializationSchema<ParsedPoint> {

    private static final long serialVersionUID = 1L;

    private final PointParser parser;

    public PointDeserializationSchema(PointParser parser) {
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedPoint> out) {
        out.collect(
                parser.parse(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value()));
    }

    @Override
    public TypeInformation<ParsedPoint> getProducedType() {
        return TypeInformation.of(ParsedPoint.class);
    }
}
