package io.forecaster.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.cli.kafka.Accuracy;
import io.forecaster.cli.kafka.AccuracyRecords;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link DemoReport}: forecast fans, interval bands and the summary. */
class DemoReportTest {

    private static final long DAY = 86_400_000L;
    private static final int H = 5;
    private static final double[] LEVELS = {0.8, 0.95};

    @TempDir Path dir;

    private static List<SensorPoint> series(String key, int n) {
        List<SensorPoint> p = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            p.add(new SensorPoint(key, d * DAY, 10 + 5 * Math.sin(d / 4.0)));
        }
        return p;
    }

    /** A forecast after {@code day} with H steps; bounds from the {@code warm}-th day on. */
    private static Forecast forecast(String key, int day, int warm) {
        double[] v = new double[H];
        double[][] lo = new double[LEVELS.length][H];
        double[][] hi = new double[LEVELS.length][H];
        for (int s = 0; s < H; s++) {
            v[s] = 10 + 5 * Math.sin((day + 1 + s) / 4.0) + 0.5;
            for (int l = 0; l < LEVELS.length; l++) {
                double q = day >= warm ? (1 + l) * (1 + 0.3 * s) : Double.NaN;
                lo[l][s] = v[s] - q;
                hi[l][s] = v[s] + q;
            }
        }
        Forecast.Ahead ahead =
                new Forecast.Ahead(v, null, LEVELS, lo, hi, day >= warm ? "online" : "none");
        return new Forecast(
                key,
                0,
                day * DAY,
                day + 1,
                new double[] {v[0]},
                v[0],
                "m1",
                "window",
                0L,
                null,
                null,
                ahead);
    }

    @Test
    void aFanStartsAtTheNewestActualValueAndTakesTheNextPointsTimes() {
        List<SensorPoint> s = series("A", 20);
        long[] times = s.stream().mapToLong(SensorPoint::eventTime).toArray();
        double[] values = s.stream().mapToDouble(SensorPoint::value).toArray();

        DemoReport.Fan fan = DemoReport.fan(forecast("A", 16, 0), times, values);

        assertThat(fan.times())
                .containsExactly(16 * DAY, 17 * DAY, 18 * DAY, 19 * DAY, 20 * DAY, 21 * DAY);
        assertThat(fan.values()[0]).isEqualTo(values[16]);
        assertThat(fan.lower()[0][0]).isNaN();
        assertThat(fan.upper()[1][1]).isEqualTo(fan.values()[1] + 2);
    }

    @Test
    void bandsSkipStepsWithoutAnInterval() {
        DemoReport.Fan fan =
                new DemoReport.Fan(
                        new long[] {0, 1, 2, 3, 4},
                        new double[] {1, 1, 1, 1, 1},
                        new double[][] {{Double.NaN, 0, 0, Double.NaN, 0}},
                        new double[][] {{Double.NaN, 2, 2, Double.NaN, 2}});
        assertThat(DemoReport.finiteRuns(fan, 0))
                .containsExactly(new int[] {1, 2}, new int[] {4, 4});
    }

    @Test
    void plotsFansWithIntervalBandsAndTheSummaryListsCoverage() throws Exception {
        Map<String, List<SensorPoint>> actual = new LinkedHashMap<>();
        Map<String, List<Accuracy.Scored>> scored = new LinkedHashMap<>();
        for (String key : List.of("A", "B")) {
            List<SensorPoint> s = series(key, 120);
            actual.put(key, s);
            List<Accuracy.Scored> list = new ArrayList<>();
            // bounds only from day 95 on: the earliest fans have none
            for (int d = 59; d < 119; d++) {
                list.add(new Accuracy.Scored(forecast(key, d, 95), s.get(d + 1), s.get(d).value()));
            }
            scored.put(key, list);
        }
        Path png = DemoReport.plot(dir, "test", scored, actual, H);
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);

        Path h1 = Files.createDirectories(dir.resolve("h1"));
        assertThat(DemoReport.plot(h1, "test", scored, actual, 1)).exists();

        Accuracy next = new Accuracy();
        AccuracyRecords live = new AccuracyRecords();
        live.add(
                new io.forecaster.connectors.Accuracy(
                        "A", 0, 100, 1.0, 2.0, LEVELS, new double[] {0.81, Double.NaN}, "m1", 0));
        Path summary = DemoReport.summary(dir, "header", next, "job", live, LEVELS);
        List<String> lines = Files.readAllLines(summary);
        assertThat(lines).contains("job");
        assertThat(lines.get(lines.size() - 3).split(" +"))
                .containsExactly(
                        "station", "scored", "MAE", "last-val", "gain", "in", "80%", "in", "95%");
        assertThat(lines.get(lines.size() - 2).split(" +"))
                .containsExactly("A", "100", "1.000", "2.000", "+50.0%", "81.0%", "-");
    }
}
