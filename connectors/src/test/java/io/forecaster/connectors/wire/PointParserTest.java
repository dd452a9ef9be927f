package io.forecaster.connectors.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link PointParser} and {@link PointCodec}: round trips and every bad input. */
class PointParserTest {

    private static final long NOW = Instant.parse("2026-01-01T12:00:00Z").toEpochMilli();
    private static final long JAN_1_1961 = Instant.parse("1961-01-01T00:00:00Z").toEpochMilli();
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    private static final PointParser JSON = new PointParser(PointFormat.JSON, 4096, CLOCK);
    private static final PointParser CSV = new PointParser(PointFormat.CSV, 4096, CLOCK);

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static ParsedPoint json(String key, String value) {
        return JSON.parse("points", 3, 42L, utf8(key), utf8(value));
    }

    private static ParsedPoint csv(String key, String value) {
        return CSV.parse("points", 3, 42L, utf8(key), utf8(value));
    }

    @Test
    void readsTheDocumentedJsonExample() {
        ParsedPoint p =
                json(
                        "VAL",
                        "{\"v\":1,\"sensor\":\"VAL\",\"time\":\"1961-01-01T00:00:00Z\",\"value\":13.67}");
        assertThat(p.isPoint()).isTrue();
        assertThat(p.point()).isEqualTo(new SensorPoint("VAL", JAN_1_1961, 13.67));
    }

    @Test
    void readsEpochMillisDatesOffsetsAndMissingVersion() {
        assertThat(json("VAL", "{\"time\":" + JAN_1_1961 + ",\"value\":1}").point().eventTime())
                .isEqualTo(JAN_1_1961);
        assertThat(json("VAL", "{\"time\":\"1961-01-01\",\"value\":1}").point().eventTime())
                .isEqualTo(JAN_1_1961);
        assertThat(
                        json("VAL", "{\"time\":\"1961-01-01T01:00:00+01:00\",\"value\":1}")
                                .point()
                                .eventTime())
                .isEqualTo(JAN_1_1961);
        assertThat(
                        json("VAL", "{\"time\":\"1749-01-31T00:00:00Z\",\"value\":96.7}")
                                .point()
                                .eventTime())
                .isEqualTo(Instant.parse("1749-01-31T00:00:00Z").toEpochMilli());
    }

    @Test
    void readsBackEveryPointItWritesWhateverItsTimeAndValue() {
        java.util.Random r = new java.util.Random(11);
        double[] extremes = {
            0.0, -0.0, Float.MAX_VALUE, -Float.MAX_VALUE, Double.MIN_VALUE, 1e-300, 123456789.125
        };
        for (int i = 0; i < 5_000; i++) {
            long time = (long) (r.nextDouble() * 4e12) - 1_000_000_000_000L;
            double value =
                    i < extremes.length
                            ? extremes[i]
                            : switch (i % 3) {
                                case 0 -> r.nextGaussian() * 1e3;
                                case 1 -> (float) (r.nextGaussian() * 1e-5);
                                default -> Math.round(r.nextGaussian() * 100);
                            };
            SensorPoint point = new SensorPoint("s" + (i % 97), time, value);
            ParsedPoint p =
                    JSON.parse("points", 0, i, utf8(point.sensorId()), PointCodec.json(point));
            assertThat(p.point())
                    .as(new String(PointCodec.json(point), StandardCharsets.UTF_8))
                    .isEqualTo(point);
        }
        // integers, one too big for a long, and fields in another order
        assertThat(json("VAL", "{\"value\":3,\"time\":0,\"sensor\":\"VAL\",\"v\":1}").point())
                .isEqualTo(new SensorPoint("VAL", 0, 3));
        assertThat(json("VAL", "{\"time\":0,\"value\":123456789012345678901234567890}").point())
                .isEqualTo(new SensorPoint("VAL", 0, 1.2345678901234568e29));
    }

    @Test
    void rejectsAFieldGivenTwiceAsMalformed() {
        for (String twice :
                new String[] {
                    "{\"time\":0,\"value\":1,\"value\":2}",
                    "{\"v\":1,\"v\":1,\"time\":0,\"value\":1}",
                    "{\"time\":0,\"unit\":\"m\",\"value\":1,\"unit\":\"m\"}"
                }) {
            ParsedPoint p = json("VAL", twice);
            assertThat(p.isPoint()).as(twice).isFalse();
            assertThat(p.deadLetter().reason()).as(twice).isEqualTo("malformed-json");
            assertThat(p.deadLetter().detail()).as(twice).contains("Duplicate field");
        }
    }

    @Test
    void takesTheSensorFieldWhenTheKeyIsMissing() {
        ParsedPoint p = json(null, "{\"sensor\":\"BEL\",\"time\":0,\"value\":2.5}");
        assertThat(p.point()).isEqualTo(new SensorPoint("BEL", 0, 2.5));
    }

    @Test
    void ignoresUnknownFields() {
        ParsedPoint p = json("VAL", "{\"time\":0,\"value\":2.5,\"unit\":\"knots\"}");
        assertThat(p.point()).isEqualTo(new SensorPoint("VAL", 0, 2.5));
    }

    @Test
    void roundTripsJsonAndCsv() {
        SensorPoint[] points = {
            new SensorPoint("VAL", JAN_1_1961, 13.67),
            new SensorPoint("with,comma \"quoted\"", -6_000_000_000_000L, -0.001),
            new SensorPoint("ü-sensor", 1_700_000_000_123L, 1e-300),
            new SensorPoint("x", 0, Float.MAX_VALUE), // the largest value accepted
        };
        for (SensorPoint p : points) {
            for (PointFormat f : PointFormat.values()) {
                PointParser parser = new PointParser(f, 4096, CLOCK);
                ParsedPoint back =
                        parser.parse("t", 0, 0, PointCodec.key(p), PointCodec.value(p, f));
                assertThat(back.point()).as("%s in %s", p, f).isEqualTo(p);
            }
        }
    }

    @Test
    void readsCsvLines() {
        assertThat(csv("VAL", "VAL,1961-01-01,13.67\n").point())
                .isEqualTo(new SensorPoint("VAL", JAN_1_1961, 13.67));
        assertThat(csv(null, "VAL,1961-01-01T00:00:00Z,13.67").point())
                .isEqualTo(new SensorPoint("VAL", JAN_1_1961, 13.67));
        assertThat(csv("VAL", "," + JAN_1_1961 + ",1").point())
                .isEqualTo(new SensorPoint("VAL", JAN_1_1961, 1));
    }

    static Stream<Arguments> badJson() {
        String longKey = "k".repeat(WireFormat.MAX_KEY_BYTES + 1);
        return Stream.of(
                Arguments.of("VAL", null, DeadLetterReasons.EMPTY, "null"),
                Arguments.of("VAL", "", DeadLetterReasons.EMPTY, "empty"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":",
                        DeadLetterReasons.MALFORMED_JSON,
                        "not valid JSON"),
                Arguments.of("VAL", "not json", DeadLetterReasons.MALFORMED_JSON, "not valid JSON"),
                Arguments.of("VAL", "[1,2]", DeadLetterReasons.MALFORMED_JSON, "array [1,2]"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":1} {}",
                        DeadLetterReasons.MALFORMED_JSON,
                        "not valid JSON"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":1,\"value\":2}",
                        DeadLetterReasons.MALFORMED_JSON,
                        "value"),
                Arguments.of(
                        "VAL",
                        "{\"v\":2,\"time\":0,\"value\":1}",
                        DeadLetterReasons.BAD_VERSION,
                        "\"v\": expected 1, got 2"),
                Arguments.of(
                        "VAL",
                        "{\"v\":\"1\",\"time\":0,\"value\":1}",
                        DeadLetterReasons.BAD_VERSION,
                        "got \"1\""),
                Arguments.of(
                        "VAL",
                        "{\"value\":1}",
                        DeadLetterReasons.MISSING_FIELD,
                        "\"time\" is missing"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0}",
                        DeadLetterReasons.MISSING_FIELD,
                        "\"value\" is missing"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":null}",
                        DeadLetterReasons.MISSING_FIELD,
                        "\"value\" is missing"),
                Arguments.of(
                        null,
                        "{\"time\":0,\"value\":1}",
                        DeadLetterReasons.MISSING_FIELD,
                        "\"sensor\" is missing"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":\"13.5\"}",
                        DeadLetterReasons.BAD_VALUE,
                        "expected a number, got \"13.5\""),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":true}",
                        DeadLetterReasons.BAD_VALUE,
                        "got true"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":NaN}",
                        DeadLetterReasons.BAD_VALUE,
                        "not finite: NaN"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":-Infinity}",
                        DeadLetterReasons.BAD_VALUE,
                        "not finite: -Infinity"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":1e400}",
                        DeadLetterReasons.BAD_VALUE,
                        "not finite"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":1e39}",
                        DeadLetterReasons.BAD_VALUE,
                        "outside the float32 range"),
                Arguments.of(
                        "VAL",
                        "{\"time\":0,\"value\":-1.7976931348623157e308}",
                        DeadLetterReasons.BAD_VALUE,
                        "outside the float32 range"),
                Arguments.of(
                        "VAL",
                        "{\"time\":\"yesterday\",\"value\":1}",
                        DeadLetterReasons.BAD_TIME,
                        "\"yesterday\""),
                Arguments.of(
                        "VAL",
                        "{\"time\":\"1961-13-01\",\"value\":1}",
                        DeadLetterReasons.BAD_TIME,
                        "\"1961-13-01\""),
                Arguments.of(
                        "VAL", "{\"time\":1.5,\"value\":1}", DeadLetterReasons.BAD_TIME, "got 1.5"),
                Arguments.of(
                        "VAL",
                        "{\"time\":true,\"value\":1}",
                        DeadLetterReasons.BAD_TIME,
                        "got true"),
                Arguments.of(
                        "VAL",
                        "{\"time\":99999999999999999,\"value\":1}",
                        DeadLetterReasons.BAD_TIME,
                        "99999999999999999"),
                Arguments.of(
                        "VAL",
                        "{\"time\":123456789012345678901234,\"value\":1}",
                        DeadLetterReasons.BAD_TIME,
                        "123456789012345678901234"),
                Arguments.of(
                        "", "{\"time\":0,\"value\":1}", DeadLetterReasons.BAD_KEY, "key is empty"),
                Arguments.of(
                        "  ",
                        "{\"time\":0,\"value\":1}",
                        DeadLetterReasons.BAD_KEY,
                        "key is empty"),
                Arguments.of(
                        longKey,
                        "{\"time\":0,\"value\":1}",
                        DeadLetterReasons.BAD_KEY,
                        "129 bytes"),
                Arguments.of(
                        "A\nB",
                        "{\"time\":0,\"value\":1}",
                        DeadLetterReasons.BAD_KEY,
                        "control characters"),
                Arguments.of(
                        "VAL",
                        "{\"sensor\":\"BEL\",\"time\":0,\"value\":1}",
                        DeadLetterReasons.BAD_KEY,
                        "\"BEL\" differs from the key \"VAL\""),
                Arguments.of(
                        "VAL",
                        "{\"sensor\":7,\"time\":0,\"value\":1}",
                        DeadLetterReasons.BAD_KEY,
                        "got 7"),
                Arguments.of(
                        null,
                        "{\"sensor\":\"\",\"time\":0,\"value\":1}",
                        DeadLetterReasons.BAD_KEY,
                        "sensor id is empty"));
    }

    @Test
    void keepsTheFirstMaxBytesOfATooLargeValueOrKey() {
        String value = "{\"time\":0,\"value\":1,\"pad\":\"" + "x".repeat(1 << 20) + "\"}";
        DeadLetter d = JSON.parse("points", 3, 42, utf8("VAL"), utf8(value)).deadLetter();
        assertThat(d.reason()).isEqualTo(DeadLetterReasons.TOO_LARGE);
        assertThat(d.detail())
                .contains(utf8(value).length + " bytes, longer than the limit of 4096");
        assertThat(d.raw()).isEqualTo(java.util.Arrays.copyOf(utf8(value), 4096));

        String key = "k".repeat(1 << 20);
        d = JSON.parse("points", 3, 42, utf8(key), utf8("{\"time\":0,\"value\":1}")).deadLetter();
        assertThat(d.reason()).isEqualTo(DeadLetterReasons.BAD_KEY);
        assertThat(d.detail()).contains((1 << 20) + " bytes");
        assertThat(d.key()).isEqualTo(key.substring(0, 4096));
        assertThat(d.raw()).isEqualTo(utf8("{\"time\":0,\"value\":1}"));
    }

    @ParameterizedTest(name = "[{index}] {2}: {1}")
    @MethodSource("badJson")
    void turnsBadJsonIntoDeadLettersKeepingTheRawBytes(
            String key, String value, String reason, String detail) {
        ParsedPoint p = json(key, value);
        assertDeadLetter(p, key, value, reason, detail);
    }

    static Stream<Arguments> badCsv() {
        return Stream.of(
                Arguments.of(
                        "VAL", "VAL,1961-01-01", DeadLetterReasons.MALFORMED_CSV, "2 field(s)"),
                Arguments.of(
                        "VAL", "VAL,1961-01-01,1,2", DeadLetterReasons.MALFORMED_CSV, "4 field(s)"),
                Arguments.of(
                        "VAL",
                        "VAL,1961-01-01,1\nVAL,1961-01-02,2",
                        DeadLetterReasons.MALFORMED_CSV,
                        "2 line(s)"),
                Arguments.of(
                        "VAL",
                        "\"VAL,1961-01-01,1",
                        DeadLetterReasons.MALFORMED_CSV,
                        "not a CSV line"),
                Arguments.of(
                        "VAL", "VAL,1961-01-01,abc", DeadLetterReasons.BAD_VALUE, "got \"abc\""),
                Arguments.of("VAL", "VAL,1961-01-01,", DeadLetterReasons.BAD_VALUE, "got \"\""),
                Arguments.of(
                        "VAL",
                        "VAL,1961-01-01,NaN",
                        DeadLetterReasons.BAD_VALUE,
                        "not finite: NaN"),
                Arguments.of(
                        "VAL",
                        "VAL,1961-01-01,-Infinity",
                        DeadLetterReasons.BAD_VALUE,
                        "not finite: -Infinity"),
                Arguments.of(
                        "VAL",
                        "VAL,1961-01-01,1e999",
                        DeadLetterReasons.BAD_VALUE,
                        "not finite: 1e999"),
                Arguments.of(
                        "VAL", "VAL,01/01/1961,1", DeadLetterReasons.BAD_TIME, "\"01/01/1961\""),
                Arguments.of(
                        "VAL",
                        "BEL,1961-01-01,1",
                        DeadLetterReasons.BAD_KEY,
                        "\"BEL\" differs from the key \"VAL\""),
                Arguments.of(
                        null,
                        ",1961-01-01,1",
                        DeadLetterReasons.MISSING_FIELD,
                        "column \"sensor\" is missing"));
    }

    @ParameterizedTest(name = "[{index}] {2}: {1}")
    @MethodSource("badCsv")
    void turnsBadCsvIntoDeadLettersKeepingTheRawBytes(
            String key, String value, String reason, String detail) {
        assertDeadLetter(csv(key, value), key, value, reason, detail);
    }

    private static final PointParser BINARY = new PointParser(PointFormat.BINARY, 4096, CLOCK);

    private static byte[] binary(int version, long time, double value, int extra) {
        return java.nio.ByteBuffer.allocate(17 + extra)
                .put((byte) version)
                .putLong(time)
                .putDouble(value)
                .array();
    }

    @Test
    void readsTheDocumentedBinaryLayout() {
        // 0x01, 1961-01-01 as big-endian epoch ms, 13.67 as a big-endian IEEE 754 double
        byte[] v = binary(1, JAN_1_1961, 13.67, 0);
        assertThat(v).hasSize(17);
        assertThat(PointCodec.binary(new SensorPoint("VAL", JAN_1_1961, 13.67))).isEqualTo(v);
        assertThat(BINARY.parse("points", 3, 42, utf8("VAL"), v).point())
                .isEqualTo(new SensorPoint("VAL", JAN_1_1961, 13.67));
    }

    static Stream<Arguments> badBinary() {
        return Stream.of(
                Arguments.of(
                        "VAL", binary(1, 0, 1, 1), DeadLetterReasons.MALFORMED_BINARY, "got 18"),
                Arguments.of(
                        "VAL",
                        java.util.Arrays.copyOf(binary(1, 0, 1, 0), 9),
                        DeadLetterReasons.MALFORMED_BINARY,
                        "expected 17 bytes (version, time, value), got 9"),
                Arguments.of("VAL", binary(2, 0, 1, 0), DeadLetterReasons.BAD_VERSION, "got 2"),
                Arguments.of(null, binary(1, 0, 1, 0), DeadLetterReasons.MISSING_FIELD, "no key"),
                Arguments.of("", binary(1, 0, 1, 0), DeadLetterReasons.BAD_KEY, "empty"),
                Arguments.of(
                        "VAL",
                        binary(1, Long.MAX_VALUE, 1, 0),
                        DeadLetterReasons.BAD_TIME,
                        String.valueOf(Long.MAX_VALUE)),
                Arguments.of(
                        "VAL", binary(1, 0, Double.NaN, 0), DeadLetterReasons.BAD_VALUE, "NaN"),
                Arguments.of(
                        "VAL",
                        binary(1, 0, Double.NEGATIVE_INFINITY, 0),
                        DeadLetterReasons.BAD_VALUE,
                        "-Infinity"),
                Arguments.of("VAL", binary(1, 0, 1e39, 0), DeadLetterReasons.BAD_VALUE, "float32"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("badBinary")
    void turnsBadBinaryIntoDeadLettersKeepingTheRawBytes(
            String key, byte[] value, String reason, String detail) {
        ParsedPoint p = BINARY.parse("points", 3, 42L, utf8(key), value);
        assertThat(p.isPoint()).as("expected a dead letter, got %s", p.point()).isFalse();
        assertThat(p.deadLetter().reason()).isEqualTo(reason);
        assertThat(p.deadLetter().detail()).contains(detail);
        assertThat(p.deadLetter().raw()).isEqualTo(value);
        assertThat(p.deadLetter().key()).isEqualTo(key);
    }

    @Test
    void keepsRawBytesThatAreNotUtf8() {
        byte[] raw = {(byte) 0xff, (byte) 0xfe, '{', '}'};
        ParsedPoint p = JSON.parse("points", 0, 7, utf8("VAL"), raw);
        assertThat(p.isPoint()).isFalse();
        assertThat(p.deadLetter().reason()).isEqualTo(DeadLetterReasons.MALFORMED_JSON);
        assertThat(p.deadLetter().raw()).containsExactly(raw);
    }

    @Test
    void rejectsKeysThatAreNotUtf8() {
        ParsedPoint p =
                JSON.parse(
                        "points", 0, 7, new byte[] {(byte) 0xc3}, utf8("{\"time\":0,\"value\":1}"));
        assertThat(p.deadLetter().reason()).isEqualTo(DeadLetterReasons.BAD_KEY);
        assertThat(p.deadLetter().detail()).contains("not UTF-8");
    }

    @Test
    void jsonBeyondTheParsersLimitsNamesTheLimitItBroke() {
        String longNumber = "{\"time\":0,\"value\":" + "1".repeat(3000) + "}";
        String deep = "[".repeat(1500) + "]".repeat(1500); // 3,000 bytes, depth 1,500
        ParsedPoint number = JSON.parse("points", 3, 42, utf8("VAL"), utf8(longNumber));
        ParsedPoint nested = JSON.parse("points", 3, 42, utf8("VAL"), utf8(deep));
        assertDeadLetter(
                number, "VAL", longNumber, DeadLetterReasons.MALFORMED_JSON, "Number value length");
        assertDeadLetter(nested, "VAL", deep, DeadLetterReasons.MALFORMED_JSON, "nesting depth");
        assertThat(number.deadLetter().detail()).doesNotContain("Exception");
        assertThat(nested.deadLetter().detail()).doesNotContain("Exception");
    }

    private static void assertDeadLetter(
            ParsedPoint p, String key, String value, String reason, String detail) {
        assertThat(p.isPoint()).as("expected a dead letter, got %s", p.point()).isFalse();
        DeadLetter d = p.deadLetter();
        assertThat(d.reason()).isEqualTo(reason);
        assertThat(d.detail()).contains(detail);
        assertThat(d.raw()).isEqualTo(utf8(value));
        assertThat(d.key()).isEqualTo(key);
        assertThat(d.sourceTopic()).isEqualTo("points");
        assertThat(d.partition()).isEqualTo(3);
        assertThat(d.offset()).isEqualTo(42L);
        assertThat(d.time()).isEqualTo(NOW);
    }
}
