package io.forecaster.connectors.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.forecaster.connectors.Forecast;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Forecasts on the wire: key = sensor id, value = {@code
 * {"v":1,"sensor":"VAL","windowStart":"...Z","windowEnd":"...Z","points":60,
 * "predictions":[...],"next":12.3,"model":"...","mode":"window","createdAt":"...Z"}}, plus, with a
 * time grid, {@code "nextTime":"...Z","filled":0}, and, with a horizon above 1 or interval levels,
 * {@code "ahead":{"values":[...],"times":["...Z",...],"levels":[0.8],"lower":[[...]],
 * "upper":[[...]],"intervals":"online"}}, and, with models from the models topic, {@code
 * "modelName":"wind","modelVersion":2} (optional fields: readers of version 1 that ignore unknown
 * fields read them unchanged; a bound without an interval yet is null). Non-finite predictions are
 * written as the strings {@code "NaN"}, {@code "Infinity"}.
 *
 * <p>Predictions and {@code next} are float32 values (the model computes in float32), written in
 * the shortest decimal form that reads back as the same float32 ({@code 12.345678}, not {@code
 * 12.345678329467773}); {@link #fromJson} gives them back exactly, widened to double. {@link
 * #toCbor} writes the same object in CBOR, where they are 4-byte floats; {@link #read} reads
 * either.
 */
public final class ForecastCodec {

    private ForecastCodec() {}

    /** The JSON value of a forecast. */
    public static byte[] toJson(Forecast f) {
        return write(Json.MAPPER, f, 256 + 24 * f.predictions().length);
    }

    /**
     * The CBOR value of a forecast ({@link ForecastFormat#CBOR}): the fields of {@link #toJson},
     * with the predictions, {@code next} and the bounds as float32 values.
     */
    public static byte[] toCbor(Forecast f) {
        return write(Json.CBOR, f, 192 + 8 * f.predictions().length);
    }

    /** The value of a forecast in the given format. */
    public static byte[] encode(Forecast f, ForecastFormat format) {
        return format == ForecastFormat.CBOR ? toCbor(f) : toJson(f);
    }

    private static byte[] write(ObjectMapper mapper, Forecast f, int sizeHint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator g = mapper.createGenerator(out)) {
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
            if (f.ahead() != null) {
                writeAhead(g, f.ahead());
            }
            if (f.modelName() != null) {
                g.writeStringField("modelName", f.modelName());
            }
            if (f.modelVersion() != null) {
                g.writeNumberField("modelVersion", f.modelVersion());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeAhead(JsonGenerator g, Forecast.Ahead a) throws IOException {
        g.writeObjectFieldStart("ahead");
        g.writeArrayFieldStart("values");
        for (double d : a.values()) {
            g.writeNumber((float) d);
        }
        g.writeEndArray();
        if (a.times() != null) {
            g.writeArrayFieldStart("times");
            for (long t : a.times()) {
                g.writeString(WireFormat.formatTime(t));
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("levels");
        for (double level : a.levels()) {
            g.writeNumber(level);
        }
        g.writeEndArray();
        for (String side : new String[] {"lower", "upper"}) {
            g.writeArrayFieldStart(side);
            for (double[] bounds : side.equals("lower") ? a.lower() : a.upper()) {
                g.writeStartArray();
                for (double d : bounds) {
                    if (Double.isNaN(d)) {
                        g.writeNull();
                    } else {
                        g.writeNumber((float) d);
                    }
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        }
        if (a.source() != null) {
            g.writeStringField("intervals", a.source());
        }
        g.writeEndObject();
    }

    private static Forecast.Ahead readAhead(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("field \"ahead\": expected an object, got " + n);
        }
        double[] values = Codecs.doubles(n, "values");
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) values[i]; // float32 on the wire, as the predictions and bounds
        }
        long[] times = null;
        if (n.hasNonNull("times")) {
            JsonNode t = n.get("times");
            if (!t.isArray() || t.size() != values.length) {
                throw new IllegalArgumentException(
                        "field \"ahead.times\": expected " + values.length + " times, got " + t);
            }
            times = new long[t.size()];
            for (int i = 0; i < times.length; i++) {
                times[i] = Codecs.timeValue(t.get(i), "ahead.times[" + i + "]");
            }
        }
        double[] levels = Codecs.doubles(n, "levels");
        double[][] lower = bounds(n, "lower", levels.length, values.length);
        double[][] upper = bounds(n, "upper", levels.length, values.length);
        return new Forecast.Ahead(
                values, times, levels, lower, upper, Codecs.textOrNull(n, "intervals"));
    }

    private static double[][] bounds(JsonNode n, String field, int levels, int steps) {
        JsonNode f = Codecs.required(n, field);
        if (!f.isArray() || f.size() != levels) {
            throw new IllegalArgumentException(
                    "field \"ahead." + field + "\": expected one array per level, got " + f);
        }
        double[][] b = new double[levels][];
        for (int l = 0; l < levels; l++) {
            JsonNode row = f.get(l);
            b[l] = new double[steps];
            if (!row.isArray() || row.size() != steps) {
                throw new IllegalArgumentException(
                        "field \"ahead." + field + "\": expected " + steps + " bounds, got " + row);
            }
            for (int h = 0; h < steps; h++) {
                JsonNode e = row.get(h);
                b[l][h] =
                        e.isNull()
                                ? Double.NaN
                                : (float) Codecs.asDouble(e, "ahead." + field + "[" + l + "]");
            }
        }
        return b;
    }

    /**
     * Reads a forecast written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static Forecast fromJson(byte[] json) {
        return fromNode(Codecs.object(json, "forecast"));
    }

    /**
     * Reads a forecast in either format: CBOR when the value starts with CBOR's self-describe tag
     * (as {@link #toCbor} writes it), JSON otherwise.
     *
     * @throws IllegalArgumentException naming the field and the bad value
     */
    public static Forecast read(byte[] value) {
        return isCbor(value) ? fromNode(Codecs.cborObject(value, "forecast")) : fromJson(value);
    }

    /** Whether a value starts with CBOR's self-describe tag 55799 ({@code d9 d9 f7}). */
    public static boolean isCbor(byte[] value) {
        return value != null
                && value.length >= 3
                && value[0] == (byte) 0xd9
                && value[1] == (byte) 0xd9
                && value[2] == (byte) 0xf7;
    }

    private static Forecast fromNode(JsonNode n) {
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
                n.hasNonNull("filled") ? (int) Codecs.integer(n, "filled") : null,
                n.hasNonNull("ahead") ? readAhead(n.get("ahead")) : null,
                Codecs.textOrNull(n, "modelName"),
                n.hasNonNull("modelVersion") ? Codecs.integer(n, "modelVersion") : null);
    }
}
