package io.forecaster.connectors.flink;

import io.forecaster.connectors.ModelRecord;
import io.forecaster.connectors.wire.ModelRecordCodec;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the models topic for a {@code KafkaSource}: every record becomes one {@link ModelRecord} (a
 * version, a tombstone, or an unreadable record carrying its problem); it never throws, so a bad
 * model record cannot fail the job.
 */
public final class ModelRecordDeserializationSchema
        implements KafkaRecordDeserializationSchema<ModelRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelRecord> out) {
        out.collect(ModelRecordCodec.read(record.key(), record.value()));
    }

    @Override
    public TypeInformation<ModelRecord> getProducedType() {
        return TypeInformation.of(ModelRecord.class);
    }
}
