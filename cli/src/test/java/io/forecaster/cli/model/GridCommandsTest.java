package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.cli.model.CommandsTest.Run;
import io.forecaster.model.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --stateful}, {@code evaluate} and {@code predict --forecasts} on a time grid, on a
 * small gappy two-key file: a short gap filled, a long one restarting key a, empty cells.
 */
class GridCommandsTest {

    @TempDir static Path dir;
    static Path csv;
    static Path stateful;
    static Run trained;

    /** Key a: days 0-119 with days 30-31 missing (filled) and 60-69 missing (a restart). */
    @BeforeAll
    static void gappyFileAndAStatefulBundle() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("key,date,value");
        for (String key : List.of("a", "b")) {
            for (int d = 0; d < 120; d++) {
                if (key.equals("a") && (d == 30 || d == 31 || (d >= 60 && d < 70))) {
                    continue;
                }
                String date = java.time.LocalDate.ofEpochDay(d).toString();
                String value =
                        key.equals("b") && d % 17 == 5
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        "%.3f",
                                        10 + 5 * Math.sin(d / 4.0 + key.length()));
                lines.add(key + "," + date + "," + value);
            }
        }
        csv = dir.resolve("gappy.csv");
        Files.write(csv, lines);
        stateful = dir.resolve("stateful.zip");
        trained =
                CommandsTest.run(
                        new TrainCommand(),
                        "--data",
                        csv.toString(),
                        "--key-column",
                        "key",
                        "--interval",
                        "1d",
                        "--gap-max-fill",
                        "3",
                        "--stateful",
                        "--window",
                        "10",
                        "--epochs",
                        "2",
                        "--lr",
                        "1e-3",
                        "--split",
                        "0.75",
                        "--out",
                        stateful.toString());
    }

    @Test
    void statefulTrainingOnAGridStepsEachRunBetweenRestartsAndEvaluateReproducesIt()
            throws IOException {
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.out())
                .contains("3 sequences between restarts")
                .contains("saved " + stateful);
        ModelBundle b = ModelBundle.load(stateful);
        assertThat(b.metadata().mode()).isEqualTo("stateful");
        assertThat(b.metadata().evaluation()).containsEntry("split_fraction", 0.75);
        double stored = b.metadata().evaluation().get("test_mae");

        Run eval =
                CommandsTest.run(
                        new EvaluateCommand(),
                        "--model",
                        stateful.toString(),
                        "--data",
                        csv.toString(),
                        "--key-column",
                        "key",
                        "--interval",
                        "1d",
                        "--engine",
                        "fast");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("zero state after each restart");
        Matcher m = Pattern.compile("overall\\s+(\\d+)\\s+([0-9.]+)").matcher(eval.out());
        assertThat(m.find()).as(eval.out()).isTrue();
        // the split is at day 90 of each key: 30 validated slots per key
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(60);
        assertThat(Double.parseDouble(m.group(2)))
                .isCloseTo(stored, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void windowedTrainingOnAGridCarvesTheValidationSliceFromEachKeysTrainingSlots()
            throws IOException {
        // split 0.75 of 120 days: slots 90.. test; the slice is days 79-89 of each key (11 slots,
        // one window of W+1); key a's second run (days 70-119) holds 9 training slots (too few
        // for a window), slice slots 79-89 (scored from its 10th slot, 80) and test slots 90-119
        Path windowed = dir.resolve("windowed.zip");
        Run r =
                CommandsTest.run(
                        new TrainCommand(),
                        "--data",
                        csv.toString(),
                        "--key-column",
                        "key",
                        "--interval",
                        "1d",
                        "--window",
                        "10",
                        "--epochs",
                        "1",
                        "--split",
                        "0.75",
                        "--out",
                        windowed.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("points: 148 train, 22 validation (selection), 60 test")
                .contains("over 21 points (selection)")
                .contains("over 60 points (never used for selection)")
                .contains("seasonal-naive (7) MAE");
        java.util.Map<String, Double> eval = ModelBundle.load(windowed).metadata().evaluation();
        assertThat(eval).containsEntry("val_points", 21.0).containsEntry("test_points", 60.0);
        Run e =
                CommandsTest.run(
                        new EvaluateCommand(),
                        "--model",
                        windowed.toString(),
                        "--data",
                        csv.toString(),
                        "--key-column",
                        "key",
                        "--interval",
                        "1d");
        assertThat(e.code()).as(e.err()).isZero();
        Matcher m = Pattern.compile("overall\\s+(\\d+)\\s+([0-9.]+)").matcher(e.out());
        assertThat(m.find()).as(e.out()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(60);
        assertThat(Double.parseDouble(m.group(2)))
                .isCloseTo(eval.get("test_mae"), org.assertj.core.data.Offset.offset(1e-3));
        assertThat(e.out()).contains("seasonal_mae");
    }

    @Test
    void predictForecastsFollowTheRunsAndTheFilledSlots() {
        Run r =
                CommandsTest.run(
                        new PredictCommand(),
                        "--model",
                        stateful.toString(),
                        "--data",
                        csv.toString(),
                        "--key-column",
                        "key",
                        "--interval",
                        "1d",
                        "--forecasts",
                        "--length",
                        "10",
                        "--slide",
                        "5",
                        "--engine",
                        "fast");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("key,window_start,window_end,next_time,filled,run,next,predictions");
        List<String[]> a =
                lines.stream()
                        .skip(1)
                        .map(l -> l.split(","))
                        .filter(f -> f[0].equals("a"))
                        .toList();
        // run 1: days 0-59 (30, 31 filled), windows ending at days 9, 14, ..., 59
        // run 2: days 70-119, windows ending at 79, 84, ..., 119
        assertThat(a).hasSize(11 + 9);
        assertThat(a.get(0)[2]).isEqualTo("1970-01-10T00:00:00Z");
        assertThat(a.get(0)[3]).isEqualTo("1970-01-11T00:00:00Z");
        assertThat(a.get(5)[2]).isEqualTo("1970-02-04T00:00:00Z"); // day 34: 25-34
        assertThat(a.get(5)[4]).isEqualTo("2");
        assertThat(a.get(11)[1]).isEqualTo("1970-03-12T00:00:00Z"); // day 70: after the restart
        assertThat(a.get(11)[5]).isEqualTo("2");
        for (String[] f : a) {
            String[] predictions = f[7].split(" ");
            assertThat(predictions).hasSize(10);
            assertThat(predictions[9]).isEqualTo(f[6]);
        }
        // key b has empty cells: filled, no restart
        assertThat(lines.stream().filter(l -> l.startsWith("b,")).map(l -> l.split(",")[5]))
                .containsOnly("1")
                .hasSize(23);
    }

    @Test
    void forecastsNeedAGridAndNoFrom() {
        Run r =
                CommandsTest.run(
                        new PredictCommand(),
                        "--model",
                        stateful.toString(),
                        "--data",
                        csv.toString(),
                        "--key-column",
                        "key",
                        "--forecasts");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--forecasts").contains("--interval");
        r =
                CommandsTest.run(
                        new PredictCommand(),
                        "--model",
                        stateful.toString(),
                        "--data",
                        csv.toString(),
                        "--key-column",
                        "key",
                        "--interval",
                        "1d",
                        "--forecasts",
                        "--mode",
                        "sideways");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--mode");
    }
}
