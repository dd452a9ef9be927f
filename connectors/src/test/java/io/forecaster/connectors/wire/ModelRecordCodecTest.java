package io.forecaster.connectors.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.ModelRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link ModelRecordCodec}, {@link ModelEventCodec} and the forecasts' version fields.
 */
class ModelRecordCodecTest {

    static final String SHA = "ab".repeat(32);

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aVersionRecordReadsBackAsWritten() {
        ModelRecord r =
                ModelRecord.of(
                        "wind",
                        2,
                        "file:///models/wind-2.zip",
                        SHA,
                        new String[] {"VAL"},
                        new String[] {"DUB-"},
                        "M.*",
                        10,
                        false,
                        86_400_000L);
        ModelRecord back = ModelRecordCodec.read(utf8("wind"), ModelRecordCodec.toJson(r));
        assertThat(back.isVersion()).isTrue();
        assertThat(back.label()).isEqualTo("wind v2");
        assertThat(back.location()).isEqualTo(r.location());
        assertThat(back.keys()).containsExactly("VAL");
        assertThat(back.prefixes()).containsExactly("DUB-");
        assertThat(back.regex()).isEqualTo("M.*");
        assertThat(back.priority()).isEqualTo(10);
        assertThat(back.publishedAt()).isEqualTo(86_400_000L);
    }

    @Test
    void aTombstoneRetiresTheName() {
        ModelRecord r = ModelRecordCodec.read(utf8("wind"), null);
        assertThat(r.retired()).isTrue();
        assertThat(r.name()).isEqualTo("wind");
    }

    @Test
    void anUnreadableRecordCarriesItsProblemInsteadOfThrowing() {
        String ok = "{\"name\":\"wind\",\"version\":1,\"location\":\"/m.zip\",\"sha256\":\"" + SHA;
        assertThat(ModelRecordCodec.read(utf8("wind"), utf8("{not json")).problem())
                .contains("not a JSON model record");
        assertThat(ModelRecordCodec.read(utf8("wind"), utf8(ok + "\"}")).problem())
                .contains("serves no key");
        assertThat(
                        ModelRecordCodec.read(utf8("other"), utf8(ok + "\",\"default\":true}"))
                                .problem())
                .contains("differs from the key");
        assertThat(
                        ModelRecordCodec.read(
                                        utf8("wind"),
                                        utf8(ok.replace(SHA, "xyz") + "\",\"default\":true}"))
                                .problem())
                .contains("sha256");
        assertThat(
                        ModelRecordCodec.read(
                                        utf8("wind"),
                                        utf8(ok + "\",\"regex\":\"(\",\"default\":true}"))
                                .problem())
                .contains("regex");
        assertThatThrownBy(() -> ModelRecordCodec.fromJson(utf8(ok + "\",\"version\":0}")))
                .hasMessageContaining("version");
    }

    @Test
    void aModelEventReadsBackAsWritten() {
        ModelEvent e = new ModelEvent("wind", 3, "refused", "sha256 differs", 2, 1, 41, 1000L);
        assertThat(ModelEventCodec.fromJson(ModelEventCodec.toJson(e))).isEqualTo(e);
    }

    @Test
    void forecastsCarryTheModelNameAndVersionAsOptionalFields() {
        Forecast f =
                new Forecast(
                        "VAL",
                        0,
                        60_000,
                        1,
                        new double[] {1},
                        1,
                        "id",
                        "window",
                        0,
                        null,
                        null,
                        null,
                        "wind",
                        2L);
        String json = new String(ForecastCodec.toJson(f), StandardCharsets.UTF_8);
        assertThat(json).contains("\"modelName\":\"wind\",\"modelVersion\":2");
        Forecast back = ForecastCodec.fromJson(utf8(json));
        assertThat(back.modelName()).isEqualTo("wind");
        assertThat(back.modelVersion()).isEqualTo(2L);
        Forecast plain =
                ForecastCodec.fromJson(
                        ForecastCodec.toJson(
                                new Forecast(
                                        "VAL",
                                        0,
                                        60_000,
                                        1,
                                        new double[] {1},
                                        1,
                                        "id",
                                        "window",
                                        0)));
        assertThat(plain.modelName()).isNull();
        assertThat(plain.modelVersion()).isNull();
    }
}
