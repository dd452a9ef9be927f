package io.forecaster.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.SensorPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests for {@link PointFiles}: column guessing, JSON lines and replay's checks on top of
 * SeriesCsv.
 */
class PointFilesTest {

    @TempDir Path dir;

    private static final long JAN_31_1749 = Instant.parse("1749-01-31T00:00:00Z").toEpochMilli();

    @Test
    void rowsWithoutAValueAreKeptOutAndCountedNotBad() throws Exception {
        Path f =
                Files.writeString(
                        dir.resolve("gappy.csv"),
                        "key,date,value\nVAL,1961-01-01,1.5\nVAL,1961-01-02,\nVAL,1961-01-03,NaN\n"
                                + "VAL,1961-01-04,2.5\n");
        PointFiles.Rows rows =
                PointFiles.read(f, PointFiles.Layout.of(f), PointFiles.Columns.guess(), false);
        assertThat(rows.points()).extracting(p -> p.value()).containsExactly(1.5, 2.5);
        assertThat(rows.empty()).isEqualTo(2);
        assertThat(rows.skipped()).isZero();
    }

    @Test
    void readsTheWindLayoutByGuessingColumns() throws IOException {
        Path f =
                Files.writeString(
                        dir.resolve("w.csv"),
                        "key,date,value\nRPT,1961-01-01,15.04\nVAL,1961-01-02,1\n");
        PointFiles.Rows rows =
                PointFiles.read(f, PointFiles.Layout.of(f), PointFiles.Columns.guess(), false);
        assertThat(rows.points())
                .containsExactly(
                        new SensorPoint(
                                "RPT", Instant.parse("1961-01-01T00:00:00Z").toEpochMilli(), 15.04),
                        new SensorPoint(
                                "VAL", Instant.parse("1961-01-02T00:00:00Z").toEpochMilli(), 1));
    }

    @Test
    void readsTheSunspotsLayoutWithNamedColumnsAndAFixedKey() throws IOException {
        Path f =
                Files.writeString(
                        dir.resolve("s.csv"),
                        ",Date,Monthly Mean Total Sunspot Number\n"
                                + "0,1749-01-31,96.7\n"
                                + "1,1749-02-28,104.3\n");
        PointFiles.Rows rows =
                PointFiles.read(
                        f,
                        PointFiles.Layout.CSV,
                        new PointFiles.Columns(
                                null, "SUN", "Date", "Monthly Mean Total Sunspot Number"),
                        false);
        assertThat(rows.points()).hasSize(2);
        assertThat(rows.points().get(0)).isEqualTo(new SensorPoint("SUN", JAN_31_1749, 96.7));
    }

    @Test
    void readsJsonLines() throws IOException {
        Path f =
                Files.writeString(
                        dir.resolve("p.jsonl"),
                        "{\"sensor\":\"A\",\"time\":\"1749-01-31T00:00:00Z\",\"value\":1.5}\n\n"
                                + "{\"sensor\":\"B\",\"time\":0,\"value\":2}\n");
        PointFiles.Rows rows =
                PointFiles.read(f, PointFiles.Layout.of(f), PointFiles.Columns.guess(), false);
        assertThat(rows.points())
                .containsExactly(
                        new SensorPoint("A", JAN_31_1749, 1.5), new SensorPoint("B", 0, 2));
    }

    @Test
    void badRowsNameFileLineColumnAndValueOrAreSkipped() throws IOException {
        Path f =
                Files.writeString(
                        dir.resolve("b.csv"),
                        "key,date,value\nA,1961-01-01,1\nA,1961-01-02,oops\nA,nope,3\n");
        assertThatThrownBy(
                        () ->
                                PointFiles.read(
                                        f,
                                        PointFiles.Layout.CSV,
                                        PointFiles.Columns.guess(),
                                        false))
                .hasMessageContaining("b.csv line 3")
                .hasMessageContaining("column 'value' value 'oops'");
        PointFiles.Rows rows =
                PointFiles.read(f, PointFiles.Layout.CSV, PointFiles.Columns.guess(), true);
        assertThat(rows.points()).hasSize(1);
        assertThat(rows.skipped()).isEqualTo(2);
        assertThat(rows.problems().get(1)).contains("b.csv line 4", "column 'date'", "\"nope\"");
        assertThatThrownBy(
                        () ->
                                PointFiles.read(
                                        f,
                                        PointFiles.Layout.CSV,
                                        new PointFiles.Columns(null, null, null, "speed"),
                                        false))
                .isInstanceOf(PointFiles.ColumnException.class)
                .hasMessageContaining("'speed' not found")
                .extracting(e -> ((PointFiles.ColumnException) e).option())
                .isEqualTo("--value-column");
    }
}
