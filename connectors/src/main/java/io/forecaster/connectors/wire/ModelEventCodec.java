package io.forecaster.connectors.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.connectors.ModelEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Model events on the wire: key = model name, value = {@code
 * {"v":1,"model":"wind","version":3,"event":"refused","reason":"…","servedVersion":2,
 * "subtask":0,"loadMillis":41,"time":"…Z"}}; {@code reason} only on refusals.
 */
public final class ModelEventCodec {

    private ModelEventCodec() {}

    /** The JSON value of a model event. */
    public static byte[] toJson(ModelEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", WireFormat.VERSION);
            g.writeStringField("model", e.model());
            g.writeNumberField("version", e.version());
            g.writeStringField("event", e.event());
            if (e.reason() != null) {
                g.writeStringField("reason", e.reason());
            }
            g.writeNumberField("servedVersion", e.servedVersion());
            g.writeNumberField("subtask", e.subtask());
            g.writeNumberField("loadMillis", e.loadMillis());
            g.writeStringField("time", WireFormat.formatTime(e.time()));
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return out.toByteArray();
    }

    /**
     * Reads a model event written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static ModelEvent fromJson(byte[] json) {
        JsonNode n = Codecs.object(json, "model event");
        Codecs.checkVersion(n);
        return new ModelEvent(
                Codecs.text(n, "model"),
                Codecs.integer(n, "version"),
                Codecs.text(n, "event"),
                Codecs.textOrNull(n, "reason"),
                Codecs.integer(n, "servedVersion"),
                (int) Codecs.integer(n, "subtask"),
                Codecs.integer(n, "loadMillis"),
                Codecs.time(n, "time"));
    }
}
