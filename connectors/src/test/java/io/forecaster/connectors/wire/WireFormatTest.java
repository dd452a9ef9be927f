package io.forecaster.connectors.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void readsTheTimesItWritesBackExactlyAcrossItsRange() {
        Random r = new Random(7);
        long min = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 50_000; i++) {
            long ms = min + (long) (r.nextDouble() * (max - min));
            if (i % 3 == 0) {
                ms -= Math.floorMod(ms, 1000); // whole seconds: written without a fraction
            }
            String text = WireFormat.formatTime(ms);
            assertThat(text).isEqualTo(Instant.ofEpochMilli(ms).toString());
            assertThat(WireFormat.canonicalInstant(text)).as(text).isEqualTo(ms);
            assertThat(WireFormat.parseTime(text)).as(text).isEqualTo(ms);
        }
        for (String edge :
                new String[] {
                    "0000-01-01T00:00:00Z",
                    "9999-12-31T23:59:59.999Z",
                    "2024-02-29T12:00:00Z",
                    "1970-01-01T00:00:00.000Z",
                    "1969-12-31T23:59:59.999Z"
                }) {
            assertThat(WireFormat.canonicalInstant(edge))
                    .as(edge)
                    .isEqualTo(Instant.parse(edge).toEpochMilli());
        }
    }

    @Test
    void writesTimesOutsideTheAcceptedYearsAsInstantDoes() {
        for (long ms : new long[] {Long.MIN_VALUE, -62_167_219_200_001L, 253_402_300_800_000L}) {
            assertThat(WireFormat.formatTime(ms)).isEqualTo(Instant.ofEpochMilli(ms).toString());
        }
    }

    @Test
    void leavesEveryOtherSpellingToTheFullParserWhichJudgesItAsBefore() {
        for (String other :
                new String[] {
                    "2023-02-29T00:00:00Z", // no such day
                    "2024-04-31T00:00:00Z",
                    "2024-01-01T24:00:00Z",
                    "2024-01-01T23:60:00Z",
                    "2024-01-01T23:59:60Z", // a leap second: the full parser's call
                    "2024-01-01T00:00:00.5Z",
                    "2024-01-01T00:00:00.123456Z",
                    "2024-01-01t00:00:00Z",
                    "2024-01-01T00:00:00z",
                    "2024-1-01T00:00:00.000Z",
                    "+2024-01-01T00:00:00Z",
                    "2024-01-01T00:00:00+01:00",
                    "2024-01-01T00:00:0xZ"
                }) {
            assertThat(WireFormat.canonicalInstant(other)).as(other).isEqualTo(Long.MIN_VALUE);
        }
        assertThat(WireFormat.parseTime("2024-01-01T00:00:00z"))
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
        assertThat(WireFormat.parseTime("2024-01-01T00:00:00.5Z"))
                .isEqualTo(Instant.parse("2024-01-01T00:00:00.500Z").toEpochMilli());
        assertThatThrownBy(() -> WireFormat.parseTime("2023-02-29T00:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an ISO-8601 time: \"2023-02-29T00:00:00Z\"");
    }
}
