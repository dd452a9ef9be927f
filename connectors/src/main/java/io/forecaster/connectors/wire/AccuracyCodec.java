package io.forecaster.connectors.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.connectors.Accuracy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Accuracy records on the wire: key = sensor id, value = {@code
 * {"v":1,"sensor":"VAL","time":"...Z","scored":1200,"mae":1.9,"baselineMae":2.4,
 * "levels":[0.8,0.95],"coverage":[0.79,0.95],"model":"...","createdAt":"...Z"}}; a coverage of a
 * level no scored step had an interval for is null.
 */
public final class AccuracyCodec {

    private AccuracyCodec() {}

    /** The JSON value of an accuracy record. */
    public static byte[] toJson(Accuracy a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", WireFormat.VERSION);
            g.writeStringField("sensor", a.sensorId());
            g.writeStringField("time", WireFormat.formatTime(a.time()));
            g.writeNumberField("scored", a.scored());
            writeNumber(g, "mae", a.mae());
            writeNumber(g, "baselineMae", a.baselineMae());
            g.writeArrayFieldStart("levels");
            for (double level : a.levels()) {
                g.writeNumber(level);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("coverage");
            for (double c : a.coverage()) {
                if (Double.isNaN(c)) {
                    g.writeNull();
                } else {
                    g.writeNumber(c);
                }
            }
            g.writeEndArray();
            g.writeStringField("model", a.modelId());
            g.writeStringField("createdAt", WireFormat.formatTime(a.createdAt()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeNumber(JsonGenerator g, String field, double d) throws IOException {
        if (Double.isNaN(d)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, d);
        }
    }

    /**
     * Reads an accuracy record written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static Accuracy fromJson(byte[] json) {
        JsonNode n = Codecs.object(json, "accuracy record");
        Codecs.checkVersion(n);
        return new Accuracy(
                Codecs.text(n, "sensor"),
                Codecs.time(n, "time"),
                Codecs.integer(n, "scored"),
                n.hasNonNull("mae") ? Codecs.asDouble(n.get("mae"), "mae") : Double.NaN,
                n.hasNonNull("baselineMae")
                        ? Codecs.asDouble(n.get("baselineMae"), "baselineMae")
                        : Double.NaN,
                Codecs.doubles(n, "levels"),
                Codecs.doubles(n, "coverage"),
                Codecs.text(n, "model"),
                Codecs.time(n, "createdAt"));
    }
}
