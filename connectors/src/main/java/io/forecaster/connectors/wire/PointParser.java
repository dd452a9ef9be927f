package io.forecaster.connectors.wire;

import static io.forecaster.connectors.DeadLetterReasons.BAD_KEY;
import static io.forecaster.connectors.DeadLetterReasons.BAD_TIME;
import static io.forecaster.connectors.DeadLetterReasons.BAD_VALUE;
import static io.forecaster.connectors.DeadLetterReasons.BAD_VERSION;
import static io.forecaster.connectors.DeadLetterReasons.EMPTY;
import static io.forecaster.connectors.DeadLetterReasons.MALFORMED_BINARY;
import static io.forecaster.connectors.DeadLetterReasons.MALFORMED_CSV;
import static io.forecaster.connectors.DeadLetterReasons.MALFORMED_JSON;
import static io.forecaster.connectors.DeadLetterReasons.MISSING_FIELD;
import static io.forecaster.connectors.DeadLetterReasons.TOO_LARGE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a point record's key and value bytes into a {@link SensorPoint}, or into a {@link
 * DeadLetter} when they cannot be read. It never throws on bad input: every problem becomes a dead
 * letter whose reason is one of {@link io.forecaster.connectors.DeadLetterReasons} and whose detail
 * names the field and the bad value; the raw value bytes are kept unchanged.
 *
 * <p>The sensor id comes from the Kafka key; a value's own {@code sensor} field (JSON) or first
 * column (CSV) must agree with the key when both are present, and stands in for a missing key.
 * Thread-compatible and serializable, so a Flink schema or function can hold one.
 */
public final class PointParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private final PointFormat format;
    private final int maxValueBytes;
    private final Clock clock;

    /** A parser with the default size limit and the system clock for dead-letter times. */
    public PointParser(PointFormat format) {
        this(format, WireFormat.DEFAULT_MAX_VALUE_BYTES, Clock.systemUTC());
    }

    /**
     * @param format how values are written
     * @param maxValueBytes values longer than this become "too-large" dead letters
     * @param clock gives {@link DeadLetter#time()}
     */
    public PointParser(PointFormat format, int maxValueBytes, Clock clock) {
        this.format = Objects.requireNonNull(format, "format");
        if (maxValueBytes <= 0) {
            throw new IllegalArgumentException("maxValueBytes must be > 0, got " + maxValueBytes);
        }
        this.maxValueBytes = maxValueBytes;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public PointFormat format() {
        return format;
    }

    /**
     * Reads one record.
     *
     * @param topic the topic it was read from (kept in a dead letter)
     * @param partition its partition, -1 if unknown
     * @param offset its offset, -1 if unknown
     * @param key the Kafka key bytes, may be null
     * @param value the Kafka value bytes, may be null
     * @return a point or a dead letter, never null
     */
    public ParsedPoint parse(String topic, int partition, long offset, byte[] key, byte[] value) {
        Source src = new Source(topic, partition, offset, key, value);
        try {
            return ParsedPoint.of(read(key, value));
        } catch (BadRecord bad) {
            return ParsedPoint.of(
                    src.deadLetter(bad.reason, bad.getMessage(), clock.millis(), maxValueBytes));
        } catch (RuntimeException unexpected) {
            // A bug, not bad input: still never throw out of a source.
            String why = unexpected.getClass().getSimpleName() + ": " + unexpected.getMessage();
            return ParsedPoint.of(
                    src.deadLetter(
                            switch (format) {
                                case JSON -> MALFORMED_JSON;
                                case CSV -> MALFORMED_CSV;
                                case BINARY -> MALFORMED_BINARY;
                            },
                            "could not read the record: " + why,
                            clock.millis(),
                            maxValueBytes));
        }
    }

    private SensorPoint read(byte[] keyBytes, byte[] value) throws BadRecord {
        if (value == null || value.length == 0) {
            throw new BadRecord(EMPTY, "record value is " + (value == null ? "null" : "empty"));
        }
        if (value.length > maxValueBytes) {
            throw new BadRecord(
                    TOO_LARGE,
                    "record value is "
                            + value.length
                            + " bytes, longer than the limit of "
                            + maxValueBytes
                            + "; the dead letter keeps the first "
                            + maxValueBytes);
        }
        String key = decodeKey(keyBytes);
        return switch (format) {
            case JSON -> {
                SensorPoint fast = readFlatJson(key, value);
                yield fast != null ? fast : readJson(key, value);
            }
            case CSV -> readCsv(key, value);
            case BINARY -> readBinary(key, value);
        };
    }

    private static SensorPoint readBinary(String key, byte[] value) throws BadRecord {
        if (value.length != PointCodec.BINARY_BYTES) {
            throw new BadRecord(
                    MALFORMED_BINARY,
                    "expected "
                            + PointCodec.BINARY_BYTES
                            + " bytes (version, time, value), got "
                            + value.length);
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        int version = b.get();
        if (version != WireFormat.VERSION) {
            throw new BadRecord(
                    BAD_VERSION,
                    "version byte: expected " + WireFormat.VERSION + ", got " + version);
        }
        if (key == null) {
            throw new BadRecord(
                    MISSING_FIELD, "no key: a binary point's sensor id is its Kafka key");
        }
        String id = sensorId(key, null, "key");
        long time;
        long ms = b.getLong();
        try {
            time = WireFormat.checkTimeRange(ms, ms);
        } catch (IllegalArgumentException e) {
            throw new BadRecord(BAD_TIME, "field \"time\": " + e.getMessage());
        }
        double v = b.getDouble();
        return new SensorPoint(id, time, finite(v, () -> Double.toString(v)));
    }

    private static String decodeKey(byte[] keyBytes) throws BadRecord {
        if (keyBytes == null) {
            return null;
        }
        if (ascii(keyBytes)) {
            // (the common case, and valid UTF-8 as it stands: no decoder needed)
            return new String(keyBytes, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(keyBytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadRecord(BAD_KEY, "key is not UTF-8: " + keyBytes.length + " bytes");
        }
    }

    private static boolean ascii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A good point written the usual way, read without building a tree: a flat JSON object with at
     * most the fields {@code v}, {@code sensor}, {@code time} and {@code value}, each once, of the
     * types {@link #readJson} accepts. Anything else, and any point {@link #readJson} would reject,
     * gives null, so that {@link #readJson} reads it and says what is wrong in the same words.
     */
    private static SensorPoint readFlatJson(String key, byte[] value) {
        String sensor = null;
        boolean hasTime = false;
        long time = 0;
        boolean hasValue = false;
        double v = 0;
        int seen = 0; // a bit per field: a field twice goes to the tree reader, which rejects it
        try (JsonParser p = Json.FLAT_READER.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken vt = p.nextToken();
                int bit =
                        switch (field) {
                            case "v" -> 1;
                            case "sensor" -> 2;
                            case "time" -> 4;
                            case "value" -> 8;
                            default -> 0;
                        };
                if (bit == 0 || (seen & bit) != 0) {
                    return null;
                }
                seen |= bit;
                switch (bit) {
                    case 1 -> {
                        if (vt != JsonToken.VALUE_NUMBER_INT
                                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                || p.getLongValue() != WireFormat.VERSION) {
                            return null;
                        }
                    }
                    case 2 -> {
                        if (vt == JsonToken.VALUE_STRING) {
                            sensor = p.getText();
                        } else if (vt != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case 4 -> {
                        if (vt == JsonToken.VALUE_STRING) {
                            time = WireFormat.parseTime(p.getText());
                        } else if (vt == JsonToken.VALUE_NUMBER_INT
                                && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            time = WireFormat.checkTimeRange(p.getLongValue(), p.getLongValue());
                        } else {
                            return null;
                        }
                        hasTime = true;
                    }
                    case 8 -> {
                        if (vt != JsonToken.VALUE_NUMBER_INT
                                && vt != JsonToken.VALUE_NUMBER_FLOAT) {
                            return null;
                        }
                        v = p.getDoubleValue();
                        if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
                            return null;
                        }
                        hasValue = true;
                    }
                    default -> {} // (the one bit of a known field: one of the above)
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || !hasTime || !hasValue) {
                return null;
            }
            return new SensorPoint(sensorId(key, sensor, "field \"sensor\""), time, v);
        } catch (IOException | IllegalArgumentException | BadRecord e) {
            return null;
        }
    }

    private static SensorPoint readJson(String key, byte[] value) throws BadRecord {
        JsonNode root;
        try {
            root = Json.READER.readTree(value);
        } catch (JsonProcessingException e) {
            // a broken limit (number length, nesting depth: StreamConstraintsException) has no
            // location; its message names the limit
            throw new BadRecord(
                    MALFORMED_JSON,
                    "not valid JSON: "
                            + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " at " + e.getLocation().offsetDescription()));
        } catch (IOException e) {
            throw new BadRecord(MALFORMED_JSON, "not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRecord(
                    MALFORMED_JSON,
                    "expected a JSON object, got "
                            + (root == null
                                    ? "nothing"
                                    : root.getNodeType().name().toLowerCase()
                                            + " "
                                            + WireFormat.shorten(root.toString())));
        }
        JsonNode v = root.get("v");
        if (v != null && !(v.isIntegralNumber() && v.asLong() == WireFormat.VERSION)) {
            throw new BadRecord(
                    BAD_VERSION,
                    "field \"v\": expected "
                            + WireFormat.VERSION
                            + ", got "
                            + WireFormat.shorten(v.toString()));
        }
        JsonNode sensorNode = root.get("sensor");
        String sensor = null;
        if (sensorNode != null && !sensorNode.isNull()) {
            if (!sensorNode.isTextual()) {
                throw new BadRecord(
                        BAD_KEY,
                        "field \"sensor\": expected a string, got "
                                + WireFormat.shorten(sensorNode.toString()));
            }
            sensor = sensorNode.textValue();
        }
        String id = sensorId(key, sensor, "field \"sensor\"");

        JsonNode timeNode = root.get("time");
        if (timeNode == null || timeNode.isNull()) {
            throw new BadRecord(MISSING_FIELD, "field \"time\" is missing");
        }
        long time;
        if (timeNode.isTextual()) {
            time = time(timeNode.textValue());
        } else if (timeNode.isIntegralNumber() && timeNode.canConvertToLong()) {
            try {
                time = WireFormat.checkTimeRange(timeNode.longValue(), timeNode.longValue());
            } catch (IllegalArgumentException e) {
                throw new BadRecord(BAD_TIME, "field \"time\": " + e.getMessage());
            }
        } else {
            throw new BadRecord(
                    BAD_TIME,
                    "field \"time\": expected an ISO-8601 string or "
                            + "integer epoch milliseconds, got "
                            + WireFormat.shorten(timeNode.toString()));
        }

        JsonNode valueNode = root.get("value");
        if (valueNode == null || valueNode.isNull()) {
            throw new BadRecord(MISSING_FIELD, "field \"value\" is missing");
        }
        if (!valueNode.isNumber()) {
            throw new BadRecord(
                    BAD_VALUE,
                    "field \"value\": expected a number, got "
                            + WireFormat.shorten(valueNode.toString()));
        }
        return new SensorPoint(id, time, finite(valueNode.doubleValue(), valueNode::asText));
    }

    private static SensorPoint readCsv(String key, byte[] value) throws BadRecord {
        String line = new String(value, StandardCharsets.UTF_8);
        List<CSVRecord> records;
        try (CSVParser parser =
                CSVParser.builder()
                        .setReader(new StringReader(line))
                        .setFormat(CSVFormat.DEFAULT)
                        .get()) {
            records = parser.getRecords();
        } catch (IOException | java.io.UncheckedIOException | IllegalStateException e) {
            throw new BadRecord(
                    MALFORMED_CSV,
                    "not a CSV line: " + e.getMessage() + ": \"" + WireFormat.shorten(line) + "\"");
        }
        if (records.size() != 1 || records.get(0).size() != 3) {
            throw new BadRecord(
                    MALFORMED_CSV,
                    "expected one line of 3 fields sensor,time,value, got "
                            + records.size()
                            + " line(s)"
                            + (records.isEmpty() ? "" : ", " + records.get(0).size() + " field(s)")
                            + ": \""
                            + WireFormat.shorten(line.strip())
                            + "\"");
        }
        CSVRecord r = records.get(0);
        String sensor = r.get(0).isEmpty() ? null : r.get(0);
        String id = sensorId(key, sensor, "column \"sensor\"");
        long time = time(r.get(1));
        return new SensorPoint(id, time, finite(number(r.get(2)), () -> r.get(2)));
    }

    private static String sensorId(String key, String sensor, String where) throws BadRecord {
        if (key != null) {
            String problem = WireFormat.keyProblem(key);
            if (problem != null) {
                throw new BadRecord(BAD_KEY, problem);
            }
            if (sensor != null && !sensor.equals(key)) {
                throw new BadRecord(
                        BAD_KEY,
                        where
                                + " \""
                                + WireFormat.shorten(sensor)
                                + "\" differs from the key \""
                                + key
                                + "\"");
            }
            return key;
        }
        if (sensor == null) {
            throw new BadRecord(MISSING_FIELD, "no key and " + where + " is missing");
        }
        String problem = WireFormat.keyProblem(sensor);
        if (problem != null) {
            throw new BadRecord(BAD_KEY, where + ": " + problem.replace("key", "sensor id"));
        }
        return sensor;
    }

    private static long time(String text) throws BadRecord {
        try {
            return WireFormat.parseTime(text);
        } catch (IllegalArgumentException e) {
            throw new BadRecord(BAD_TIME, "field \"time\": " + e.getMessage());
        }
    }

    private static double number(String text) throws BadRecord {
        String t = text.strip();
        if (t.equalsIgnoreCase("nan") || t.matches("(?i)[+-]?inf(inity)?")) {
            throw new BadRecord(BAD_VALUE, "field \"value\" is not finite: " + text);
        }
        try {
            return new BigDecimal(t).doubleValue();
        } catch (NumberFormatException e) {
            throw new BadRecord(
                    BAD_VALUE,
                    "field \"value\": expected a number, got \"" + WireFormat.shorten(text) + "\"");
        }
    }

    /**
     * {@code d}, if the model can take it; {@code shown} is how the record wrote it, for the error
     * only (rendering a number as text costs more than reading it).
     */
    private static double finite(double d, java.util.function.Supplier<String> shown)
            throws BadRecord {
        if (!Double.isFinite(d)) {
            throw new BadRecord(
                    BAD_VALUE, "field \"value\" is not finite: " + WireFormat.shorten(shown.get()));
        }
        // The model computes in float32: a value float32 cannot hold would become infinite there
        // and poison the forecasts (and, in stateful mode, the key's state until it resets).
        if (Math.abs(d) > Float.MAX_VALUE) {
            throw new BadRecord(
                    BAD_VALUE,
                    "field \"value\" is outside the float32 range the model "
                            + "computes in (|value| <= "
                            + Float.MAX_VALUE
                            + "): "
                            + WireFormat.shorten(shown.get()));
        }
        return d;
    }

    private record Source(String topic, int partition, long offset, byte[] key, byte[] value) {
        /**
         * Keeps at most {@code limit} bytes of the key and of the value: a dead letter must stay
         * within the dead-letter sink's record size (1 MB by Kafka's defaults), or writing it fails
         * the job on every restart. Only over-long keys and too-large values are cut.
         */
        DeadLetter deadLetter(String reason, String detail, long time, int limit) {
            String k = key == null ? null : new String(cut(key, limit), StandardCharsets.UTF_8);
            return new DeadLetter(
                    topic, partition, offset, k, cut(value, limit), reason, detail, time);
        }

        private static byte[] cut(byte[] b, int limit) {
            return b == null || b.length <= limit ? b : java.util.Arrays.copyOf(b, limit);
        }
    }

    /** Bad input: carries the dead-letter reason; the message is the detail. */
    private static final class BadRecord extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;

        BadRecord(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
