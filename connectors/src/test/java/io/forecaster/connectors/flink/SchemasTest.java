package io.forecaster.connectors.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.DeadLetterCodec;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.ForecastFormat;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Tests for the Flink schemas, {@link ParsedPoint}'s Flink type and the factories' checks. */
class SchemasTest {

    @Test
    void parsedPointIsAFlinkPojoWithoutKryo() throws Exception {
        TypeInformation<ParsedPoint> type =
                new PointDeserializationSchema(new PointParser(PointFormat.JSON)).getProducedType();
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // Kryo would throw here
        TypeSerializer<ParsedPoint> serializer = type.createSerializer(config);

        ParsedPoint point = ParsedPoint.of(new SensorPoint("VAL", -283996800000L, 13.67));
        ParsedPoint dead =
                ParsedPoint.of(
                        new DeadLetter(
                                "points",
                                1,
                                2L,
                                null,
                                new byte[] {1, 2, 3},
                                "bad-value",
                                "field \"value\"",
                                5L));
        for (ParsedPoint p : List.of(point, dead)) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            serializer.serialize(p, out);
            ParsedPoint back =
                    serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).usingRecursiveComparison().isEqualTo(p);
        }
    }

    @Test
    void deserializerTurnsEveryRecordIntoOneParsedPoint() {
        PointDeserializationSchema schema =
                new PointDeserializationSchema(new PointParser(PointFormat.JSON));
        List<ParsedPoint> out = new ArrayList<>();
        Collector<ParsedPoint> collector =
                new Collector<>() {
                    @Override
                    public void collect(ParsedPoint record) {
                        out.add(record);
                    }

                    @Override
                    public void close() {}
                };
        schema.deserialize(record(7, "VAL", "{\"time\":0,\"value\":1.5}"), collector);
        schema.deserialize(record(8, "VAL", "{\"time\":0,\"value\":\"x\"}"), collector);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).point()).isEqualTo(new SensorPoint("VAL", 0, 1.5));
        DeadLetter d = out.get(1).deadLetter();
        assertThat(d.reason()).isEqualTo(DeadLetterReasons.BAD_VALUE);
        assertThat(d.offset()).isEqualTo(8L);
        assertThat(d.partition()).isEqualTo(2);
        assertThat(d.sourceTopic()).isEqualTo("points");
    }

    @Test
    void forecastRecordsAreKeyedBySensorWithTheCreationTimeAsTimestamp() {
        Forecast f =
                new Forecast("BEL", 0L, 86_400_000L, 2, new double[] {1, 2}, 2, "m", "window", 9L);
        ProducerRecord<byte[], byte[]> r =
                new ForecastSerializationSchema("forecasts").serialize(f, null, null);
        assertThat(r.topic()).isEqualTo("forecasts");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("BEL");
        assertThat(r.timestamp()).isEqualTo(9L);
        assertThat(ForecastCodec.fromJson(r.value())).usingRecursiveComparison().isEqualTo(f);

        ProducerRecord<byte[], byte[]> cbor =
                new ForecastSerializationSchema("forecasts", ForecastFormat.CBOR)
                        .serialize(f, null, null);
        assertThat(ForecastCodec.isCbor(cbor.value())).isTrue();
        assertThat(cbor.key()).isEqualTo(r.key());
        assertThat(cbor.timestamp()).isEqualTo(9L);
        assertThat(ForecastCodec.read(cbor.value())).usingRecursiveComparison().isEqualTo(f);
    }

    @Test
    void pointRecordsRoundTripInBothFormatsAndKeepPre1970TimesOutOfTheTimestamp() {
        SensorPoint old = new SensorPoint("VAL", -283_996_800_000L, 13.67); // 1961
        SensorPoint recent = new SensorPoint("BEL", 1_700_000_000_000L, -1.25);
        for (PointFormat f : PointFormat.values()) {
            PointSerializationSchema out = new PointSerializationSchema("points", f);
            PointDeserializationSchema in = new PointDeserializationSchema(new PointParser(f));
            for (SensorPoint p : List.of(old, recent)) {
                ProducerRecord<byte[], byte[]> r = out.serialize(p, null, null);
                assertThat(r.timestamp()).isEqualTo(p.eventTime() >= 0 ? p.eventTime() : null);
                List<ParsedPoint> back = new ArrayList<>();
                in.deserialize(
                        new ConsumerRecord<>("points", 0, 0L, r.key(), r.value()),
                        new Collector<>() {
                            @Override
                            public void collect(ParsedPoint x) {
                                back.add(x);
                            }

                            @Override
                            public void close() {}
                        });
                assertThat(back).containsExactly(ParsedPoint.of(p));
            }
        }
    }

    @Test
    void deadLetterRecordsKeepTheOriginalKey() {
        DeadLetter d = new DeadLetter("points", 0, 1L, "VAL", new byte[] {9}, "empty", "x", 77L);
        ProducerRecord<byte[], byte[]> r =
                new DeadLetterSerializationSchema("dlq").serialize(d, null, null);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("VAL");
        assertThat(r.timestamp()).isEqualTo(77L);
        assertThat(DeadLetterCodec.fromJson(r.value())).usingRecursiveComparison().isEqualTo(d);
    }

    @Test
    void startPositionsParse() {
        assertThat(StartPosition.parse("earliest").kind()).isEqualTo(StartPosition.Kind.EARLIEST);
        assertThat(StartPosition.parse("LATEST").kind()).isEqualTo(StartPosition.Kind.LATEST);
        assertThat(StartPosition.parse("committed").kind()).isEqualTo(StartPosition.Kind.COMMITTED);
        assertThat(StartPosition.parse("1970-01-02"))
                .isEqualTo(new StartPosition(StartPosition.Kind.TIMESTAMP, 86_400_000L));
        assertThatThrownBy(() -> StartPosition.parse("beginning"))
                .hasMessageContaining("\"beginning\"");
    }

    @Test
    void sinkFactoryRejectsTimeoutsAboveTheBrokerLimit() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(20));
        assertThatThrownBy(() -> KafkaConnectors.forecastSink(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT20M");
        conf.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(10));
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, " ");
        assertThatThrownBy(() -> KafkaConnectors.deadLetterSink(conf))
                .hasMessageContaining("transactional-id-prefix");
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "job-a");
        assertThat(KafkaConnectors.forecastSink(conf)).isNotNull();
        assertThat(KafkaConnectors.pointSource(conf)).isNotNull();
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String key, String value) {
        return new ConsumerRecord<>(
                "points",
                2,
                offset,
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }
}
