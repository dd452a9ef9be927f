package io.forecaster.connectors.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.Forecast;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link ForecastCodec#toCbor} and {@link ForecastCodec#read}. */
class ForecastCborTest {

    private static final long DAY = 86_400_000L;

    /** Every optional field set: a grid, a horizon with a missing bound, a model name. */
    private static Forecast full() {
        double[] predictions = new double[60];
        for (int i = 0; i < predictions.length; i++) {
            predictions[i] = (float) (Math.sin(i / 7.0) * 123.456);
        }
        predictions[3] = Double.NaN;
        predictions[4] = Double.NEGATIVE_INFINITY;
        return new Forecast(
                "DUB-7",
                -283_996_800_000L,
                -283_996_800_000L + 59 * DAY,
                60,
                predictions,
                predictions[59],
                "sunspots-abc123",
                "stateful",
                1_764_000_000_123L,
                -283_996_800_000L + 60 * DAY,
                2,
                new Forecast.Ahead(
                        new double[] {predictions[59], 2.5f, 0.1f},
                        new long[] {60 * DAY, 61 * DAY, 62 * DAY},
                        new double[] {0.8, 0.95},
                        new double[][] {{1.5, 1.75, Double.NaN}, {1, 1.25, Double.NaN}},
                        new double[][] {{2.5, 3.25, Double.NaN}, {3, 3.75, Double.NaN}},
                        "online"),
                "wind",
                7L);
    }

    @Test
    void aCborForecastReadsBackAsTheSameForecastAsItsJson() {
        Forecast f = full();
        byte[] cbor = ForecastCodec.toCbor(f);
        byte[] json = ForecastCodec.toJson(f);
        assertThat(ForecastCodec.isCbor(cbor)).isTrue();
        assertThat(ForecastCodec.isCbor(json)).isFalse();

        Forecast fromCbor = ForecastCodec.read(cbor);
        Forecast fromJson = ForecastCodec.read(json);
        for (Forecast back : new Forecast[] {fromCbor, fromJson}) {
            assertThat(back)
                    .usingRecursiveComparison()
                    .ignoringFields("predictions", "ahead")
                    .isEqualTo(f);
            // Arrays.equals treats NaN as equal to NaN, AssertJ's element comparison does not
            assertThat(Arrays.equals(back.predictions(), f.predictions())).isTrue();
            assertThat(back.ahead().values()).containsExactly(f.ahead().values());
            assertThat(back.ahead().times()).containsExactly(f.ahead().times());
            assertThat(back.ahead().levels()).containsExactly(0.8, 0.95);
            assertThat(Arrays.deepEquals(back.ahead().lower(), f.ahead().lower())).isTrue();
            assertThat(Arrays.deepEquals(back.ahead().upper(), f.ahead().upper())).isTrue();
            assertThat(back.ahead().source()).isEqualTo("online");
        }
        // without the optional fields too
        Forecast plain = new Forecast("VAL", 0, DAY, 2, new double[] {1, 2}, 2, "m", "window", 0);
        assertThat(ForecastCodec.read(ForecastCodec.toCbor(plain)))
                .usingRecursiveComparison()
                .isEqualTo(plain);
    }

    @Test
    void predictionsAreFourByteFloatsBehindTheSelfDescribeTag() {
        Forecast f = full();
        byte[] cbor = ForecastCodec.toCbor(f);
        // RFC 8949: tag 55799 (d9 d9 f7), then a map (major type 5: a0-bf)
        assertThat(Arrays.copyOf(cbor, 3)).containsExactly(0xd9, 0xd9, 0xf7);
        assertThat(cbor[3] & 0xe0).isEqualTo(0xa0);
        // each prediction: fa and its float32's bits, big-endian
        for (double p : f.predictions()) {
            byte[] item = ByteBuffer.allocate(5).put((byte) 0xfa).putFloat((float) p).array();
            assertThat(indexOf(cbor, item)).as("float32 item of %s", p).isNotNegative();
        }
        // the times stay ISO-8601 text
        assertThat(indexOf(cbor, "1961-01-01T00:00:00Z".getBytes(StandardCharsets.US_ASCII)))
                .isNotNegative();
        assertThat(cbor.length).isLessThan(ForecastCodec.toJson(f).length);
    }

    @Test
    void badCborNamesTheFieldAndJsonReadersRefuseIt() throws Exception {
        Map<String, Object> noSensor = new LinkedHashMap<>();
        noSensor.put("v", 1);
        noSensor.put("windowStart", "1961-01-01T00:00:00Z");
        byte[] cbor = write(noSensor);
        assertThat(ForecastCodec.isCbor(cbor)).isTrue();
        assertThatThrownBy(() -> ForecastCodec.read(cbor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field \"sensor\"");
        Map<String, Object> badVersion = new LinkedHashMap<>(noSensor);
        badVersion.put("v", 2);
        assertThatThrownBy(() -> ForecastCodec.read(write(badVersion)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2");
        // the tag and then no map
        assertThatThrownBy(() -> ForecastCodec.read(new byte[] {(byte) 0xd9, (byte) 0xd9, -9, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a CBOR forecast");
        // a JSON-only reader names what it got
        assertThatThrownBy(() -> ForecastCodec.fromJson(ForecastCodec.toCbor(full())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON forecast");
    }

    private static byte[] write(Map<String, Object> fields) throws Exception {
        return Json.CBOR.writeValueAsBytes(fields);
    }

    private static int indexOf(byte[] in, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= in.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (in[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
