package io.forecaster.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link SeriesCsv}. */
class SeriesCsvTest {

    @TempDir Path dir;

    private Path csv(String text) throws IOException {
        Path file = dir.resolve("series.csv");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsTheSunspotColumnByName() {
        double[] s = SeriesCsv.read(TestData.SUNSPOTS, TestData.SUNSPOT_COLUMN);
        assertThat(s).hasSize(3235);
        assertThat(s[0]).isEqualTo(96.7);
        assertThat(s[1]).isEqualTo(104.3);
        assertThat(SeriesCsv.header(TestData.SUNSPOTS))
                .containsExactly("", "Date", TestData.SUNSPOT_COLUMN);
    }

    @Test
    void readsTheLongLayoutOneSeriesPerKeyInRowOrder() throws IOException {
        Path file = csv("key,date,value\nA,d1,1\nA,d2,2\nB,d1,10\nA,d3,3\nB,d2,20\n");
        Map<String, double[]> byKey = SeriesCsv.readByKey(file, "value", "key");
        assertThat(byKey.keySet()).containsExactly("A", "B");
        assertThat(byKey.get("A")).containsExactly(1, 2, 3);
        assertThat(byKey.get("B")).containsExactly(10, 20);
        assertThat(SeriesCsv.read(file, "value", "key", "B")).containsExactly(10, 20);
    }

    @Test
    void readsTheWindSlice() {
        Map<String, double[]> byKey = SeriesCsv.readByKey(TestData.WIND_SLICE, "value", "key");
        assertThat(byKey.keySet()).containsExactly("VAL", "BEL");
        assertThat(byKey.get("VAL")).hasSize(300);
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> SeriesCsv.read(missing, "value"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining("nope.csv");
    }

    @Test
    void missingColumnIsNamedWithTheColumnsThereAre() throws IOException {
        Path file = csv("key,date,value\nA,d1,1\n");
        assertThatThrownBy(() -> SeriesCsv.read(file, "speed"))
                .hasMessageContaining("'speed'")
                .hasMessageContaining("[key, date, value]")
                .hasMessageContaining(file.toString());
        assertThatThrownBy(() -> SeriesCsv.readByKey(file, "value", "station"))
                .hasMessageContaining("key column 'station'");
    }

    @Test
    void nonNumericValueIsNamedWithItsLine() throws IOException {
        Path file = csv("key,date,value\nA,d1,1\nA,d2,abc\n");
        assertThatThrownBy(() -> SeriesCsv.read(file, "value"))
                .hasMessageContaining("line 3")
                .hasMessageContaining("'value'")
                .hasMessageContaining("'abc'");
    }

    @Test
    void blankAndInfiniteValuesAreRejected() throws IOException {
        Path blank = csv("date,value\nd1,1\nd2,\n");
        assertThatThrownBy(() -> SeriesCsv.read(blank, "value")).hasMessageContaining("value ''");
        Path inf = dir.resolve("inf.csv");
        Files.writeString(inf, "date,value\nd1,Infinity\n");
        assertThatThrownBy(() -> SeriesCsv.read(inf, "value")).hasMessageContaining("'Infinity'");
    }

    @Test
    void shortRowIsNamed() throws IOException {
        Path file = csv("key,date,value\nA,d1,1\nA,d2\n");
        assertThatThrownBy(() -> SeriesCsv.read(file, "value"))
                .hasMessageContaining("line 3")
                .hasMessageContaining("has 2 fields");
    }

    @Test
    void emptyFilesAreRejected() throws IOException {
        Path empty = csv("");
        assertThatThrownBy(() -> SeriesCsv.read(empty, "value")).hasMessageContaining("empty");
        Path headerOnly = dir.resolve("header.csv");
        Files.writeString(headerOnly, "date,value\n");
        assertThatThrownBy(() -> SeriesCsv.read(headerOnly, "value"))
                .hasMessageContaining("no data rows");
    }

    @Test
    void unknownKeyIsNamedWithTheKeysThereAre() throws IOException {
        Path file = csv("key,date,value\nA,d1,1\n");
        assertThatThrownBy(() -> SeriesCsv.read(file, "value", "key", "Z"))
                .hasMessageContaining("'Z'")
                .hasMessageContaining("[A]");
    }

    @Test
    void readsKeyTimeAndValueColumnsOfEachRowWithItsLine() throws IOException {
        Path file =
                csv(
                        ",Date,Monthly Mean Total Sunspot Number\n"
                                + "0,1749-01-31,96.7\n\n"
                                + "1,1749-02-28,104.3\n");
        SeriesCsv.Rows<SeriesCsv.Row> rows =
                SeriesCsv.read(
                        file,
                        new SeriesCsv.Columns(TestData.SUNSPOT_COLUMN, "", "Date"),
                        false,
                        r -> r);
        assertThat(rows.rows())
                .containsExactly(
                        new SeriesCsv.Row(2, "0", "1749-01-31", 96.7),
                        new SeriesCsv.Row(4, "1", "1749-02-28", 104.3));
        assertThat(rows.skipped()).isZero();
    }

    @Test
    void badRowsStopTheReadNamingLineColumnAndValueOrAreSkippedAndCounted() throws IOException {
        Path file =
                csv("key,date,value\nA,1961-01-01,1\nA,1961-01-02,oops\nA,nope,3\nA,1961-01-04\n");
        SeriesCsv.Columns columns = new SeriesCsv.Columns("value", "key", "date");
        java.util.function.Function<SeriesCsv.Row, String> checkTime =
                r -> {
                    if (!r.time().startsWith("19")) {
                        throw new IllegalArgumentException(
                                "column 'date': not a date: '" + r.time() + "'");
                    }
                    return r.key() + "@" + r.time();
                };
        assertThatThrownBy(() -> SeriesCsv.read(file, columns, false, checkTime))
                .hasMessageContaining("series.csv line 3")
                .hasMessageContaining("column 'value' value 'oops'");

        SeriesCsv.Rows<String> rows = SeriesCsv.read(file, columns, true, checkTime);
        assertThat(rows.rows()).containsExactly("A@1961-01-01");
        assertThat(rows.skipped()).isEqualTo(3);
        assertThat(rows.problems()).hasSize(3);
        assertThat(rows.problems().get(1)).contains("series.csv line 4", "column 'date'", "'nope'");
        assertThat(rows.problems().get(2)).contains("series.csv line 5", "has 2 fields");
    }

    @Test
    void aMissingTimeColumnIsNamed() throws IOException {
        Path file = csv("key,date,value\nA,d1,1\n");
        assertThatThrownBy(
                        () ->
                                SeriesCsv.read(
                                        file,
                                        new SeriesCsv.Columns("value", null, "time"),
                                        true,
                                        r -> r))
                .hasMessageContaining("time column 'time' not found")
                .hasMessageContaining("[key, date, value]");
    }

    @Test
    void findsAColumnByAnyOfItsUsualNamesIgnoringCase() {
        assertThat(
                        SeriesCsv.find(
                                java.util.List.of("Station", "Date", "value"),
                                java.util.List.of("key", "station")))
                .isEqualTo("Station");
        assertThat(SeriesCsv.find(java.util.List.of("a", "b"), java.util.List.of("key"))).isNull();
    }
}
