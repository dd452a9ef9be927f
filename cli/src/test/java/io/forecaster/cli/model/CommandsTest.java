package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.forecast.IntervalCalibration;
import io.forecaster.training.data.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Tests for the {@code train}, {@code evaluate} and {@code predict} commands. */
class CommandsTest {

    @TempDir static Path dir;
    static Path slice;
    static Path bundle;
    static Run trained;

    /** What a command printed and returned. */
    record Run(int code, String out, String err) {}

    static Run run(Object command, String... args) {
        return runWithStdin(command, null, args);
    }

    static Run runWithStdin(Object command, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        if (command instanceof PredictCommand p && stdin != null) {
            p.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        CommandLine cl = io.forecaster.cli.CliErrors.install(new CommandLine(command));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainOnASlice() throws IOException {
        // the first 300 months of sunspots: 2 epochs on 220 training points, window 20
        List<String> lines = Files.readAllLines(TestData.SUNSPOTS);
        slice = dir.resolve("sunspots-slice.csv");
        Files.write(slice, lines.subList(0, 301));
        bundle = dir.resolve("m.zip");
        trained =
                run(
                        new TrainCommand(),
                        "--data",
                        slice.toString(),
                        "--column",
                        TestData.SUNSPOT_COLUMN,
                        "--split",
                        "240",
                        "--window",
                        "20",
                        "--batch",
                        "32",
                        "--optimizer",
                        "adam",
                        "--lr",
                        "3e-3",
                        "--epochs",
                        "2",
                        "--out",
                        bundle.toString(),
                        "--model-id",
                        "slice");
    }

    @Test
    void trainWritesABundleWithItsCommandDataHashAndFigures() throws IOException {
        assertThat(trained.code()).as(trained.err()).isZero();
        assertThat(trained.out())
                .contains("epoch    1/2", "epoch    2/2", "val_mae", "left <=", "saved")
                // 240 training points: the last 24 (10%, at least 21) validate, 60 test
                .contains("points: 216 train, 24 validation (selection), 60 test")
                .containsPattern("validation MAE [0-9.]+ .* over 24 points \\(selection\\)")
                .containsPattern(
                        "test MAE [0-9.]+ .* over 60 points \\(never used for selection\\)")
                .containsPattern("model (beats|does NOT beat) last-value \\(MAE ")
                .contains("seasonal-naive skipped: no --season");
        BundleMetadata meta = ModelBundle.load(bundle).metadata();
        assertThat(meta.modelId()).isEqualTo("slice");
        assertThat(meta.windowSize()).isEqualTo(20);
        assertThat(meta.mode()).isEqualTo("window");
        assertThat(meta.trainingDataSha256()).hasSize(64).isEqualTo(Cli.sha256(slice));
        assertThat(meta.source())
                .startsWith("./forecaster train --data ")
                .contains("'" + TestData.SUNSPOT_COLUMN + "'")
                .doesNotContain("checkpoint");
        assertThat(meta.evaluation())
                .containsKeys("val_mae", "baseline_mae", "all_steps_mae", "split", "best_epoch")
                .containsKeys("test_mae", "test_baseline_mae", "test_all_steps_mae");
        assertThat(meta.evaluation().get("split")).isEqualTo(240.0);
        // the default recipe: standardized values fitted on the training range, output scale 1
        assertThat(meta.scaling().scale()).isGreaterThan(1.0);
        assertThat(meta.scaling().offset()).isGreaterThan(0.0);
        assertThat(meta.hyperParams().outputScale()).isEqualTo(1.0);
        // and the change from the last input as the target, with the changes as inputs
        assertThat(meta.target()).isEqualTo(io.forecaster.model.Target.DIFFERENCES);
        assertThat(meta.evaluation().get("val_fraction")).isEqualTo(0.1);
        assertThat(meta.evaluation().get("val_points")).isEqualTo(24.0);
        assertThat(meta.evaluation().get("test_points")).isEqualTo(60.0);
    }

    @Test
    void theCourseRecipeIsRawValuesTimes400AndAnUnknownRecipeIsNamed() throws IOException {
        Path course = dir.resolve("course.zip");
        Run r =
                run(
                        new TrainCommand(),
                        "--data",
                        slice.toString(),
                        "--split",
                        "240",
                        "--window",
                        "20",
                        "--recipe",
                        "course",
                        "--epochs",
                        "1",
                        "--out",
                        course.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("lr 5.00e-07"); // SGD 1e-5 over the window 20 (Keras mean)
        BundleMetadata meta = ModelBundle.load(course).metadata();
        assertThat(meta.scaling()).isEqualTo(io.forecaster.model.Scaling.IDENTITY);
        assertThat(meta.hyperParams().outputScale()).isEqualTo(400.0);
        assertThat(meta.target()).isEqualTo(io.forecaster.model.Target.LEVEL);
        assertError(
                run(
                        new TrainCommand(),
                        "--data",
                        slice.toString(),
                        "--recipe",
                        "fancy",
                        "--out",
                        dir.resolve("never.zip").toString()),
                "'fancy'");
    }

    @Test
    void theTrainerIsChosenByOptionAndItsLimitsAreNamed() {
        Path never = dir.resolve("trainer-choice.zip");
        List<String> base = List.of("--data", slice.toString(), "--split", "240", "--window", "20");
        java.util.function.Function<List<String>, Run> train =
                extra -> {
                    List<String> args = new java.util.ArrayList<>(base);
                    args.addAll(extra);
                    args.addAll(List.of("--out", never.toString()));
                    return run(new TrainCommand(), args.toArray(new String[0]));
                };
        assertError(train.apply(List.of("--trainer", "gpu")), "'gpu'");
        Run nadam = train.apply(List.of("--trainer", "fast", "--optimizer", "nadam"));
        assertError(nadam, "--trainer");
        assertThat(nadam.err()).contains("nadam");
        assertError(train.apply(List.of("--stateful", "--trainer", "fast")), "--stateful");
        assertError(train.apply(List.of("--threads", "0")), "--threads");
        assertThat(never).doesNotExist();
        Run dl4j = train.apply(List.of("--trainer", "dl4j", "--epochs", "1", "--batch", "32"));
        assertThat(dl4j.code()).as(dl4j.err()).isZero();
        assertThat(dl4j.out()).contains("trainer dl4j");
        // without --trainer, adam trains on the fast trainer, here over two threads
        Run fast = train.apply(List.of("--epochs", "1", "--batch", "32", "--threads", "2"));
        assertThat(fast.code()).as(fast.err()).isZero();
        assertThat(fast.out()).contains("trainer fast (2 thread(s))");
        assertThat(never).exists();
    }

    @Test
    void aValidationSliceThatLeavesTooLittleIsAUsageErrorNamingIt() {
        for (String val : List.of("0.95", "230", "x")) {
            Run r =
                    run(
                            new TrainCommand(),
                            "--data",
                            slice.toString(),
                            "--split",
                            "240",
                            "--window",
                            "20",
                            "--val",
                            val,
                            "--out",
                            dir.resolve("never.zip").toString());
            assertError(r, "--val");
            assertThat(r.err()).contains(val);
        }
        assertThat(dir.resolve("never.zip")).doesNotExist();
    }

    @Test
    void statefulTrainingSelectsOnTheSliceAndEvaluateReproducesItsTestFigure() throws IOException {
        Path stateful = dir.resolve("stateful.zip");
        Run r =
                run(
                        new TrainCommand(),
                        "--data",
                        slice.toString(),
                        "--split",
                        "240",
                        "--val",
                        "40",
                        "--window",
                        "20",
                        "--stateful",
                        "--epochs",
                        "2",
                        "--lr",
                        "1e-3",
                        "--season",
                        "12",
                        "--out",
                        stateful.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("200 training points as one sequence (then 40 validation, 60 test)")
                .containsPattern("validation \\(selection\\) stepped MAE [0-9.]+ .* over 40 points")
                .containsPattern("test stepped MAE [0-9.]+ .* over 60 points")
                .contains("seasonal-naive (12) MAE")
                .containsPattern("model (beats|does NOT beat) seasonal-naive \\(12\\)");
        java.util.Map<String, Double> eval = ModelBundle.load(stateful).metadata().evaluation();
        assertThat(eval).containsEntry("val_points", 40.0).containsEntry("test_points", 60.0);
        Run e =
                run(
                        new EvaluateCommand(),
                        "--model",
                        stateful.toString(),
                        "--data",
                        slice.toString(),
                        "--engine",
                        "fast");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out())
                .contains(
                        String.format(
                                java.util.Locale.ROOT,
                                "stepped test MAE %.2f, last-value baseline %.2f",
                                eval.get("test_mae"),
                                eval.get("test_baseline_mae")));
    }

    @Test
    void requireBeatBaselineFailsWhenTheNaiveForecastWins() throws IOException {
        // a slow ramp: repeating the last value is almost exact, the 2-epoch model is not
        StringBuilder csv = new StringBuilder("date,value\n");
        for (int i = 0; i < 120; i++) {
            csv.append(java.time.LocalDate.ofEpochDay(i)).append(',').append(50 + 0.01 * i);
            csv.append('\n');
        }
        Path ramp = Files.writeString(dir.resolve("ramp.csv"), csv.toString());
        String[] args = {"--model", bundle.toString(), "--data", ramp.toString(), "--split", "100"};
        Run plain = run(new EvaluateCommand(), args);
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out())
                .containsPattern("model does NOT beat last-value \\(MAE [0-9.]+ vs 0.010\\)");

        Run daily =
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        ramp.toString(),
                        "--split",
                        "100",
                        "--interval",
                        "1d",
                        "--require-beat-baseline");
        assertThat(daily.code()).isEqualTo(io.forecaster.cli.CliErrors.FAILURE);
        assertThat(daily.out())
                .contains("seasonal-naive (7) MAE 0.0700")
                .contains("model does NOT beat seasonal-naive (7)");
        assertThat(daily.err().lines())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("forecaster evaluate: error: model does NOT beat last-value")
                .contains("--require-beat-baseline");
    }

    @Test
    void theRecordedCommandNamesTheSubcommandOnce() {
        @CommandLine.Command(name = "forecaster")
        class Root {}
        TrainCommand train = new TrainCommand();
        CommandLine cl = new CommandLine(new Root()).addSubcommand("train", train);
        cl.parseArgs("train", "--data", "a b.csv", "--out", "m.zip");
        assertThat(train.commandLine())
                .isEqualTo("./forecaster train --data 'a b.csv' --out m.zip");
    }

    @Test
    void evaluateReproducesTheFiguresStoredAtTraining() throws IOException {
        BundleMetadata meta = ModelBundle.load(bundle).metadata();
        Run r =
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        String.format(
                                java.util.Locale.ROOT,
                                "test MAE %.2f, last-value baseline %.2f",
                                meta.evaluation().get("test_mae"),
                                meta.evaluation().get("test_baseline_mae")));
        // default column (the last) and the bundle's split (240): 60 points
        assertThat(r.out()).containsPattern("all\\s+60\\s");
    }

    @Test
    void evaluateScoresEveryKeyOfALongFile() {
        Path wind = TestData.WIND_SLICE;
        Run r =
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        wind.toString(),
                        "--column",
                        "value",
                        "--key-column",
                        "key",
                        "--split",
                        "0.8");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .containsPattern("VAL\\s+60\\s")
                .containsPattern("BEL\\s+60\\s")
                .containsPattern("overall\\s+120\\s");
    }

    @Test
    void predictGivesOnePredictionPerInputStep() {
        Run fromCsv =
                run(
                        new PredictCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString(),
                        "--from",
                        "100");
        assertThat(fromCsv.code()).as(fromCsv.err()).isZero();
        List<String> lines = fromCsv.out().lines().toList();
        assertThat(lines).hasSize(21).first().isEqualTo("step,input,prediction");
        assertThat(lines.get(1)).startsWith("0,");

        String window =
                lines.stream().skip(1).map(l -> l.split(",")[1]).collect(Collectors.joining(" "));
        Run fromStdin =
                runWithStdin(new PredictCommand(), window, "--model", bundle.toString(), "--stdin");
        assertThat(fromStdin.out()).isEqualTo(fromCsv.out());
        Run last =
                runWithStdin(
                        new PredictCommand(),
                        window,
                        "--model",
                        bundle.toString(),
                        "--stdin",
                        "--last");
        assertThat(last.out().trim()).isEqualTo(lines.get(20).split(",")[2]);
    }

    @Test
    void errorsNameTheBadArgumentFileColumnOrValue() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "date,value\nd1,1\nd2,oops\n");
        assertError(
                run(new EvaluateCommand(), "--model", bundle.toString(), "--data", "no/such.csv"),
                "no/such.csv");
        assertError(
                run(new EvaluateCommand(), "--model", "no-model.zip", "--data", slice.toString()),
                "no-model.zip");
        assertError(
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString(),
                        "--column",
                        "Wolf"),
                "'Wolf'");
        assertError(
                run(new EvaluateCommand(), "--model", bundle.toString(), "--data", bad.toString()),
                "'oops'");
        assertError(
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString(),
                        "--split",
                        "x"),
                "'x'");
        assertError(
                run(
                        new TrainCommand(),
                        "--data",
                        slice.toString(),
                        "--out",
                        dir.resolve("x.zip").toString(),
                        "--optimizer",
                        "lbfgs"),
                "'lbfgs'");
        assertError(
                run(
                        new TrainCommand(),
                        "--data",
                        slice.toString(),
                        "--out",
                        dir.resolve("x.zip").toString(),
                        "--epochs",
                        "many"),
                "many");
        assertError(
                runWithStdin(
                        new PredictCommand(), "1 2 x", "--model", bundle.toString(), "--stdin"),
                "'x'");
        assertError(
                run(
                        new PredictCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString(),
                        "--from",
                        "290"),
                "[290, 310)");
        assertError(
                run(
                        new PredictCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        TestData.WIND_SLICE.toString(),
                        "--key-column",
                        "key",
                        "--from",
                        "0"),
                "--key");
    }

    @Test
    void trainStoresTheValidationSlicesErrorsPerHorizonStepAndCalibrateMeasuresTheSame()
            throws IOException {
        assertThat(trained.out()).contains("calibration: 24 horizon steps, 24-24 errors per step");
        IntervalCalibration stored = ModelBundle.load(bundle).metadata().calibration();
        assertThat(stored.steps()).isEqualTo(24);
        assertThat(stored.counts()).containsOnly(24); // the 24 validation points, every step

        Path again = dir.resolve("calibrated.zip");
        Run r =
                run(
                        new CalibrateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString(),
                        "--column",
                        TestData.SUNSPOT_COLUMN,
                        "--val",
                        "24",
                        "--out",
                        again.toString());
        assertThat(r.code()).as(r.err()).isZero();
        ModelBundle calibrated = ModelBundle.load(again);
        assertThat(calibrated.metadata().calibration()).isEqualTo(stored);
        assertThat(calibrated.params()).isEqualTo(ModelBundle.load(bundle).params());

        assertError(
                run(
                        new CalibrateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString(),
                        "--val",
                        "0",
                        "--out",
                        again.toString()),
                "--val");
    }

    @Test
    void evaluateScoresEveryHorizonStepWithCoveragePerLevel() {
        Run r =
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString(),
                        "--column",
                        TestData.SUNSPOT_COLUMN,
                        "--engine",
                        "fast",
                        "--horizon",
                        "3",
                        "--levels",
                        "0.8,0.5",
                        "--season",
                        "12");
        assertThat(r.code()).as(r.err()).isZero();
        // 60 test points: forecasts from the 60 origins before each and from the last point
        assertThat(r.out())
                .containsPattern("(?m)^1 +60 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+% +[0-9.]+%")
                .containsPattern("(?m)^3 +58 ")
                .contains("total: 1 keys, 61 forecasts, 177 scored steps")
                .contains("coverage 50%: ")
                .contains("coverage 80%: ")
                .contains("calibration 24 steps from the bundle");

        Run whole =
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        slice.toString(),
                        "--engine",
                        "fast",
                        "--horizon",
                        "2",
                        "--split",
                        "0");
        assertThat(whole.code()).as(whole.err()).isZero();
        // 300 points, window 20: forecasts at the 20th to the 300th
        assertThat(whole.out()).contains("total: 1 keys, 281 forecasts, 559 scored steps");
    }

    @Test
    void onATimeGridAGapBeyondTheFillRestartsTheKeysWindowAndDropsItsPendingSteps()
            throws IOException {
        StringBuilder csv = new StringBuilder("key,date,value\n");
        java.time.LocalDate day = java.time.LocalDate.of(2020, 1, 1);
        for (int i = 0; i < 160; i++) {
            if (i < 100 || i >= 110) { // A: 100 days, 10 missing, 50 days
                csv.append("A,")
                        .append(day.plusDays(i))
                        .append(',')
                        .append(50 + i % 7)
                        .append('\n');
            }
        }
        for (int i = 0; i < 80; i++) {
            csv.append("B,").append(day.plusDays(i)).append(',').append(60 - i % 5).append('\n');
        }
        Path gappy = dir.resolve("gappy.csv");
        Files.writeString(gappy, csv);
        Run r =
                run(
                        new EvaluateCommand(),
                        "--model",
                        bundle.toString(),
                        "--data",
                        gappy.toString(),
                        "--key-column",
                        "key",
                        "--interval",
                        "1d",
                        "--engine",
                        "fast",
                        "--horizon",
                        "2",
                        "--split",
                        "0");
        assertThat(r.code()).as(r.err()).isZero();
        // window 20: A forecasts 81 + 31 times, B 61; the last of each run is never scored
        assertThat(r.out())
                .containsPattern("(?m)^1 +170 ")
                .containsPattern("(?m)^2 +167 ")
                .contains("total: 2 keys, 173 forecasts, 337 scored steps");
    }

    @Test
    void badHorizonOrLevelsAreUsageErrorsNamingOptionAndValue() {
        for (String[] bad :
                new String[][] {
                    {"--levels", "0.8,1.2", "1.2"},
                    {"--horizon", "0", "'0'"},
                    {"--levels", "0.8,x", "'x'"},
                    {"--interval-gain", "-1", "'-1.0'"},
                    {"--slide", "0", "'0'"}
                }) {
            Run r =
                    run(
                            new EvaluateCommand(),
                            "--model",
                            bundle.toString(),
                            "--data",
                            slice.toString(),
                            bad[0].equals("--levels") ? "--horizon" : "--levels",
                            bad[0].equals("--levels") ? "2" : "0.5",
                            bad[0],
                            bad[1]);
            assertError(r, bad[0]);
            assertThat(r.err()).contains(bad[2]);
        }
    }

    /** A usage error: exit 2 and one line on stderr naming the bad argument. */
    private static void assertError(Run r, String named) {
        assertThat(r.code()).as(r.err()).isEqualTo(io.forecaster.cli.CliErrors.USAGE);
        assertThat(r.err().lines())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains(named);
    }
}
