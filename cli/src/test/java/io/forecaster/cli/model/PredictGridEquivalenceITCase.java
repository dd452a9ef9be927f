package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.cli.model.CommandsTest.Run;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.job.GridEquivalenceITCase;
import io.forecaster.job.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's check: the job's forecasts on a MiniCluster at parallelism 2, in both modes, equal
 * the {@code predict --forecasts} output on the same file, forecast for forecast: window times,
 * {@code nextTime}, {@code filled}, the W predictions, and the restarts (no forecast spans an
 * unfilled gap, and stateful forecasts after a restart start from the zero state). The data is
 * {@link GridEquivalenceITCase}'s gappy wind data (12 stations, days deleted, jittered times, two
 * points in a day, repeated times, days out of order for the job), written to a CSV with epoch-ms
 * times in file order and, as a real file has them, rows with an empty value, which {@code replay}
 * keeps out of the topic and the job therefore never sees.
 */
class PredictGridEquivalenceITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(GridEquivalenceITCase.PARALLELISM)
                            .build());

    @TempDir static Path dir;
    static Path csv;

    @BeforeAll
    static void gappyCsv() throws IOException {
        GridEquivalenceITCase.gappyData();
        List<String> lines = new ArrayList<>();
        lines.add("key,time,value");
        int n = 0;
        for (Map.Entry<String, List<List<SensorPoint>>> e : GridEquivalenceITCase.days.entrySet()) {
            for (List<SensorPoint> day : e.getValue()) {
                for (SensorPoint p : day) {
                    lines.add(p.sensorId() + "," + p.eventTime() + "," + p.value());
                    if (++n % 97 == 0) { // an empty cell an hour later: missing, not zero
                        lines.add(p.sensorId() + "," + (p.eventTime() + 3_600_000L) + ",");
                    }
                }
            }
        }
        csv = dir.resolve("gappy-wind.csv");
        Files.write(csv, lines);
    }

    /** One line of {@code predict --forecasts}. */
    record Line(
            String key,
            long windowStart,
            long windowEnd,
            long nextTime,
            int filled,
            int run,
            double next,
            double[] predictions) {}

    static Map<String, Line> predict(String mode) {
        Run r =
                CommandsTest.run(
                        new PredictCommand(),
                        "--model",
                        TestModels.file().toString(),
                        "--data",
                        csv.toString(),
                        "--key-column",
                        "key",
                        "--time-column",
                        "time",
                        "--interval",
                        "1 d",
                        "--aggregate",
                        "mean",
                        "--gap-fill",
                        "linear",
                        "--gap-max-fill",
                        "3",
                        "--forecasts",
                        "--length",
                        String.valueOf(GridEquivalenceITCase.W),
                        "--mode",
                        mode,
                        "--engine",
                        "fast");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("key,window_start,window_end,next_time,filled,run,next,predictions");
        Map<String, Line> out = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            String[] p = f[7].split(" ");
            double[] predictions = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                predictions[i] = Double.parseDouble(p[i]);
            }
            Line line =
                    new Line(
                            f[0],
                            WireFormat.parseTime(f[1]),
                            WireFormat.parseTime(f[2]),
                            WireFormat.parseTime(f[3]),
                            Integer.parseInt(f[4]),
                            Integer.parseInt(f[5]),
                            Double.parseDouble(f[6]),
                            predictions);
            assertThat(out.put(line.key() + "@" + line.windowEnd(), line)).as(l).isNull();
        }
        return out;
    }

    static void assertSame(String mode) throws Exception {
        Map<String, Line> offline = predict(mode);
        List<Forecast> job = GridEquivalenceITCase.runJob(GridEquivalenceITCase.options(mode));
        Map<String, Forecast> byKey = new HashMap<>();
        for (Forecast f : job) {
            assertThat(byKey.put(f.sensorId() + "@" + f.windowEnd(), f))
                    .as("duplicate forecast %s@%d", f.sensorId(), f.windowEnd())
                    .isNull();
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(offline.keySet());
        int w = GridEquivalenceITCase.W;
        double tol = GridEquivalenceITCase.TOLERANCE;
        Set<String> restarted = new HashSet<>();
        int withFilled = 0;
        for (Map.Entry<String, Line> e : offline.entrySet()) {
            String key = e.getKey();
            Line want = e.getValue();
            Forecast got = byKey.get(key);
            assertThat(got.windowStart()).as("%s windowStart", key).isEqualTo(want.windowStart());
            assertThat(got.nextTime()).as("%s nextTime", key).isEqualTo(want.nextTime());
            assertThat(got.filled()).as("%s filled", key).isEqualTo(want.filled());
            assertThat(got.predictions()).hasSize(w);
            assertThat(want.predictions()).hasSize(w);
            for (int i = 0; i < w; i++) {
                assertThat(Math.abs(got.predictions()[i] - want.predictions()[i]))
                        .as("%s step %d", key, i)
                        .isLessThanOrEqualTo(tol * (1 + Math.abs(want.predictions()[i])));
            }
            assertThat(Math.abs(got.next() - want.next()))
                    .as("%s next", key)
                    .isLessThanOrEqualTo(tol * (1 + Math.abs(want.next())));
            if (want.run() > 1) {
                restarted.add(want.key());
            }
            if (want.filled() > 0) {
                withFilled++;
            }
        }
        // the data exercises what is compared: restarts in several stations, filled windows
        assertThat(restarted).hasSizeGreaterThan(3);
        assertThat(withFilled).isGreaterThan(50);
    }

    @Test
    void windowModeJobEqualsPredictForecasts() throws Exception {
        assertSame("window");
    }

    @Test
    void statefulModeJobEqualsPredictForecasts() throws Exception {
        assertSame("stateful");
    }
}
