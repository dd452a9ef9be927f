package io.forecaster.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import org.junit.jupiter.api.Test;

/** Tests for {@link Accuracy}. */
class AccuracyTest {

    private static final long DAY = 86_400_000L;

    private static SensorPoint point(String key, int day, double v) {
        return new SensorPoint(key, day * DAY, v);
    }

    private static Forecast forecast(String key, int lastDay, double next) {
        return new Forecast(
                key, 0, lastDay * DAY, lastDay + 1, new double[] {next}, next, "m", "window", 0);
    }

    @Test
    void scoresEachForecastAgainstTheNextPointAndTheLastValueBaseline() {
        Accuracy a = new Accuracy();
        a.point(point("A", 0, 10));
        a.point(point("A", 1, 12));
        // Forecast after day 1: says 13; actual day 2 = 15; baseline (day 1) = 12.
        assertThat(a.forecast(forecast("A", 1, 13))).isEmpty(); // day 2 not seen yet
        assertThat(a.pending()).isEqualTo(1);
        assertThat(a.point(point("A", 2, 15))).hasSize(1);
        // Forecast after day 2 arriving after its actual: says 14; actual day 3 = 14; baseline 15.
        a.point(point("A", 3, 14));
        assertThat(a.forecast(forecast("A", 2, 14))).hasSize(1);
        // Another key: says 1; actual 4; baseline 2.
        a.point(point("B", 5, 2));
        a.forecast(forecast("B", 5, 1));
        a.point(point("B", 7, 4)); // the next point need not be one day later

        assertThat(a.byKey().get("A").n()).isEqualTo(2);
        assertThat(a.byKey().get("A").mae()).isCloseTo((2 + 0) / 2.0, within(1e-12));
        assertThat(a.byKey().get("A").baselineMae()).isCloseTo((3 + 1) / 2.0, within(1e-12));
        assertThat(a.byKey().get("B").mae()).isCloseTo(3, within(1e-12));
        assertThat(a.byKey().get("B").baselineMae()).isCloseTo(2, within(1e-12));
        assertThat(a.overall().n()).isEqualTo(3);
        assertThat(a.overall().mae()).isCloseTo((2 + 0 + 3) / 3.0, within(1e-12));
        assertThat(a.overall().baselineMae()).isCloseTo((3 + 1 + 2) / 3.0, within(1e-12));
        assertThat(a.pending()).isZero();
    }

    @Test
    void waitsForTheWindowsLastPointBeforeScoring() {
        Accuracy a = new Accuracy();
        a.forecast(forecast("A", 4, 1));
        assertThat(a.point(point("A", 5, 3))).isEmpty(); // no point at or before day 4 yet
        assertThat(a.overall().n()).isZero();
        assertThat(a.overall().mae()).isNaN();
    }
}
