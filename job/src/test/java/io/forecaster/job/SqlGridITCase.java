package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code FORECAST} on a time grid against the DataStream job: the gappy wind days of {@link
 * GridEquivalenceITCase} (gaps of every length, filled or restarting the key, duplicates, two
 * points in a day, days out of order) go through both in one Flink job; both give the same
 * forecasts, with the same next slot times, filled counts, values ahead and prediction intervals.
 */
class SqlGridITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(SqlForecastITCase.PARALLELISM)
                            .build());

    @TempDir static Path models;

    @BeforeAll
    static void gappyData() {
        GridEquivalenceITCase.gappyData();
    }

    @ParameterizedTest
    @ValueSource(strings = {"window", "stateful"})
    void givesTheJobsForecastsOnAGrid(String mode) throws Exception {
        Path model = TestModels.randomBundle(models, "grid", 42L, GridEquivalenceITCase.W);
        Map<String, String> m = new HashMap<>();
        m.put("model.path", model.toString());
        m.put("mode", mode);
        m.put("engine", "fast");
        m.put("window.size", String.valueOf(GridEquivalenceITCase.W));
        // batch 1, as the function runs: the same float arithmetic on both sides
        m.put("inference.batch-size", "1");
        m.put("inference.max-delay", "20 ms");
        m.put("watermark.out-of-orderness", "3 d");
        m.put("watermark.idleness", "0 s");
        m.put("state.quiet-timeout", "30 d");
        m.put("series.interval", "1 d");
        m.put("series.origin", "1961-01-01T00:00:00Z");
        m.put("series.aggregate", "mean");
        m.put("gap.fill", "linear");
        m.put("gap.max-fill", "3");
        m.put("forecast.horizon", "5");
        m.put("forecast.interval-levels", "0.8,0.95");
        m.put("forecast.interval-warmup", "10");
        ForecastOptions options = ForecastOptions.fromMap(m);

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        // Parallelism 1: a duplicate (a second point at a held point's time, with another value)
        // loses to the first, so both pipelines must see each key's points in the same order,
        // and the job's topology has steps of its own between the source and its windows.
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<SensorPoint> points =
                env.fromData(GridEquivalenceITCase.stream(), TypeInformation.of(SensorPoint.class))
                        .assignTimestampsAndWatermarks(
                                SqlForecastITCase.everyPoint(options.outOfOrderness()))
                        .setParallelism(1);
        DataStream<String> fromJob =
                ForecastJob.topology(
                                points.map(ParsedPoint::of)
                                        .returns(TypeInformation.of(ParsedPoint.class)),
                                options)
                        .forecasts()
                        .map(SqlGridITCase::line);
        DataStream<Row> rows =
                points.map(p -> Row.of(p.sensorId(), p.value()))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"sensor", "value"},
                                        Types.STRING,
                                        Types.DOUBLE));
        tEnv.createTemporaryView("points", SqlForecastITCase.pointsTable(tEnv, rows));
        tEnv.executeSql(
                "CREATE TEMPORARY FUNCTION FORECAST AS '" + SqlForecastITCase.FUNCTION + "'");
        Table forecasts =
                tEnv.sqlQuery(
                        "SELECT * FROM FORECAST(input => TABLE points PARTITION BY sensor,"
                                + " on_time => DESCRIPTOR(ts), model => '"
                                + model.toUri()
                                + "', mode => '"
                                + mode
                                + "', quiet_timeout => '30 d', horizon => 5,"
                                + " interval_levels => '0.8,0.95', interval_warmup => 10,"
                                + " series_interval => '1 d',"
                                + " series_origin => '1961-01-01T00:00:00Z',"
                                + " series_aggregate => 'mean', gap_fill => 'linear',"
                                + " gap_max_fill => 3)");
        DataStream<String> fromSql = tEnv.toDataStream(forecasts).map(SqlGridITCase::line);

        Map<String, String> job = new HashMap<>();
        Map<String, String> sql = new HashMap<>();
        try (CloseableIterator<String> it = fromJob.union(fromSql).executeAndCollect()) {
            while (it.hasNext()) {
                String[] f = it.next().split("\\|", 3);
                Map<String, String> side = f[0].equals("job") ? job : sql;
                assertThat(side.put(f[1], f[2])).as("%s forecast %s twice", f[0], f[1]).isNull();
            }
        }
        assertThat(job).hasSizeGreaterThan(400);
        assertThat(sql.keySet()).isEqualTo(job.keySet());
        int withFilled = 0;
        for (Map.Entry<String, String> e : job.entrySet()) {
            String[] a = e.getValue().split(" ");
            String[] b = sql.get(e.getKey()).split(" ");
            assertThat(b).as(e.getKey()).hasSameSizeAs(a);
            // window start, next slot time, filled slots, where the intervals came from
            for (int i = 0; i < 4; i++) {
                assertThat(b[i]).as("%s field %d", e.getKey(), i).isEqualTo(a[i]);
            }
            if (!a[2].equals("0")) {
                withFilled++;
            }
            for (int i = 4; i < a.length; i++) {
                double x = Double.parseDouble(a[i]);
                double y = Double.parseDouble(b[i]);
                if (Double.isNaN(x)) {
                    assertThat(y).as("%s value %d", e.getKey(), i).isNaN();
                } else {
                    assertThat(y)
                            .as("%s value %d", e.getKey(), i)
                            .isCloseTo(
                                    x,
                                    org.assertj.core.data.Offset.offset(
                                            1e-5 * Math.max(1, Math.abs(x))));
                }
            }
        }
        assertThat(withFilled).as("forecasts with filled slots").isGreaterThan(50);
    }

    /** "job|sensor@windowEnd|windowStart nextTime filled source predictions ahead lower upper". */
    static String line(Forecast f) {
        StringBuilder b = new StringBuilder("job|");
        b.append(f.sensorId()).append('@').append(f.windowEnd()).append('|');
        b.append(f.windowStart()).append(' ').append(f.nextTime()).append(' ').append(f.filled());
        b.append(' ').append(f.ahead().source());
        for (double p : f.predictions()) {
            b.append(' ').append(p);
        }
        for (double p : f.ahead().values()) {
            b.append(' ').append(p);
        }
        for (double[][] bounds : new double[][][] {f.ahead().lower(), f.ahead().upper()}) {
            for (double[] level : bounds) {
                for (double p : level) {
                    b.append(' ').append(p);
                }
            }
        }
        return b.toString();
    }

    static String line(Row r) {
        Instant start = r.getFieldAs("window_start");
        Instant end = r.getFieldAs("window_end");
        Instant next = r.getFieldAs("next_time");
        StringBuilder b = new StringBuilder("sql|");
        b.append((String) r.getFieldAs("sensor")).append('@').append(end.toEpochMilli());
        b.append('|').append(start.toEpochMilli()).append(' ').append(next.toEpochMilli());
        b.append(' ').append((Integer) r.getFieldAs("filled"));
        b.append(' ').append((String) r.getFieldAs("intervals"));
        for (Double p : (Double[]) r.getFieldAs("predictions")) {
            b.append(' ').append(p);
        }
        for (Double p : (Double[]) r.getFieldAs("ahead")) {
            b.append(' ').append(p);
        }
        for (String bound : new String[] {"lower_bounds", "upper_bounds"}) {
            for (Double[] level : (Double[][]) r.getFieldAs(bound)) {
                for (Double p : level) {
                    b.append(' ').append(p == null ? Double.NaN : p);
                }
            }
        }
        return b.toString();
    }
}
