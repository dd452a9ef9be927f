package io.forecaster.connectors.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;

/** Field readers for the codecs' decoders; every error names the field and the bad value. */
final class Codecs {

    private Codecs() {}

    static JsonNode object(byte[] json, String what) {
        return object(Json.READER, "JSON", json, what);
    }

    /** As {@link #object}, for a CBOR value. */
    static JsonNode cborObject(byte[] cbor, String what) {
        return object(Json.CBOR_READER, "CBOR", cbor, what);
    }

    private static JsonNode object(ObjectReader reader, String format, byte[] value, String what) {
        JsonNode n;
        try {
            n = value == null ? null : reader.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "not a " + format + " " + what + ": " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a " + format + " " + what + " object: " + n);
        }
        return n;
    }

    static void checkVersion(JsonNode n) {
        JsonNode v = n.get("v");
        if (v != null && !(v.isIntegralNumber() && v.asLong() == WireFormat.VERSION)) {
            throw new IllegalArgumentException(
                    "field \"v\": expected " + WireFormat.VERSION + ", got " + v);
        }
    }

    static JsonNode required(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            throw new IllegalArgumentException("field \"" + field + "\" is missing");
        }
        return f;
    }

    static String text(JsonNode n, String field) {
        JsonNode f = required(n, field);
        if (!f.isTextual()) {
            throw new IllegalArgumentException(
                    "field \"" + field + "\": expected a string, got " + f);
        }
        return f.textValue();
    }

    static String textOrNull(JsonNode n, String field) {
        JsonNode f = n.get(field);
        return f == null || f.isNull() ? null : text(n, field);
    }

    static long integer(JsonNode n, String field) {
        JsonNode f = required(n, field);
        if (!f.isIntegralNumber() || !f.canConvertToLong()) {
            throw new IllegalArgumentException(
                    "field \"" + field + "\": expected an integer, got " + f);
        }
        return f.longValue();
    }

    static long time(JsonNode n, String field) {
        return timeValue(required(n, field), field);
    }

    /** A time value: epoch milliseconds or an ISO-8601 instant. */
    static long timeValue(JsonNode f, String field) {
        try {
            if (f.isIntegralNumber() && f.canConvertToLong()) {
                return WireFormat.checkTimeRange(f.longValue(), f.longValue());
            }
            if (f.isTextual()) {
                return WireFormat.parseTime(f.textValue());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"" + field + "\": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("field \"" + field + "\": expected a time, got " + f);
    }

    static double asDouble(JsonNode f, String field) {
        if (f != null && f.isNumber()) {
            return f.doubleValue();
        }
        if (f != null && f.isTextual()) {
            switch (f.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("field \"" + field + "\": expected a number, got " + f);
    }

    /** An array field of numbers; a null element reads as NaN. */
    static double[] doubles(JsonNode n, String field) {
        JsonNode f = required(n, field);
        if (!f.isArray()) {
            throw new IllegalArgumentException(
                    "field \"" + field + "\": expected an array, got " + f);
        }
        double[] d = new double[f.size()];
        for (int i = 0; i < d.length; i++) {
            JsonNode e = f.get(i);
            d[i] = e.isNull() ? Double.NaN : asDouble(e, field + "[" + i + "]");
        }
        return d;
    }
}
