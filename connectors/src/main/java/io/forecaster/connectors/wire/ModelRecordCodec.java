package io.forecaster.connectors.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.connectors.ModelRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Model records on the wire (the models topic, compacted): key = model name, value = {@code
 * {"v":1,"name":"wind","version":2,"location":"file:///models/wind-2.zip","sha256":"…",
 * "keys":["VAL"],"prefixes":["DUB-"],"regex":"M.*","priority":10,"default":false,
 * "publishedAt":"…Z"}}; {@code keys}, {@code prefixes}, {@code regex}, {@code priority} (0) and
 * {@code default} (false) are optional. A null value (a tombstone) retires the name.
 */
public final class ModelRecordCodec {

    private ModelRecordCodec() {}

    /** The JSON value of a version record. */
    public static byte[] toJson(ModelRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", WireFormat.VERSION);
            g.writeStringField("name", r.name());
            g.writeNumberField("version", r.version());
            g.writeStringField("location", r.location());
            g.writeStringField("sha256", r.sha256());
            writeArray(g, "keys", r.keys());
            writeArray(g, "prefixes", r.prefixes());
            if (r.regex() != null) {
                g.writeStringField("regex", r.regex());
            }
            g.writeNumberField("priority", r.priority());
            g.writeBooleanField("default", r.isDefault());
            g.writeStringField("publishedAt", WireFormat.formatTime(r.publishedAt()));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeArray(JsonGenerator g, String field, String[] values)
            throws IOException {
        g.writeArrayFieldStart(field);
        for (String s : values) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    /**
     * Reads a record of the models topic; never throws: a null value is the name's tombstone, an
     * unreadable value a record with its {@link ModelRecord#problem()}.
     */
    public static ModelRecord read(byte[] key, byte[] value) {
        String name = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            return name == null
                    ? ModelRecord.unreadable(null, "a tombstone without a key")
                    : ModelRecord.retired(name);
        }
        try {
            ModelRecord r = fromJson(value);
            if (name != null && !name.equals(r.name())) {
                return ModelRecord.unreadable(
                        r.name(),
                        "field \"name\" ('"
                                + r.name()
                                + "') differs from the key ('"
                                + name
                                + "')");
            }
            return r;
        } catch (RuntimeException e) {
            return ModelRecord.unreadable(name, e.getMessage());
        }
    }

    /**
     * Reads a version record written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static ModelRecord fromJson(byte[] json) {
        JsonNode n = Codecs.object(json, "model record");
        Codecs.checkVersion(n);
        return ModelRecord.of(
                Codecs.text(n, "name"),
                Codecs.integer(n, "version"),
                Codecs.text(n, "location"),
                Codecs.text(n, "sha256"),
                strings(n, "keys"),
                strings(n, "prefixes"),
                Codecs.textOrNull(n, "regex"),
                n.hasNonNull("priority") ? (int) Codecs.integer(n, "priority") : 0,
                n.hasNonNull("default") && bool(n, "default"),
                n.hasNonNull("publishedAt") ? Codecs.time(n, "publishedAt") : 0);
    }

    private static boolean bool(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (!f.isBoolean()) {
            throw new IllegalArgumentException(
                    "field \"" + field + "\": expected true or false, got " + f);
        }
        return f.booleanValue();
    }

    private static String[] strings(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            return new String[0];
        }
        if (!f.isArray()) {
            throw new IllegalArgumentException(
                    "field \"" + field + "\": expected an array of strings, got " + f);
        }
        String[] s = new String[f.size()];
        for (int i = 0; i < s.length; i++) {
            if (!f.get(i).isTextual()) {
                throw new IllegalArgumentException(
                        "field \"" + field + "\": expected strings, got " + f.get(i));
            }
            s[i] = f.get(i).textValue();
        }
        return s;
    }
}
