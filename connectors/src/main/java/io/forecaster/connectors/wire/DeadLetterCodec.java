package io.forecaster.connectors.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.connectors.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Dead letters on the wire: key = the original key, value = {@code
 * {"v":1,"sourceTopic":"points","partition":0,"offset":42,"key":"VAL","reason":"bad-value",
 * "detail":"...","time":"...Z","raw":"<base64>","rawText":"<the raw bytes if UTF-8>"}}. {@code raw}
 * keeps the original bytes exactly; {@code rawText} is for people and absent when the bytes are not
 * UTF-8.
 */
public final class DeadLetterCodec {

    private DeadLetterCodec() {}

    /** The JSON value of a dead letter. */
    public static byte[] toJson(DeadLetter d) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(256 + (d.raw() == null ? 0 : 3 * d.raw().length));
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", WireFormat.VERSION);
            g.writeStringField("sourceTopic", d.sourceTopic());
            g.writeNumberField("partition", d.partition());
            g.writeNumberField("offset", d.offset());
            g.writeStringField("key", d.key());
            g.writeStringField("reason", d.reason());
            g.writeStringField("detail", d.detail());
            g.writeStringField("time", WireFormat.formatTime(d.time()));
            if (d.raw() != null) {
                g.writeStringField("raw", Base64.getEncoder().encodeToString(d.raw()));
                String text = utf8OrNull(d.raw());
                if (text != null) {
                    g.writeStringField("rawText", text);
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a dead letter written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static DeadLetter fromJson(byte[] json) {
        JsonNode n = Codecs.object(json, "dead letter");
        Codecs.checkVersion(n);
        String raw = Codecs.textOrNull(n, "raw");
        byte[] bytes;
        try {
            bytes = raw == null ? null : Base64.getDecoder().decode(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "field \"raw\": not base64: " + WireFormat.shorten(raw), e);
        }
        return new DeadLetter(
                Codecs.textOrNull(n, "sourceTopic"),
                (int) Codecs.integer(n, "partition"),
                Codecs.integer(n, "offset"),
                Codecs.textOrNull(n, "key"),
                bytes,
                Codecs.text(n, "reason"),
                Codecs.textOrNull(n, "detail"),
                Codecs.time(n, "time"));
    }

    private static String utf8OrNull(byte[] b) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
