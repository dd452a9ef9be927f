package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.cli.model.CommandsTest.Run;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Target;
import io.forecaster.model.grid.TimeGrid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The public series under {@code data/public} (see its README): each file is the documented one
 * (sha256) and reads through the time grid with the documented rows, missing slots, restarts and
 * season; and a short {@code train --target change} on a slice gives a bundle the fast engine
 * scores as the trainer did.
 */
class PublicSeriesTest {

    static final Path DIR = Path.of("..", "data", "public");

    @TempDir Path dir;

    /** The grid options of each series, as docs/models.md runs them. */
    static Stream<Arguments> series() {
        return Stream.of(
                Arguments.of(
                        "seattle-weather-hourly-normals.csv",
                        "3433511ab963755ec1a573420af962e713e66691c07c068f5a247e6891912311",
                        List.of(
                                "--column",
                                "temperature",
                                "--time-column",
                                "date",
                                "--interval",
                                "1h"),
                        24,
                        Map.of("all", new TimeGrid.Stats(8759, 0, 0, 8759, 0, 0, 0))),
                Arguments.of(
                        "weather.csv",
                        "27219f1ca8dbd94c9b6f4b9f4f52ab2f1eb33dfdcf719cd9fc6481ed50b74549",
                        List.of(
                                "--column",
                                "temp_max",
                                "--key-column",
                                "location",
                                "--time-column",
                                "date",
                                "--interval",
                                "1d"),
                        7,
                        Map.of(
                                "Seattle", new TimeGrid.Stats(1461, 0, 0, 1461, 0, 0, 0),
                                "New York", new TimeGrid.Stats(1461, 0, 0, 1461, 0, 0, 0))),
                // 59 empty weeks in 22 gaps: 18 gaps of 1-3 weeks filled (24 weeks), 4 longer
                // ones (5, 8, 18 and 4 weeks) restart the series
                Arguments.of(
                        "co2-weekly.csv",
                        "2737f74222cf1fb702d41058927d2b8d2a34778d519bfa6b1dea2f1b47c234f4",
                        List.of("--column", "co2", "--time-column", "date", "--interval", "7d"),
                        52,
                        Map.of("all", new TimeGrid.Stats(2284, 59, 0, 2284, 59, 24, 4))),
                // 741 months present of 746 (1958-03 to 2020-04); the 5 absent ones (1958-06,
                // 1958-10, 1964-02..04) are gaps of 1, 1 and 3 slots, all filled
                Arguments.of(
                        "co2-concentration.csv",
                        "c1a4a970864145940a28225cae288618b156cb32f9a2a1b6606ba7124134febb",
                        List.of(
                                "--column",
                                "CO2",
                                "--time-column",
                                "Date",
                                "--interval",
                                "43829min",
                                "--origin",
                                "1970-01-16T00:00:00Z"),
                        12,
                        Map.of("all", new TimeGrid.Stats(741, 0, 0, 746, 5, 5, 0))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("series")
    void readsThroughTheGridAsDocumented(
            String file,
            String sha256,
            List<String> options,
            int season,
            Map<String, TimeGrid.Stats> expected)
            throws IOException {
        Path data = DIR.resolve(file);
        assertThat(Cli.sha256(data)).as("%s is the documented file", file).isEqualTo(sha256);
        TrainCommand cmd = new TrainCommand();
        CommandLine cl = new CommandLine(cmd);
        List<String> args = new java.util.ArrayList<>(options);
        args.addAll(List.of("--data", data.toString(), "--out", dir.resolve("x.zip").toString()));
        cl.parseArgs(args.toArray(String[]::new));
        TimeGrid grid = cmd.data.grid(cl.getCommandSpec());
        Map<String, TimeGrid.Gridded> grids = cmd.data.readGrid(cl.getCommandSpec(), grid);
        assertThat(grids.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        expected.keySet().stream().map(k -> k.equals("all") ? "" : k).toList());
        expected.forEach(
                (key, stats) ->
                        assertThat(grids.get(key.equals("all") ? "" : key).stats())
                                .as("%s %s", file, key)
                                .isEqualTo(stats));
        assertThat(cmd.baselines.season(cl.getCommandSpec(), grid)).isEqualTo(season);
    }

    private static double modelMae(String out) {
        Matcher m =
                Pattern.compile("test \\(points from the split on\\): model MAE ([0-9.]+)")
                        .matcher(out);
        assertThat(m.find()).as("a model MAE line in:%n%s", out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void aShortChangeRunGivesABundleTheFastEngineScoresAsTheTrainerDid(Target target)
            throws IOException {
        // 400 weeks of the weekly CO2 series, 1981-1988: 4 empty weeks in 1984 (a restart) and
        // one in 1985 (filled)
        List<String> lines = Files.readAllLines(DIR.resolve("co2-weekly.csv"));
        Path slice = dir.resolve("co2-slice.csv");
        List<String> part = new java.util.ArrayList<>(lines.subList(0, 1));
        part.addAll(lines.subList(1101, 1501));
        Files.write(slice, part);
        Path bundle = dir.resolve("change.zip");
        List<String> grid =
                List.of(
                        "--data",
                        slice.toString(),
                        "--column",
                        "co2",
                        "--time-column",
                        "date",
                        "--interval",
                        "7d",
                        "--split",
                        "0.75");
        List<String> train = new java.util.ArrayList<>(grid);
        train.addAll(
                List.of(
                        "--target",
                        target.id(),
                        "--window",
                        "20",
                        "--epochs",
                        "2",
                        "--calibrate-horizon",
                        "3",
                        "--out",
                        bundle.toString()));
        Run trained = CommandsTest.run(new TrainCommand(), train.toArray(String[]::new));
        assertThat(trained.code()).as(trained.out() + trained.err()).isZero();
        assertThat(trained.out()).contains("target: the change from the last input");
        double trainedMae = modelMae(trained.out());

        BundleMetadata meta = ModelBundle.load(bundle).metadata();
        assertThat(meta.target()).isEqualTo(target);
        assertThat(meta.evaluation().get("test_mae")).isCloseTo(trainedMae, within(1e-4));
        assertThat(meta.calibration()).isNotNull();

        List<String> evaluate = new java.util.ArrayList<>(grid);
        evaluate.addAll(List.of("--model", bundle.toString(), "--engine", "fast"));
        Run scored = CommandsTest.run(new EvaluateCommand(), evaluate.toArray(String[]::new));
        assertThat(scored.code()).as(scored.out() + scored.err()).isZero();
        // the fast engine adds the output to the last input as the trainer's predictor did
        assertThat(modelMae(scored.out())).isCloseTo(trainedMae, within(1e-3));

        // the same weights read as levels score otherwise: the engine used the bundle's field
        ModelBundle b = ModelBundle.load(bundle);
        Path level = dir.resolve("level.zip");
        new ModelBundle(b.metadata().withTarget(Target.LEVEL), b.params(), b.graphs()).save(level);
        List<String> asLevel = new java.util.ArrayList<>(grid);
        asLevel.addAll(List.of("--model", level.toString(), "--engine", "fast"));
        Run levelRun = CommandsTest.run(new EvaluateCommand(), asLevel.toArray(String[]::new));
        assertThat(levelRun.code()).isZero();
        assertThat(Math.abs(modelMae(levelRun.out()) - trainedMae)).isGreaterThan(0.1);
    }

    @Test
    void changeIsRefusedWithStatefulNamingTheOption() {
        Run r =
                CommandsTest.run(
                        new TrainCommand(),
                        "--data",
                        DIR.resolve("co2-weekly.csv").toString(),
                        "--column",
                        "co2",
                        "--stateful",
                        "--target",
                        "change",
                        "--out",
                        dir.resolve("s.zip").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--target").contains("--stateful");
    }
}
