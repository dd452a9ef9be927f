package io.forecaster.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.cli.kafka.PointFiles;
import io.forecaster.connectors.SensorPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-loading part of {@code demo --data FILE}: column guessing, long and single series. */
class DemoDataTest {

    @TempDir Path dir;

    @Test
    void aLongFileHasAKeyTimeAndValueColumn() {
        assertThat(DemoData.columnsOf(List.of("key", "date", "value")))
                .isEqualTo(new PointFiles.Columns("key", null, "date", "value"));
        assertThat(DemoData.columnsOf(List.of("Station", "Timestamp", "speed")))
                .isEqualTo(new PointFiles.Columns("Station", null, "Timestamp", "speed"));
    }

    @Test
    void aSingleSeriesTakesTheLastOtherColumnAsItsValue() {
        // the sunspots file: an unnamed index column, Date, and a long value name
        assertThat(DemoData.columnsOf(List.of("", "Date", "Monthly Mean Total Sunspot Number")))
                .isEqualTo(
                        new PointFiles.Columns(
                                null, "series", "Date", "Monthly Mean Total Sunspot Number"));
        assertThat(DemoData.columnsOf(List.of("level", "time")))
                .isEqualTo(new PointFiles.Columns(null, "series", "time", "level"));
    }

    @Test
    void aFileWithoutTimeOrValueIsRefusedNamingTheColumns() {
        assertThatThrownBy(() -> DemoData.columnsOf(List.of("key", "value")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no time column")
                .hasMessageContaining("[key, value]");
        assertThatThrownBy(() -> DemoData.columnsOf(List.of("key", "date")))
                .hasMessageContaining("no value column");
    }

    @Test
    void aGappyLongFileKeepsEachKeysLast30PercentAfterAWindowOfHistory() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("key,date,value");
        for (int d = 0; d < 100; d++) {
            String date = java.time.LocalDate.ofEpochDay(d).toString();
            lines.add("a," + date + "," + d);
            if (d % 10 != 3) { // b misses some days
                lines.add("b," + date + "," + (d % 7 == 0 ? "" : String.valueOf(-d)));
            }
        }
        Path file = dir.resolve("mine.csv");
        Files.write(file, lines);
        DemoData d = DemoData.loadFile(file, dir.resolve("m.zip"), 5);
        assertThat(d.name()).isEqualTo("mine");
        assertThat(d.byKey()).containsOnlyKeys("a", "b");
        // a: 100 points, split at 70, from 65
        assertThat(d.byKey().get("a")).hasSize(35);
        assertThat(d.byKey().get("a").get(0).value()).isEqualTo(65.0);
        // b: 90 days listed, 14 of them empty (kept out): 76 points, from 5 before the split
        int bFrom = io.forecaster.training.data.Split.atFraction(0.7).at(76) - 5;
        assertThat(d.byKey().get("b")).hasSize(76 - bFrom);
        assertThat(d.byKey().get("b")).allMatch(p -> !Double.isNaN(p.value()));
        assertThat(d.points())
                .hasSize(35 + 76 - bFrom)
                .isSortedAccordingTo(java.util.Comparator.comparingLong(SensorPoint::eventTime));
        assertThat(d.expectedForecasts(5)).isEqualTo(31 + 76 - bFrom - 4);
    }

    @Test
    void aSingleSeriesFileIsKeySeries() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(",Date,Monthly Mean Total Sunspot Number");
        for (int i = 0; i < 40; i++) {
            lines.add(i + "," + java.time.LocalDate.ofEpochDay(i * 30L) + "," + (i * 1.5));
        }
        Path file = dir.resolve("Sunspots.csv");
        Files.write(file, lines);
        DemoData d = DemoData.loadFile(file, dir.resolve("m.zip"), 4);
        assertThat(d.byKey()).containsOnlyKeys("series");
        // 40 points, split at 28, from 24
        assertThat(d.byKey().get("series")).hasSize(16);
        assertThat(d.byKey().get("series").get(0).value()).isEqualTo(36.0);
    }
}
