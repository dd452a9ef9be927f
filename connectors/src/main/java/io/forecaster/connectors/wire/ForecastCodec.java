package io.forecaster.connectors.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.connectors.Forecast;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Forecasts on the wire: key = sensor id, value = {@code
 * {"v":1,"sensor":"VAL","windowStart":"...Z","windowEnd":"...Z","points":60,
 * "predictions":[...],"next":12.3,"model":"...","mode":"window","createdAt":"...Z"}}, plus, with a
 * time grid, {@code "nextTime":"...Z","filled":0} (optional fields: readers of version 1 that
 * ignore unknown fields read them unchanged). Non-finite predictions are written as the strings
 * {@code "NaN"}, {@code "Infinity"}.
 *
 * <p>Predictions and {@code next} are float32 values (the model computes in float32), written in
 * the shortest decimal form that reads back as the same float32 ({@code 12.345678}, not {@code
 * 12.345678329467773}); {@link #fromJson} gives them back exactly, widened to double.
 */
public final class ForecastCodec {

    private ForecastCodec() {}

    /** The JSON value of a forecast. */
    public static byte[] toJson(Forecast f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 24 * f.predictions().length);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", WireFormat.VERSION);
            g.writeStringField("sensor", f.sensorId());
            g.writeStringField("windowStart", WireFormat.formatTime(f.windowStart()));
            g.writeStringField("windowEnd", WireFormat.formatTime(f.windowEnd()));
            g.writeNumberField("points", f.points());
            g.writeArrayFieldStart("predictions");
            for (double d : f.predictions()) {
                g.writeNumber((float) d);
            }
            g.writeEndArray();
            g.writeNumberField("next", (float) f.next());
            g.writeStringField("model", f.modelId());
            g.writeStringField("mode", f.mode());
            g.writeStringField("createdAt", WireFormat.formatTime(f.createdAt()));
            if (f.nextTime() != null) {
                g.writeStringField("nextTime", WireFormat.formatTime(f.nextTime()));
            }
            if (f.filled() != null) {
                g.writeNumberField("filled", f.filled());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a forecast written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static Forecast fromJson(byte[] json) {
        JsonNode n = Codecs.object(json, "forecast");
        Codecs.checkVersion(n);
        String sensor = Codecs.text(n, "sensor");
        long windowStart = Codecs.time(n, "windowStart");
        long windowEnd = Codecs.time(n, "windowEnd");
        long points = Codecs.integer(n, "points");
        JsonNode preds = Codecs.required(n, "predictions");
        if (!preds.isArray()) {
            throw new IllegalArgumentException(
                    "field \"predictions\": expected an array, got " + preds);
        }
        double[] p = new double[preds.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Codecs.asDouble(preds.get(i), "predictions[" + i + "]");
        }
        return new Forecast(
                sensor,
                windowStart,
                windowEnd,
                (int) points,
                p,
                (float) Codecs.asDouble(Codecs.required(n, "next"), "next"),
                Codecs.text(n, "model"),
                Codecs.text(n, "mode"),
                Codecs.time(n, "createdAt"),
                n.hasNonNull("nextTime") ? Codecs.time(n, "nextTime") : null,
                n.hasNonNull("filled") ? (int) Codecs.integer(n, "filled") : null);
    }
}
