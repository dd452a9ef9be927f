package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.StepState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SQL function {@code FORECAST} against the DataStream job: the same wind points, slightly out
 * of order, go through both in one Flink job at parallelism 2 that fails once after a checkpoint
 * and restores from it; both give the same forecasts, each exactly once, with the same H values
 * ahead and the same prediction intervals, calibrated online from the same scored errors.
 */
class SqlForecastITCase {

    static final int PARALLELISM = 2;
    static final String FUNCTION = "io.forecaster.job.sql.ForecastFunction";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    /** Set once the injected failure happened (the test's JVM runs the MiniCluster). */
    static final AtomicBoolean FAILED = new AtomicBoolean();

    /**
     * Points covered by the newest completed checkpoint (the source and the map: parallelism 1).
     */
    static final AtomicLong COVERED = new AtomicLong();

    /** Where the late and the duplicate point go into the stream. */
    static final int INJECTED = 600;

    @ParameterizedTest
    @ValueSource(strings = {"window", "stateful"})
    void givesTheJobsForecastsAcrossARestoreFromACheckpoint(String mode) throws Exception {
        FAILED.set(false);
        COVERED.set(0);
        List<SensorPoint> stream =
                new java.util.ArrayList<>(WindData.shuffledStream(WindData.series()));
        // A late point and a repeated time: the job dead-letters both, so equal forecasts mean
        // that FORECAST rejected them too (999 would change every later window of its key). The
        // failure comes after a checkpoint that covers them: watermarks restart after a restore,
        // so a replayed late point could pass before the first one, in either pipeline.
        SensorPoint first = stream.get(0);
        SensorPoint middle = stream.get(INJECTED);
        stream.add(INJECTED + 1, new SensorPoint(first.sensorId(), first.eventTime(), 999.0));
        stream.add(INJECTED + 2, new SensorPoint(middle.sensorId(), middle.eventTime(), 999.0));
        // H = 5 with two interval levels: the bounds are the job's, calibrated by the same
        // scoring from the same actual values (a short warm-up, so that most are online)
        Map<String, String> settings = new HashMap<>(WindEquivalenceITCase.settings("fast", mode));
        settings.put("forecast.horizon", "5");
        settings.put("forecast.interval-levels", "0.8,0.95");
        settings.put("forecast.interval-warmup", "10");
        settings.put("forecast.interval-gain", "0.2");
        // the function runs each key alone: batch 1 in the job too, so that the model's float
        // arithmetic, and with it every scored error, is the same on both sides
        settings.put("inference.batch-size", "1");
        ForecastOptions options = ForecastOptions.fromMap(settings);

        Configuration conf = ForecastRunner.jobConfiguration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(100);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);

        // One watermark after every point, shared by both pipelines, so that "late" means the
        // same in both whatever the machine's load (periodic watermarks depend on timing).
        DataStream<SensorPoint> points =
                env.fromData(stream, TypeInformation.of(SensorPoint.class))
                        .map(new FailOnceAfterACheckpoint(INJECTED + 3))
                        .returns(TypeInformation.of(SensorPoint.class))
                        .setParallelism(1)
                        .assignTimestampsAndWatermarks(everyPoint(options.outOfOrderness()))
                        .setParallelism(1);
        // Each sensor's points take one path to both pipelines, so they reach the keyed
        // operators in stream order, each after the watermark of the point before it or an
        // older one. Spread round-robin over two subtasks instead, a key's points would travel
        // two channels, and one channel lagging (more likely on a loaded machine) would let the
        // late point with RPT's first time (999) reach a pipeline before RPT's own point of that
        // time, under a watermark not yet past it: that pipeline would keep 999 and drop the
        // real point as the duplicate, first one wins, and its first windows of RPT, and every
        // interval calibrated from them, would differ from the other's.
        KeyedStream<SensorPoint, String> bySensor =
                points.keyBy(SensorPoint::sensorId, Types.STRING);

        DataStream<String> fromJob =
                ForecastJob.topology(
                                bySensor.map(ParsedPoint::of)
                                        .returns(TypeInformation.of(ParsedPoint.class)),
                                options)
                        .forecasts()
                        .map(SqlForecastITCase::line);

        DataStream<Row> rows =
                bySensor.map(p -> Row.of(p.sensorId(), p.value()))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"sensor", "value"},
                                        Types.STRING,
                                        Types.DOUBLE));
        tEnv.createTemporaryView("points", pointsTable(tEnv, rows));
        tEnv.executeSql("CREATE TEMPORARY FUNCTION FORECAST AS '" + FUNCTION + "'");
        Table forecasts =
                tEnv.sqlQuery(
                        "SELECT sensor, window_start, window_end, predictions, ahead, lower_bounds,"
                            + " upper_bounds, intervals, scored, mae, baseline_mae, coverage,"
                            + " rowtime FROM FORECAST(input => TABLE points PARTITION BY sensor,"
                            + " on_time => DESCRIPTOR(ts), model => '"
                                + TestModels.file().toUri()
                                + "', mode => '"
                                + mode
                                + "', window_size => 60, slide => 1, quiet_timeout => '30 d',"
                                + " horizon => 5, interval_levels => '0.95, 0.8',"
                                + " interval_warmup => 10, interval_gain => '0.2')");
        DataStream<String> fromSql = tEnv.toDataStream(forecasts).map(SqlForecastITCase::line);

        Map<String, String> job = new HashMap<>();
        Map<String, String> sql = new HashMap<>();
        Map<String, String> scores = new HashMap<>();
        try (CloseableIterator<String> it = fromJob.union(fromSql).executeAndCollect()) {
            while (it.hasNext()) {
                String[] f = it.next().split("\\|", 4);
                Map<String, String> side = f[0].equals("job") ? job : sql;
                if (f.length > 3) {
                    scores.put(f[1], f[3]);
                }
                assertThat(side.put(f[1], f[2])).as("%s forecast %s twice", f[0], f[1]).isNull();
            }
        }
        assertThat(FAILED).as("the injected failure happened").isTrue();
        assertThat(job).hasSize(12 * (120 - 60 + 1));
        assertThat(sql.keySet()).isEqualTo(job.keySet());
        Map<String, Integer> sources = new HashMap<>();
        job.forEach(
                (key, line) -> {
                    String[] byJob = line.split(" ", 3);
                    String[] fromFunction = sql.get(key).split(" ", 3);
                    // window start and where the intervals came from
                    assertThat(fromFunction[0] + " " + fromFunction[1])
                            .as(key)
                            .isEqualTo(byJob[0] + " " + byJob[1]);
                    sources.merge(byJob[1], 1, Integer::sum);
                    // predictions, the H values ahead, lower and upper bounds per level
                    double[] a = parse(byJob[2]);
                    double[] b = parse(fromFunction[2]);
                    assertThat(b).as(key).hasSameSizeAs(a);
                    for (int i = 0; i < a.length; i++) {
                        if (Double.isNaN(a[i])) {
                            assertThat(b[i]).as("%s value %d", key, i).isNaN();
                        } else {
                            assertThat(b[i])
                                    .as("%s value %d", key, i)
                                    .isCloseTo(a[i], within(a[i]));
                        }
                    }
                });
        // the trackers took over from the calibration (or from none) on most forecasts
        assertThat(sources.getOrDefault("online", 0)).as("%s", sources).isGreaterThan(300);
        // live accuracy on every row: after the last forecast of a key, its H - 1 older
        // forecasts' steps and the ones before them were scored
        scores.forEach(
                (key, figures) -> {
                    String[] f = figures.split(" ");
                    assertThat(Long.parseLong(f[0])).as(key).isGreaterThanOrEqualTo(0);
                    if (!f[1].equals("null")) {
                        assertThat(Double.parseDouble(f[1])).as(key).isPositive();
                        assertThat(Double.parseDouble(f[2])).as(key).isPositive();
                    }
                });
        assertThat(scores).hasSameSizeAs(sql);
        String last = scores.get(lastKey(job.keySet()));
        String[] f = last.split(" ");
        assertThat(Long.parseLong(f[0])).as(last).isGreaterThan(250);
        for (int l = 0; l < 2; l++) {
            assertThat(Double.parseDouble(f[3 + l])).as(last).isBetween(0.0, 1.0);
        }
    }

    /** Bounded out-of-orderness watermarks, emitted after every point. */
    static WatermarkStrategy<SensorPoint> everyPoint(Duration outOfOrderness) {
        long bound = outOfOrderness.toMillis();
        WatermarkGeneratorSupplier<SensorPoint> generator =
                context ->
                        new WatermarkGenerator<>() {
                            private long max = Long.MIN_VALUE + bound + 1;

                            @Override
                            public void onEvent(SensorPoint p, long time, WatermarkOutput out) {
                                max = Math.max(max, time);
                                out.emitWatermark(new Watermark(max - bound - 1));
                            }

                            @Override
                            public void onPeriodicEmit(WatermarkOutput out) {}
                        };
        return WatermarkStrategy.forGenerator(generator)
                .withTimestampAssigner((p, previous) -> p.eventTime());
    }

    private static org.assertj.core.data.Offset<Double> within(double v) {
        return org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(v)));
    }

    static Table pointsTable(StreamTableEnvironment tEnv, DataStream<Row> rows) {
        return tEnv.fromDataStream(
                rows,
                Schema.newBuilder()
                        .column("sensor", DataTypes.STRING())
                        .column("value", DataTypes.DOUBLE())
                        .columnByMetadata("ts", DataTypes.TIMESTAMP_LTZ(3), "rowtime")
                        .watermark("ts", "SOURCE_WATERMARK()")
                        .build());
    }

    /** A key's newest forecast: its sensor's, at its newest window end. */
    private static String lastKey(java.util.Set<String> keys) {
        return keys.stream()
                .max(
                        java.util.Comparator.comparingLong(
                                k -> Long.parseLong(k.substring(k.indexOf('@') + 1))))
                .orElseThrow();
    }

    /**
     * "job|sensor@windowEnd|windowStart source predictions... ahead... lower... upper...", the
     * bounds per level (ascending), then per step.
     */
    static String line(Forecast f) {
        StringBuilder b = new StringBuilder("job|");
        b.append(f.sensorId()).append('@').append(f.windowEnd()).append('|');
        b.append(f.windowStart()).append(' ').append(f.ahead().source());
        for (double p : f.predictions()) {
            b.append(' ').append(p);
        }
        for (double p : f.ahead().values()) {
            b.append(' ').append(p);
        }
        for (double[] level : f.ahead().lower()) {
            for (double p : level) {
                b.append(' ').append(p);
            }
        }
        for (double[] level : f.ahead().upper()) {
            for (double p : level) {
                b.append(' ').append(p);
            }
        }
        return b.toString();
    }

    /** The same line for a row of the SQL function; its rowtime must be the window's end. */
    static String line(Row r) {
        Instant start = r.getFieldAs("window_start");
        Instant end = r.getFieldAs("window_end");
        Object rowtime = r.getField("rowtime");
        StringBuilder b = new StringBuilder("sql|");
        b.append((String) r.getFieldAs("sensor")).append('@').append(end.toEpochMilli());
        b.append('|').append(start.toEpochMilli());
        if (!end.equals(rowtime)) {
            b.append(" rowtime ").append(rowtime); // fails the comparison
        }
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
        // its live accuracy: "scored mae baseline_mae coverage..."
        b.append('|').append((Long) r.getFieldAs("scored"));
        b.append(' ').append((Double) r.getFieldAs("mae"));
        b.append(' ').append((Double) r.getFieldAs("baseline_mae"));
        for (Double c : (Double[]) r.getFieldAs("coverage")) {
            b.append(' ').append(c);
        }
        return b.toString();
    }

    private static double[] parse(String line) {
        String[] f = line.split(" ");
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Double.parseDouble(f[i]);
        }
        return out;
    }

    /**
     * Extreme but representable values that overflow inside the (narrow) model: FORECAST gives no
     * forecast with a value that is not finite, as the job does not, and a stateful key that
     * overflowed starts again from the zero state and forecasts again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"window", "stateful"})
    void givesNoForecastThatIsNotFiniteAndAKeyRecoversFromAnOverflow(String mode) throws Exception {
        int w = 60;
        List<SensorPoint> val = WindData.series().get("VAL");
        List<SensorPoint> stream = new ArrayList<>();
        // VAL's 120 points with two extreme ones at 40 and 41
        float[] values = new float[2 * w];
        for (int i = 0; i < values.length; i++) {
            double v = i == 40 ? Float.MAX_VALUE : i == 41 ? -Float.MAX_VALUE : val.get(i).value();
            values[i] = (float) v;
            stream.add(new SensorPoint("EXT", val.get(i).eventTime(), v));
        }
        // the forecasts the job's rule gives, by window end index
        Set<Integer> expected = new TreeSet<>();
        Set<Integer> overflowed = new TreeSet<>();
        ModelBundle bundle = TestModels.narrowBundle();
        if (mode.equals("window")) {
            try (var p = Engines.open("fast", bundle)) {
                for (int end = w - 1; end < values.length; end++) {
                    float[] out =
                            p.predict(
                                            new float[][] {
                                                Arrays.copyOfRange(values, end - w + 1, end + 1)
                                            })[0];
                    boolean finite = true;
                    for (float o : out) {
                        finite &= Float.isFinite(o);
                    }
                    (finite ? expected : overflowed).add(end);
                }
            }
        } else {
            try (var st = Engines.openStepper("fast", bundle)) {
                var state = new StepState[] {st.newState()};
                float[] out = new float[1];
                int count = 0;
                for (int i = 0; i < values.length; i++) {
                    st.step(state, new float[] {values[i]}, 1, out);
                    if (!Float.isFinite(out[0]) || !BatchedInferenceOperator.isFinite(state[0])) {
                        overflowed.add(i);
                        state[0] = st.newState();
                        count = 0;
                    } else if (++count >= w) {
                        expected.add(i);
                    }
                }
            }
        }
        assertThat(overflowed).as("test data: the narrow model overflows").isNotEmpty();
        assertThat(expected)
                .as("test data: the key forecasts after the overflow")
                .contains(2 * w - 1);

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        DataStream<Row> rows =
                env.fromData(stream, TypeInformation.of(SensorPoint.class))
                        .assignTimestampsAndWatermarks(
                                ForecastJob.watermarks(
                                        WindEquivalenceITCase.options("fast", mode),
                                        (p, previous) -> p.eventTime()))
                        .map(p -> Row.of(p.sensorId(), p.value()))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"sensor", "value"},
                                        Types.STRING,
                                        Types.DOUBLE));
        tEnv.createTemporaryView("points", pointsTable(tEnv, rows));
        tEnv.executeSql("CREATE TEMPORARY FUNCTION FORECAST AS '" + FUNCTION + "'");
        List<Row> got = new ArrayList<>();
        try (CloseableIterator<Row> it =
                tEnv.executeSql(
                                "SELECT window_end, `next`, predictions FROM FORECAST(input =>"
                                        + " TABLE points PARTITION BY sensor, on_time =>"
                                        + " DESCRIPTOR(ts), model => '"
                                        + TestModels.narrowFile().toUri()
                                        + "', mode => '"
                                        + mode
                                        + "')")
                        .collect()) {
            it.forEachRemaining(got::add);
        }
        Set<Integer> ends = new TreeSet<>();
        for (Row r : got) {
            Instant end = (Instant) r.getField("window_end");
            int i = -1;
            for (int j = 0; j < stream.size(); j++) {
                if (stream.get(j).eventTime() == end.toEpochMilli()) {
                    i = j;
                }
            }
            ends.add(i);
            assertThat((Double) r.getField("next")).as("next at %s", end).isFinite();
            assertThat((Double[]) r.getField("predictions"))
                    .as("predictions at %s", end)
                    .allSatisfy(v -> assertThat(v).isFinite());
        }
        assertThat(ends).isEqualTo(expected);
    }

    @Test
    void badArgumentsFailNamingTheArgumentAndTheValue() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        List<SensorPoint> few = WindData.series().get("VAL").subList(0, 3);
        DataStream<Row> rows =
                env.fromData(few, TypeInformation.of(SensorPoint.class))
                        .assignTimestampsAndWatermarks(
                                ForecastJob.watermarks(
                                        WindEquivalenceITCase.options("fast", "window"),
                                        (p, previous) -> p.eventTime()))
                        .map(p -> Row.of(p.sensorId(), p.value()))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"sensor", "value"},
                                        Types.STRING,
                                        Types.DOUBLE));
        tEnv.createTemporaryView("points", pointsTable(tEnv, rows));
        tEnv.executeSql(
                "CREATE TEMPORARY VIEW named AS SELECT sensor, CAST(`value` AS STRING) AS `value`,"
                        + " ts FROM points");
        tEnv.executeSql("CREATE TEMPORARY FUNCTION FORECAST AS '" + FUNCTION + "'");
        String model = TestModels.file().toUri().toString();

        // checked while planning
        assertFails(tEnv, "points", "model => '" + model + "', mode => 'fast'", "mode => 'fast'");
        assertFails(tEnv, "points", "model => '" + model + "', slide => 0", "slide => 0");
        assertFails(tEnv, "points", "model => '" + model + "', lateness => 'soon'", "lateness");
        assertFails(
                tEnv,
                "points",
                "model => '" + model + "', interval_levels => '0.8,high'",
                "interval_levels => '0.8,high': 'high' is not a number");
        assertFails(
                tEnv,
                "points",
                "model => '" + model + "', interval_levels => '0.8,1.5'",
                "interval_levels => '0.8,1.5': each level must be between 0 and 1");
        assertFails(
                tEnv,
                "points",
                "model => '" + model + "', interval_gain => '0'",
                "interval_gain => '0': must be a positive number");
        assertFails(
                tEnv,
                "points",
                "model => '" + model + "', interval_gain => 'fast'",
                "interval_gain => 'fast'");
        assertFails(
                tEnv,
                "named",
                "model => '" + model + "'",
                "value_column => 'value': column value is STRING");
        assertFails(
                tEnv,
                "points",
                "model => '" + model + "', value_column => 'speed'",
                "value_column => 'speed'");
        assertFails(
                tEnv,
                "points",
                "model => '" + model + "', gap_fill => 'hold'",
                "gap_fill => 'hold': needs series_interval");
        assertFails(
                tEnv,
                "points",
                "model => '" + model + "', series_interval => '1 d', gap_fill => 'spline'",
                "gap_fill => 'spline'");
        // checked when the function opens the model
        assertFails(tEnv, "points", "model => 'file:///no/such/model.zip'", "model => 'file:///no");
        assertFails(
                tEnv, "points", "model => '" + model + "', window_size => 30", "window_size => 30");
    }

    private static void assertFails(
            StreamTableEnvironment tEnv, String table, String arguments, String message) {
        assertThatThrownBy(
                        () -> {
                            try (var it =
                                    tEnv.executeSql(
                                                    "SELECT * FROM FORECAST(input => TABLE "
                                                            + table
                                                            + " PARTITION BY sensor, on_time =>"
                                                            + " DESCRIPTOR(ts), "
                                                            + arguments
                                                            + ")")
                                            .collect()) {
                                it.forEachRemaining(r -> {});
                            }
                        })
                .as(arguments)
                .satisfies(
                        e ->
                                assertThat(ExceptionUtils.findThrowableWithMessage(e, message))
                                        .as(
                                                "%s in %s",
                                                message, ExceptionUtils.stringifyException(e))
                                        .isPresent());
    }

    /**
     * Passes points on slowly and fails once, as soon as a completed checkpoint covers the first
     * {@code after} points.
     */
    static final class FailOnceAfterACheckpoint extends RichMapFunction<SensorPoint, SensorPoint>
            implements CheckpointedFunction, CheckpointListener {

        private final int after;
        private transient int seen;
        private transient Map<Long, Integer> snapshots;

        FailOnceAfterACheckpoint(int after) {
            this.after = after;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            snapshots = new HashMap<>();
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            snapshots.put(context.getCheckpointId(), seen);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Integer covered = snapshots.remove(checkpointId);
            if (covered != null) {
                COVERED.accumulateAndGet(covered, Math::max);
            }
        }

        @Override
        public SensorPoint map(SensorPoint p) throws Exception {
            // slower once past the injected points until the failure, so that a checkpoint covers
            // them before the stream ends even when checkpoints take seconds (a loaded machine);
            // after the restore, at the first pace again
            Thread.sleep(seen < after || FAILED.get() ? 1 : 10);
            seen++;
            if (COVERED.get() >= after && !FAILED.getAndSet(true)) {
                throw new IllegalStateException("injected failure after " + seen + " points");
            }
            return p;
        }
    }
}
