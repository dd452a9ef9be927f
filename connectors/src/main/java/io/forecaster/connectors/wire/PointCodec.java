package io.forecaster.connectors.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import io.forecaster.connectors.SensorPoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.commons.csv.CSVFormat;

/**
 * Writes points in the wire format (the reading side is {@link PointParser}): the key is the sensor
 * id in UTF-8, the value a JSON object or a CSV line (the time ISO-8601 in UTC), or 17 binary
 * bytes.
 */
public final class PointCodec {

    private PointCodec() {}

    /** The Kafka key of a point: its sensor id in UTF-8. */
    public static byte[] key(SensorPoint p) {
        return p.sensorId().getBytes(StandardCharsets.UTF_8);
    }

    /** The Kafka value of a point in the given format. */
    public static byte[] value(SensorPoint p, PointFormat format) {
        return switch (format) {
            case JSON -> json(p);
            case CSV -> csv(p);
            case BINARY -> binary(p);
        };
    }

    /** The length of a {@link PointFormat#BINARY} value. */
    public static final int BINARY_BYTES = 17;

    /** Version byte, epoch milliseconds and the value as a double, big-endian (17 bytes). */
    public static byte[] binary(SensorPoint p) {
        return ByteBuffer.allocate(BINARY_BYTES)
                .put((byte) WireFormat.VERSION)
                .putLong(p.eventTime())
                .putDouble(p.value())
                .array();
    }

    /** {@code {"v":1,"sensor":"VAL","time":"1961-01-01T00:00:00Z","value":13.67}}. */
    public static byte[] json(SensorPoint p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", WireFormat.VERSION);
            g.writeStringField("sensor", p.sensorId());
            g.writeStringField("time", WireFormat.formatTime(p.eventTime()));
            g.writeNumberField("value", p.value());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code VAL,1961-01-01T00:00:00Z,13.67} without a line break; quoted where needed. */
    public static byte[] csv(SensorPoint p) {
        String line =
                CSVFormat.DEFAULT.format(
                        p.sensorId(),
                        WireFormat.formatTime(p.eventTime()),
                        Double.toString(p.value()));
        return line.getBytes(StandardCharsets.UTF_8);
    }
}
