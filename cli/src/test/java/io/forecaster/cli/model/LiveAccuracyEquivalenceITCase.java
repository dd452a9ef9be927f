package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.cli.model.CommandsTest.Run;
import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.job.ForecastJob;
import io.forecaster.job.ForecastOptions;
import io.forecaster.job.ForecastRunner;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.KeyScore;
import io.forecaster.model.forecast.OfflineScoring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's live accuracy equals {@code evaluate}'s on the same file: the committed wind bundle, 10
 * steps ahead with 80% and 95% intervals, over the 12 stations' unseen part (each station from 60
 * days before its 70% split, as {@code evaluate} replays it), through the job at parallelism 2 on a
 * MiniCluster. Per station, the job's last accuracy record equals the offline scorer's figures
 * (scored steps, MAE, last-value MAE, coverage per level); the totals equal what {@code evaluate
 * --split 0} prints for the same file; and each level's coverage in the job is within 5 points of
 * its level.
 */
class LiveAccuracyEquivalenceITCase {

    static final int PARALLELISM = 2;
    static final int W = 60;
    static final int H = 10;
    static final double[] LEVELS = {0.8, 0.95};

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @TempDir Path dir;

    @Test
    void theJobsLiveFiguresEqualEvaluatesOnTheSameFile() throws Exception {
        // each station's unseen part, with the 60 days before it
        Map<String, List<double[]>> byKey = new LinkedHashMap<>();
        List<String> lines =
                Files.readAllLines(
                        CommittedBundlesTest.sharedData("wind-ireland/wind_daily_long.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            long t = LocalDate.parse(f[1]).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            byKey.computeIfAbsent(f[0], k -> new ArrayList<>())
                    .add(new double[] {t, Double.parseDouble(f[2])});
        }
        List<String> csv = new ArrayList<>(List.of("key,time,value"));
        Map<String, float[]> series = new LinkedHashMap<>();
        List<SensorPoint> points = new ArrayList<>();
        for (var e : byKey.entrySet()) {
            List<double[]> all = e.getValue();
            int from = (int) Math.floor(0.7 * all.size()) - W;
            float[] v = new float[all.size() - from];
            for (int i = from; i < all.size(); i++) {
                long t = (long) all.get(i)[0];
                double value = all.get(i)[1];
                v[i - from] = (float) value;
                csv.add(e.getKey() + "," + t + "," + value);
                points.add(new SensorPoint(e.getKey(), t, value));
            }
            series.put(e.getKey(), v);
        }
        // in time order across stations, as a replay sends them (no point is late)
        points.sort(java.util.Comparator.comparingLong(SensorPoint::eventTime));
        Path file = dir.resolve("wind-unseen.csv");
        Files.write(file, csv);
        Path model = CommittedBundlesTest.committed("wind.zip");

        // the job, live
        Map<String, String> o = new HashMap<>();
        o.put("model.path", model.toString());
        o.put("engine", "fast");
        o.put("window.size", Integer.toString(W));
        o.put("forecast.horizon", Integer.toString(H));
        o.put("forecast.interval-levels", "0.8,0.95");
        o.put("kafka.accuracy.topic", "accuracy");
        o.put("accuracy.every", "1");
        o.put("watermark.out-of-orderness", "0 ms");
        o.put("watermark.idleness", "0 s");
        o.put("state.quiet-timeout", "3650 d");
        ForecastOptions options = ForecastOptions.fromMap(o);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        env.setParallelism(PARALLELISM);
        DataStream<SensorPoint> in = env.fromData(points, TypeInformation.of(SensorPoint.class));
        ForecastJob.Outputs out = ForecastJob.forecasts(in, options);
        out.forecasts().sinkTo(new DiscardingSink<>());
        Map<String, Accuracy> last = new HashMap<>();
        try (CloseableIterator<Accuracy> it = out.accuracy().executeAndCollect()) {
            it.forEachRemaining(
                    a -> last.merge(a.sensorId(), a, (x, y) -> y.scored() > x.scored() ? y : x));
        }
        assertThat(last).hasSize(12);

        // the same replay offline, station by station
        ModelBundle bundle = ModelBundle.load(model);
        ForecastScoring scoring =
                new ForecastScoring(H, LEVELS, bundle.metadata().calibration(), 50, 0.1);
        long scored = 0;
        double abs = 0;
        double base = 0;
        double[] covered = new double[LEVELS.length];
        try (Predictor fast = Engines.open("fast", bundle)) {
            for (var e : series.entrySet()) {
                KeyScore s =
                        OfflineScoring.window(
                                        fast,
                                        OfflineScoring.KeySeries.of(e.getValue()),
                                        W,
                                        1,
                                        0,
                                        scoring)
                                .score();
                ForecastScoring.Accuracy want = scoring.accuracy(s);
                Accuracy got = last.get(e.getKey());
                assertThat(got.scored()).as(e.getKey()).isEqualTo(want.scored());
                // the fast engine's sums depend slightly on which windows share a batch (the job
                // batches across stations, the scorer one station's windows): float-level noise
                assertThat(got.mae()).as(e.getKey()).isCloseTo(want.mae(), within(1e-6));
                assertThat(got.baselineMae())
                        .as(e.getKey())
                        .isCloseTo(want.baselineMae(), within(1e-9));
                assertThat(got.coverage()).as(e.getKey()).containsExactly(want.coverage());
                scored += got.scored();
                abs += got.mae() * got.scored();
                base += got.baselineMae() * got.scored();
                for (int l = 0; l < LEVELS.length; l++) {
                    // every step has an interval: the bundle's calibration covers the warm-up
                    covered[l] += got.coverage()[l] * got.scored();
                }
            }
        }

        // evaluate's totals on the same file
        Run r =
                CommandsTest.run(
                        new EvaluateCommand(),
                        "--model",
                        model.toString(),
                        "--data",
                        file.toString(),
                        "--column",
                        "value",
                        "--key-column",
                        "key",
                        "--time-column",
                        "time",
                        "--engine",
                        "fast",
                        "--split",
                        "0",
                        "--horizon",
                        Integer.toString(H),
                        "--levels",
                        "0.8,0.95");
        assertThat(r.code()).as(r.err()).isZero();
        String total =
                String.format(
                        Locale.ROOT,
                        "%d scored steps, model MAE %.4f, last-value MAE %.4f",
                        scored,
                        abs / scored,
                        base / scored);
        System.out.printf(
                "live: %s; coverage 80%% %.4f, 95%% %.4f%n",
                total, covered[0] / scored, covered[1] / scored);
        assertThat(r.out()).contains(total);
        for (int l = 0; l < LEVELS.length; l++) {
            String line =
                    String.format(
                            Locale.ROOT,
                            "coverage %d%%: %.1f%% of %d steps",
                            Math.round(LEVELS[l] * 100),
                            100 * covered[l] / scored,
                            scored);
            assertThat(r.out()).contains(line);
            assertThat(covered[l] / scored).isCloseTo(LEVELS[l], within(0.05));
        }
    }
}
