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
        if (epochMs < MIN_TIME_MS || epochMs > MAX_TIME_MS) {
            return Instant.ofEpochMilli(epochMs).toString();
        }
        // Instant.toString's text for years 0000-9999, written without a formatter
        long days = Math.floorDiv(epochMs, 86_400_000L);
        int ofDay = (int) Math.floorMod(epochMs, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(days);
        int milli = ofDay % 1000;
        char[] c = new char[milli == 0 ? 20 : 24];
        put(c, 0, date.getYear(), 4);
        c[4] = '-';
        put(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        put(c, 11, ofDay / 3_600_000, 2);
        c[13] = ':';
        put(c, 14, ofDay / 60_000 % 60, 2);
        c[16] = ':';
        put(c, 17, ofDay / 1000 % 60, 2);
        if (milli != 0) {
            c[19] = '.';
            put(c, 20, milli, 3);
        }
        c[c.length - 1] = 'Z';
        return new String(c);
    }

    /** Writes {@code v} as {@code width} decimal digits (leading zeros) at {@code at}. */
    private static void put(char[] c, int at, int v, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + v % 10);
            v /= 10;
        }
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
        if (!t.isEmpty() && digitsOrMinus(t) && t.lastIndexOf('-') <= 0) {
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

    private static boolean digitsOrMinus(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!Character.isDigit(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * Epoch milliseconds of an instant written exactly as {@link #formatTime} writes one ({@code
     * yyyy-MM-ddTHH:mm:ssZ} or {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, a valid date and time), read
     * without a formatter; {@link Long#MIN_VALUE} for any other text (the full parser's to judge).
     */
    static long canonicalInstant(String t) {
        int n = t.length();
        if ((n != 20 && n != 24)
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':'
                || t.charAt(n - 1) != 'Z'
                || (n == 24 && t.charAt(19) != '.')) {
            return Long.MIN_VALUE;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        int milli = n == 24 ? digits(t, 20, 3) : 0;
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
            return Long.MIN_VALUE;
        }
        if (minute < 0 || minute > 59 || second < 0 || second > 59 || milli < 0) {
            return Long.MIN_VALUE;
        }
        if (day > java.time.Month.of(month).length(java.time.Year.isLeap(year))) {
            return Long.MIN_VALUE;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + milli;
    }

    /** The decimal number of {@code length} ASCII digits at {@code from}, or -1. */
    private static int digits(String t, int from, int length) {
        int v = 0;
        for (int i = from; i < from + length; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static long parseIso(String text, String t) {
        long canonical = canonicalInstant(t);
        if (canonical != Long.MIN_VALUE) {
            return canonical;
        }
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
