package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.cli.model.CommandsTest.Run;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks that the prediction intervals of the committed wind bundle cover what they promise: on the
 * 12 stations' unseen part, 10 steps ahead, each level's coverage, overall and after the keys'
 * warm-up, lies within 5 points of its level. About 5 s with the fast engine.
 */
class WindIntervalCoverageTest {

    @Test
    void intervalsCoverTheirLevelOnTheUnseenPartWithinFivePoints() {
        Path data = CommittedBundlesTest.sharedData("wind-ireland/wind_daily_long.csv");
        Run r =
                CommandsTest.run(
                        new EvaluateCommand(),
                        "--model",
                        CommittedBundlesTest.committed("wind.zip").toString(),
                        "--data",
                        data.toString(),
                        "--column",
                        "value",
                        "--key-column",
                        "key",
                        "--engine",
                        "fast",
                        "--horizon",
                        "10",
                        "--levels",
                        "0.8,0.95");
        assertThat(r.code()).as(r.err()).isZero();
        System.out.println(r.out().substring(r.out().indexOf("step ")));
        assertThat(r.out()).contains("total: 12 keys, 23688 forecasts, 236220 scored steps");
        for (int level : new int[] {80, 95}) {
            Matcher m =
                    Pattern.compile(
                                    "coverage "
                                            + level
                                            + "%: ([0-9.]+)% of (\\d+) steps with an interval;"
                                            + " ([0-9.]+)% of the (\\d+) after warm-up")
                            .matcher(r.out());
            assertThat(m.find()).as(r.out()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isCloseTo(level, within(5.0));
            assertThat(Double.parseDouble(m.group(3))).isCloseTo(level, within(5.0));
            // the bundle's calibration gives every step an interval from the first forecast
            assertThat(Long.parseLong(m.group(2))).isEqualTo(236220);
            assertThat(Long.parseLong(m.group(4))).isGreaterThan(200000);
        }
    }
}
