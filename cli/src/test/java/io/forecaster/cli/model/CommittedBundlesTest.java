package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.cli.model.CommandsTest.Run;
import io.forecaster.model.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Pins the test figures of the committed bundles in {@code models/} (docs/models.md), as {@code
 * evaluate} reports them on the shared data: a change that degrades a bundle, its loading, an
 * engine or the scoring fails here. Each figure is pinned within ±0.01; the last-value baseline on
 * the same points and the point count are pinned too. About 10 s in all on 2 cores: sunspots with
 * the reference (dl4j) engine, the stateful bundle and wind (23,676 points, about 18 s with dl4j)
 * with the fast engine, whose agreement with dl4j the engine tests check.
 */
class CommittedBundlesTest {

    @Test
    void sunspotsTestMaeIsPinned() throws IOException {
        Run r =
                evaluate(
                        "sunspots.zip",
                        sharedData("sunspots/Sunspots.csv"),
                        "--column",
                        "Monthly Mean Total Sunspot Number");
        assertRow(r, "all", 235, 14.2156, 16.1362);
        assertThat(r.out()).contains("model beats last-value (MAE 14.22 vs 16.14)");
        // trained under the three-set protocol: the best epoch was picked on the validation slice
        // (the 300 points before the split), and the test figure it recorded is the one above
        var evaluation = ModelBundle.load(committed("sunspots.zip")).metadata().evaluation();
        assertThat(evaluation.get("val_points")).isEqualTo(300.0);
        assertThat(evaluation.get("test_mae")).isCloseTo(14.2156, within(0.0001));
    }

    @Test
    void statefulSunspotsSteppedTestMaeIsPinned() throws IOException {
        Run r =
                evaluate(
                        "sunspots-stateful.zip",
                        sharedData("sunspots/Sunspots.csv"),
                        "--column",
                        "Monthly Mean Total Sunspot Number",
                        "--engine",
                        "fast");
        assertRow(r, "all", 235, 15.0715, 16.1362);
        var evaluation =
                ModelBundle.load(committed("sunspots-stateful.zip")).metadata().evaluation();
        assertThat(evaluation.get("val_points")).isEqualTo(300.0);
        assertThat(evaluation.get("test_mae")).isCloseTo(15.0715, within(0.0001));
    }

    @Test
    void windTestMaeOverAllStationsIsPinned() throws IOException {
        Run r =
                evaluate(
                        "wind.zip",
                        sharedData("wind-ireland/wind_daily_long.csv"),
                        "--column",
                        "value",
                        "--key-column",
                        "key",
                        "--interval",
                        "1d",
                        "--engine",
                        "fast");
        // daily, no gaps: the grid changes nothing but guesses the season, 7 days
        assertRow(r, "overall", 23676, 3.1620, 3.5667);
        assertRow(r, "VAL", 1973, 3.5123, 3.8891);
        assertThat(r.out())
                .contains("seasonal-naive (7) MAE 5.0137")
                .contains("model beats last-value (MAE 3.162 vs 3.567)")
                .contains("model beats seasonal-naive (7) (MAE 3.162 vs 5.014)");
        // selected on the validation slice (the last 10% of each station's training days)
        var evaluation = ModelBundle.load(committed("wind.zip")).metadata().evaluation();
        assertThat(evaluation.get("val_points")).isEqualTo(5520.0);
        assertThat(evaluation.get("test_mae")).isCloseTo(3.1620, within(0.0001));
    }

    /** Runs evaluate on a committed bundle after checking the data is the file it was made on. */
    private static Run evaluate(String bundle, Path data, String... more) throws IOException {
        Path model = committed(bundle);
        assertThat(Cli.sha256(data))
                .as("%s is the file %s was trained on", data, bundle)
                .isEqualTo(ModelBundle.load(model).metadata().trainingDataSha256());
        String[] args = new String[4 + more.length];
        args[0] = "--model";
        args[1] = model.toString();
        args[2] = "--data";
        args[3] = data.toString();
        System.arraycopy(more, 0, args, 4, more.length);
        Run r = CommandsTest.run(new EvaluateCommand(), args);
        assertThat(r.code()).as(r.err()).isZero();
        return r;
    }

    /**
     * The row of {@code series} in the scores table (the last one, after a grid report's row of the
     * same key): its points, the model's MAE ±0.01, the baseline's ±0.001.
     */
    private static void assertRow(Run r, String series, int points, double mae, double base) {
        Matcher m =
                Pattern.compile(
                                "(?m)^"
                                        + Pattern.quote(series)
                                        + "\\s+(\\d+)\\s+([0-9.]+)\\s+([0-9.]+)")
                        .matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        int last = m.start();
        while (m.find()) {
            last = m.start();
        }
        assertThat(m.find(last)).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(points);
        assertThat(Double.parseDouble(m.group(2))).as(series + " MAE").isCloseTo(mae, within(0.01));
        assertThat(Double.parseDouble(m.group(3)))
                .as(series + " last-value MAE")
                .isCloseTo(base, within(0.001));
    }

    /** A committed bundle of models/, looked for from the working directory upwards. */
    static Path committed(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("models").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("models/" + name + " not found");
    }

    /** A file of ../shared/data, looked for from the working directory upwards. */
    static Path sharedData(String file) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data").resolve(file);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "shared/data/" + file + " not found above " + Path.of("").toAbsolutePath());
    }
}
