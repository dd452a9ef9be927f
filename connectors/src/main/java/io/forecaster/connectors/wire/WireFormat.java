package io.forecaster.connectors.wire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Constants and small rules of the wire format shared by every codec: the version, the key rules
 * and how event times are written and read (see docs/wire-format.md).
 */
public final class WireFormat {

    /** The value of the {@code v} field this code writes and reads. */
    public static final int VERSION = 1;

    /** Longest sensor id (Kafka key) accepted, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 128;

    /** Default limit on a point record's value size in bytes; a point is ~80 bytes. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 4096;

    /** Earliest event time accepted: 0000-01-01T00:00:00Z. */
    public static final long MIN_TIME_MS = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();

    /** Latest event time accepted: 9999-12-31T23:59:59.999Z. */
    public static final long MAX_TIME_MS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private WireFormat() {}

    /** Writes an event time as ISO-8601 in UTC, e.g. {@code 1961-01-01T00:00:00Z}. */
    public static String formatTime(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    /**
     * Reads an event time: an ISO-8601 instant ({@code 1961-01-01T00:00:00Z}), an offset date-time
     * ({@code 1961-01-01T01:00:00+01:00}), a local date-time or a date (both taken as UTC), or
     * epoch milliseconds as an integer.
     *
     * @throws IllegalArgumentException naming the text when it is none of these or out of range
     */
    public static long parseTime(String text) {
        String t = text.strip();
        long ms;
        if (!t.isEmpty()
                && t.chars().allMatch(c -> Character.isDigit(c) || c == '-')
                && t.lastIndexOf('-') <= 0) {
            try {
                ms = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not epoch milliseconds: \"" + text + "\"");
            }
        } else {
            ms = parseIso(text, t);
        }
        checkTimeRange(ms, text);
        return ms;
    }

    /** Checks that epoch milliseconds lie within the accepted years 0000-9999. */
    public static long checkTimeRange(long epochMs, Object shown) {
        if (epochMs < MIN_TIME_MS || epochMs > MAX_TIME_MS) {
            throw new IllegalArgumentException(
                    "time out of range [0000-01-01, 9999-12-31]: " + shown);
        }
        return epochMs;
    }

    private static long parseIso(String text, String t) {
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            if (t.endsWith("Z") || t.endsWith("z")) {
                return Instant.parse(t.toUpperCase(java.util.Locale.ROOT)).toEpochMilli();
            }
            int tee = t.indexOf('T');
            if (tee > 0 && (t.indexOf('+', tee) > 0 || t.indexOf('-', tee) > 0)) {
                return OffsetDateTime.parse(t).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not an ISO-8601 time: \"" + text + "\"");
        }
    }

    /**
     * Checks a sensor id (Kafka key): non-blank, at most {@link #MAX_KEY_BYTES} UTF-8 bytes, no
     * control characters.
     *
     * @return null when valid, else a message naming the problem and the key
     */
    public static String keyProblem(String key) {
        if (key == null) {
            return "key is missing";
        }
        if (key.isBlank()) {
            return "key is empty: \"" + key + "\"";
        }
        // (a char is at most 3 UTF-8 bytes: most keys need no encoding to be measured)
        int bytes =
                key.length() * 3 <= MAX_KEY_BYTES
                        ? key.length()
                        : key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            return "key is "
                    + bytes
                    + " bytes, longer than "
                    + MAX_KEY_BYTES
                    + ": \""
                    + shorten(key)
                    + "\"";
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                return "key has control characters: \"" + shorten(key) + "\"";
            }
        }
        return null;
    }

    /** Cuts a value for an error message to at most 80 characters. */
    public static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
