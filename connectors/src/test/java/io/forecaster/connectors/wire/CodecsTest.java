package io.forecaster.connectors.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.Forecast;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Tests for {@link ForecastCodec}, {@link DeadLetterCodec} and {@link WireFormat}. */
class CodecsTest {

    private static final long JAN_1_1961 = Instant.parse("1961-01-01T00:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;

    @Test
    void roundTripsForecasts() {
        Forecast f =
                new Forecast(
                        "VAL",
                        JAN_1_1961,
                        JAN_1_1961 + 59 * DAY,
                        60,
                        new double[] {
                            1.5, -2.25, Double.NaN, (double) 1e-9f, Double.POSITIVE_INFINITY
                        },
                        13.75,
                        "sunspots-abc123",
                        "window",
                        1_764_000_000_000L);
        byte[] json = ForecastCodec.toJson(f);
        Forecast back = ForecastCodec.fromJson(json);
        assertThat(back).usingRecursiveComparison().ignoringFields("predictions").isEqualTo(f);
        // Arrays.equals treats NaN as equal to NaN, AssertJ's element comparison does not.
        assertThat(Arrays.equals(back.predictions(), f.predictions()))
                .as("%s", Arrays.toString(back.predictions()))
                .isTrue();
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains(
                        "\"sensor\":\"VAL\"",
                        "\"windowStart\":\"1961-01-01T00:00:00Z\"",
                        "\"v\":1",
                        "\"next\":13.75",
                        "\"mode\":\"window\"");
    }

    @Test
    void gridFieldsAreWrittenOnlyWithAGridAndReadBack() {
        Forecast plain = new Forecast("VAL", 0, DAY, 2, new double[] {1, 2}, 2, "m", "window", 0);
        assertThat(new String(ForecastCodec.toJson(plain), StandardCharsets.UTF_8))
                .doesNotContain("nextTime", "filled");
        assertThat(ForecastCodec.fromJson(ForecastCodec.toJson(plain)).nextTime()).isNull();

        Forecast gridded =
                new Forecast(
                        "VAL", 0, DAY, 2, new double[] {1, 2}, 2, "m", "window", 0, 2 * DAY, 1);
        String json = new String(ForecastCodec.toJson(gridded), StandardCharsets.UTF_8);
        assertThat(json).contains("\"nextTime\":\"1970-01-03T00:00:00Z\"", "\"filled\":1");
        Forecast back = ForecastCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(back.nextTime()).isEqualTo(2 * DAY);
        assertThat(back.filled()).isEqualTo(1);
    }

    @Test
    void horizonAndIntervalsTravelAsAnOptionalObjectWithNullForMissingBounds() {
        Forecast.Ahead ahead =
                new Forecast.Ahead(
                        new double[] {2, 2.5, 3},
                        new long[] {2 * DAY, 3 * DAY, 4 * DAY},
                        new double[] {0.8, 0.95},
                        new double[][] {{1.5, 1.75, Double.NaN}, {1, 1.25, Double.NaN}},
                        new double[][] {{2.5, 3.25, Double.NaN}, {3, 3.75, Double.NaN}},
                        "none");
        Forecast f =
                new Forecast(
                        "VAL",
                        0,
                        DAY,
                        2,
                        new double[] {1, 2},
                        2,
                        "m",
                        "window",
                        0,
                        2 * DAY,
                        0,
                        ahead);
        String json = new String(ForecastCodec.toJson(f), StandardCharsets.UTF_8);
        assertThat(json)
                .contains(
                        "\"ahead\":{\"values\":[2.0,2.5,3.0]",
                        "\"times\":[\"1970-01-03T00:00:00Z\"",
                        "\"lower\":[[1.5,1.75,null],[1.0,1.25,null]]",
                        "\"intervals\":\"none\"");
        Forecast back = ForecastCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(back.ahead().values()).containsExactly(2, 2.5, 3);
        assertThat(back.ahead().times()).containsExactly(2 * DAY, 3 * DAY, 4 * DAY);
        assertThat(back.ahead().levels()).containsExactly(0.8, 0.95);
        assertThat(back.ahead().upper()[1][1]).isEqualTo(3.75);
        assertThat(back.ahead().lower()[0][2]).isNaN();
        assertThat(back.ahead().source()).isEqualTo("none");

        assertThatThrownBy(
                        () ->
                                ForecastCodec.fromJson(
                                        json.replace("[[1.5,1.75,null],", "[[1.5,null],")
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("ahead.lower")
                .hasMessageContaining("expected 3 bounds");
    }

    @Test
    void accuracyRecordsRoundTrip() {
        Accuracy a =
                new Accuracy(
                        "VAL",
                        JAN_1_1961,
                        1200,
                        1.875,
                        2.5,
                        new double[] {0.8, 0.95},
                        new double[] {0.79, Double.NaN},
                        "wind-1",
                        1_764_000_000_000L);
        String json = new String(AccuracyCodec.toJson(a), StandardCharsets.UTF_8);
        assertThat(json).contains("\"scored\":1200", "\"coverage\":[0.79,null]");
        Accuracy back = AccuracyCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(back).usingRecursiveComparison().ignoringFields("coverage").isEqualTo(a);
        assertThat(back.coverage()[0]).isEqualTo(0.79);
        assertThat(back.coverage()[1]).isNaN();
        assertThatThrownBy(() -> AccuracyCodec.fromJson("{\"sensor\":1}".getBytes()))
                .hasMessageContaining("field \"sensor\"");
    }

    @Test
    void predictionsTravelAsFloat32InTheirShortestForm() {
        // What the engines produce: float32 results widened to double.
        double[] p = {(double) 0.1f, (double) 12.345678f, (double) -3.4028235e38f, (double) 1e-9f};
        Forecast f =
                new Forecast(
                        "VAL",
                        JAN_1_1961,
                        JAN_1_1961 + 59 * DAY,
                        60,
                        p,
                        p[1],
                        "m",
                        "window",
                        1_764_000_000_000L);
        byte[] json = ForecastCodec.toJson(f);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains(
                        "\"predictions\":[0.1,12.345678,-3.4028235E38,1.0E-9]",
                        "\"next\":12.345678");
        Forecast back = ForecastCodec.fromJson(json);
        assertThat(back.predictions()).containsExactly(p);
        assertThat(back.next()).isEqualTo(p[1]);
        // A value that is not a float32 is rounded to the nearest one.
        Forecast d = new Forecast("VAL", 0, 0, 1, new double[] {0.1}, 0.1, "m", "window", 0);
        assertThat(ForecastCodec.fromJson(ForecastCodec.toJson(d)).predictions())
                .containsExactly((double) 0.1f);
    }

    @Test
    void forecastErrorsNameTheField() {
        assertThatThrownBy(
                        () ->
                                ForecastCodec.fromJson(
                                        "{\"sensor\":\"VAL\",\"windowStart\":\"soon\"}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("windowStart")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> ForecastCodec.fromJson("{]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void roundTripsDeadLettersWithBinaryAndTextRawBytes() {
        DeadLetter binary =
                new DeadLetter(
                        "points",
                        2,
                        99L,
                        "VAL",
                        new byte[] {0, (byte) 0xff, 10, (byte) 0x80},
                        "malformed-json",
                        "bad",
                        JAN_1_1961);
        DeadLetter text =
                new DeadLetter(
                        "points",
                        0,
                        1L,
                        null,
                        "{\"time\":0,\"value\":NaN}".getBytes(StandardCharsets.UTF_8),
                        "bad-value",
                        "field \"value\" is not finite: NaN",
                        1_764_000_000_000L);
        DeadLetter noValue = new DeadLetter("points", 0, 5L, "K", null, "empty", "null", 0L);
        for (DeadLetter d : new DeadLetter[] {binary, text, noValue}) {
            assertThat(DeadLetterCodec.fromJson(DeadLetterCodec.toJson(d)))
                    .usingRecursiveComparison()
                    .isEqualTo(d);
        }
        assertThat(new String(DeadLetterCodec.toJson(text), StandardCharsets.UTF_8))
                .contains("\"rawText\":\"{\\\"time\\\":0,\\\"value\\\":NaN}\"");
        assertThat(new String(DeadLetterCodec.toJson(binary), StandardCharsets.UTF_8))
                .doesNotContain("rawText");
    }

    @Test
    void parsesAndFormatsTimes() {
        assertThat(WireFormat.parseTime("1961-01-01")).isEqualTo(JAN_1_1961);
        assertThat(WireFormat.parseTime("1961-01-01T00:00")).isEqualTo(JAN_1_1961);
        assertThat(WireFormat.parseTime("1961-01-01T02:00:00+02:00")).isEqualTo(JAN_1_1961);
        assertThat(WireFormat.parseTime(" " + JAN_1_1961 + " ")).isEqualTo(JAN_1_1961);
        assertThat(WireFormat.parseTime("-5")).isEqualTo(-5L);
        assertThat(WireFormat.formatTime(JAN_1_1961)).isEqualTo("1961-01-01T00:00:00Z");
        assertThatThrownBy(() -> WireFormat.parseTime("1961-02-30"))
                .hasMessageContaining("\"1961-02-30\"");
        assertThatThrownBy(() -> WireFormat.parseTime(""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
