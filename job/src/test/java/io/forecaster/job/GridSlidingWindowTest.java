package io.forecaster.job;

import static io.forecaster.job.OrderedSlidingWindowTest.deadLetters;
import static io.forecaster.job.OrderedSlidingWindowTest.feed;
import static io.forecaster.job.OrderedSlidingWindowTest.outputs;
import static io.forecaster.job.OrderedSlidingWindowTest.point;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.SensorPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Tests for {@link GridSlidingWindow}. */
@SuppressWarnings("try") // the harness close() declares InterruptedException
class GridSlidingWindowTest {

    static final long HOUR = 3_600_000L;
    static final long MINUTE = 60_000L;

    /** Hour {@code n} (slot n of an hourly grid) plus {@code minutes}. */
    static long hour(int n, int minutes) {
        return n * HOUR + minutes * MINUTE;
    }

    static long hour(int n) {
        return hour(n, 0);
    }

    static ForecastOptions options(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("model.path", "unused.zip");
        m.put("window.size", "3");
        m.put("window.slide", "1");
        m.put("series.interval", "1 h");
        m.put("state.quiet-timeout", "1 d");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return ForecastOptions.fromMap(m);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SensorPoint, ModelInput> harness(
            ForecastOptions options, StateBackend backend) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        OrderedSlidingWindowOperator.of(options.windowSettings()),
                        SensorPoint::sensorId,
                        Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig())
                .setGenericTypes(false);
        h.setStateBackend(backend);
        return h;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SensorPoint, ModelInput> harness(
            ForecastOptions options) throws Exception {
        return harness(options, new HashMapStateBackend());
    }

    static ModelInput window(long first, long last, int filled, double... values) {
        return ModelInput.window("VAL", first, last, values).onGrid(last + HOUR, filled);
    }

    @Test
    void combinesTheSlotsPointsByTheAggregateOnceTheWatermarkPassesTheSlotsEnd() throws Exception {
        for (String[] aggregate :
                new String[][] {
                    {"mean", "4"},
                    {"last", "2"},
                    {"first", "9"},
                    {"max", "9"},
                    {"min", "1"},
                    {"sum", "12"}
                }) {
            try (var h = harness(options("series.aggregate", aggregate[0]))) {
                h.open();
                feed(h, point("VAL", hour(0), 0), point("VAL", hour(1), 1));
                // slot 2 in arrival order 1, 9, 2; in time order 9, 1, 2
                feed(
                        h,
                        point("VAL", hour(2, 30), 1),
                        point("VAL", hour(2, 10), 9),
                        point("VAL", hour(2, 50), 2));
                h.processWatermark(hour(3) - 2);
                assertThat(outputs(h)).as(aggregate[0]).isEmpty();

                h.processWatermark(hour(3) - 1);
                assertThat(outputs(h))
                        .as(aggregate[0])
                        .containsExactly(
                                window(
                                        hour(0),
                                        hour(2),
                                        0,
                                        0,
                                        1,
                                        Double.parseDouble(aggregate[1])));
            }
        }
    }

    @Test
    void linearFillPutsMissingSlotsOnTheLineAndCountsThem() throws Exception {
        try (var h = harness(options("gap.fill", "linear", "window.size", "4"))) {
            h.open();
            feed(h, point("VAL", hour(0), 10), point("VAL", hour(3, 59), 40));
            h.processWatermark(hour(5));

            assertThat(outputs(h)).containsExactly(window(hour(0), hour(3), 2, 10, 20, 30, 40));
        }
    }

    @Test
    void holdFillRepeatsTheValueBeforeTheGap() throws Exception {
        try (var h = harness(options("gap.fill", "hold", "window.size", "4"))) {
            h.open();
            feed(h, point("VAL", hour(0), 10), point("VAL", hour(3), 40));
            h.processWatermark(hour(5));

            assertThat(outputs(h)).containsExactly(window(hour(0), hour(3), 2, 10, 10, 10, 40));
        }
    }

    @Test
    void noFillRestartsTheKeyAtAnyGap() throws Exception {
        try (var h = harness(options("gap.fill", "none", "window.size", "2"))) {
            h.open();
            feed(
                    h,
                    point("VAL", hour(0), 10),
                    point("VAL", hour(1), 11),
                    point("VAL", hour(3), 13),
                    point("VAL", hour(4), 14));
            h.processWatermark(hour(5));

            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", hour(0), hour(1), new double[] {10, 11})
                                    .onGrid(hour(2), 0),
                            ModelInput.window("VAL", hour(3), hour(4), new double[] {13, 14})
                                    .onGrid(hour(5), 0));
        }
    }

    @Test
    void aGapJustBelowTheMaximumFillIsFilledAndOneJustAboveRestartsTheKey() throws Exception {
        ForecastOptions o = options("gap.fill", "hold", "gap.max-fill", "2", "window.size", "2");
        try (var h = harness(o)) {
            h.open();
            // 2 missing slots (3, 4): filled; then 3 missing (6, 7, 8): restart
            feed(
                    h,
                    point("VAL", hour(2), 2),
                    point("VAL", hour(5), 5),
                    point("VAL", hour(9), 9),
                    point("VAL", hour(10), 10));
            h.processWatermark(hour(11));

            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", hour(2), hour(3), new double[] {2, 2})
                                    .onGrid(hour(4), 1),
                            ModelInput.window("VAL", hour(3), hour(4), new double[] {2, 2})
                                    .onGrid(hour(5), 2),
                            ModelInput.window("VAL", hour(4), hour(5), new double[] {2, 5})
                                    .onGrid(hour(6), 1),
                            ModelInput.window("VAL", hour(9), hour(10), new double[] {9, 10})
                                    .onGrid(hour(11), 0));
            // slots numbered from the key's start, and again from 1 after the restart
            assertThat(OrderedSlidingWindowTest.runNumbers(h)).containsExactly(2L, 3L, 4L, 2L);
        }
    }

    @Test
    void statefulModeStepsEverySlotRealOrFilledAndResetsAfterAnUnfilledGap() throws Exception {
        ForecastOptions o = options("mode", "stateful", "gap.fill", "linear", "gap.max-fill", "1");
        try (var h = harness(o)) {
            h.open();
            feed(h, point("VAL", hour(0), 0), point("VAL", hour(2), 2), point("VAL", hour(5), 5));
            h.processWatermark(hour(6));
            h.processWatermark(hour(100));

            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.step("VAL", hour(0), 0, true).onGrid(hour(1), 0),
                            ModelInput.step("VAL", hour(1), 1, false).onGrid(hour(2), 1),
                            ModelInput.step("VAL", hour(2), 2, false).onGrid(hour(3), 1),
                            ModelInput.step("VAL", hour(5), 5, true).onGrid(hour(6), 0),
                            ModelInput.evict("VAL", hour(5) + 24 * HOUR));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aPointForAReleasedSlotIsLateAndARepeatedTimeADuplicate() throws Exception {
        try (var h = harness(options())) {
            h.open();
            feed(h, point("VAL", hour(0, 10), 1), point("VAL", hour(1, 10), 2));
            h.processWatermark(hour(1));
            feed(
                    h,
                    point("VAL", hour(0, 59), 3), // slot 0 was released
                    point("VAL", hour(1, 10), 4)); // same time as a held point
            assertThat(deadLetters(h).stream().map(DeadLetter::reason))
                    .containsExactly("late", "duplicate");
        }
    }

    @Test
    void aPointFromYear9999CostsOneSlotAndRestartsTheKey() throws Exception {
        try (var h = harness(options("window.size", "1", "gap.max-fill", "1000"))) {
            h.open();
            long farFuture = 253_402_300_000_000L;
            feed(h, point("VAL", hour(0), 1), point("VAL", farFuture, 2));
            h.processWatermark(Long.MAX_VALUE - 1);

            assertThat(outputs(h)).hasSize(3); // two windows, then the quiet key's eviction
            assertThat(outputs(h).get(1).windowStart).isEqualTo(farFuture - farFuture % HOUR);
            assertThat(outputs(h).get(2).kind).isEqualTo(ModelInput.Kind.EVICT);
        }
    }

    @Test
    void removesAQuietKeysStateAndTimersAndStartsItAgainEmpty() throws Exception {
        try (var h = harness(options("window.size", "2"))) {
            h.open();
            feed(h, point("VAL", hour(0), 1), point("VAL", hour(1), 2));
            h.processWatermark(hour(1) + 24 * HOUR);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(((OrderedSlidingWindowOperator) h.getOperator()).keysWithState()).isZero();

            feed(h, point("VAL", hour(27), 27), point("VAL", hour(28), 28));
            h.processWatermark(hour(29));
            // no filling across the removed state: the key started again; the inference
            // operator was told to drop its state of the key
            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", hour(0), hour(1), new double[] {1, 2})
                                    .onGrid(hour(2), 0),
                            ModelInput.evict("VAL", hour(1) + 24 * HOUR),
                            ModelInput.window("VAL", hour(27), hour(28), new double[] {27, 28})
                                    .onGrid(hour(29), 0));
        }
    }

    @Test
    void restoredFromASnapshotInTheMiddleOfAGapFillsItAsUninterrupted() throws Exception {
        assertRestoreInAGapContinuesIdentically(HashMapStateBackend::new);
    }

    @Test
    void restoredFromARocksDbSnapshotInTheMiddleOfAGapFillsItAsUninterrupted() throws Exception {
        assertRestoreInAGapContinuesIdentically(EmbeddedRocksDBStateBackend::new);
    }

    static void assertRestoreInAGapContinuesIdentically(Supplier<StateBackend> backend)
            throws Exception {
        ForecastOptions o = options("lateness.allowed", "10 min", "window.size", "4");
        SensorPoint[] before = {
            point("VAL", hour(0), 0),
            point("BEL", hour(0), 10),
            point("VAL", hour(1), 1),
            point("BEL", hour(1, 20), 11),
            point("BEL", hour(1, 40), 13)
        };
        // VAL's slots 2 and 3 are missing; the snapshot is taken at hour 3
        SensorPoint[] after = {
            point("VAL", hour(4), 4),
            point("BEL", hour(2), 20),
            point("BEL", hour(3), 30),
            point("BEL", hour(1, 50), 99), // late: slot 1 was released
            point("VAL", hour(5), 5)
        };

        List<Object> uninterrupted;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, before);
            h.processWatermark(hour(3));
            feed(h, after);
            h.processWatermark(hour(9));
            uninterrupted = new ArrayList<>(outputs(h));
            uninterrupted.addAll(deadLetters(h).stream().map(DeadLetter::reason).toList());
        }

        OperatorSubtaskState snapshot;
        List<Object> restored;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, before);
            h.processWatermark(hour(3));
            restored = new ArrayList<>(outputs(h));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(o, backend.get())) {
            h.initializeState(snapshot);
            h.open();
            assertThat(((OrderedSlidingWindowOperator) h.getOperator()).keysWithState())
                    .isEqualTo(2);
            feed(h, after);
            h.processWatermark(hour(9));
            restored.addAll(outputs(h));
            restored.addAll(deadLetters(h).stream().map(DeadLetter::reason).toList());
        }
        // VAL's slots 2 and 3 are filled when slot 4 closes the gap
        assertThat(uninterrupted)
                .containsExactly(
                        ModelInput.window("BEL", hour(0), hour(3), new double[] {10, 12, 20, 30})
                                .onGrid(hour(4), 0),
                        ModelInput.window("VAL", hour(0), hour(3), new double[] {0, 1, 2, 3})
                                .onGrid(hour(4), 2),
                        ModelInput.window("VAL", hour(1), hour(4), new double[] {1, 2, 3, 4})
                                .onGrid(hour(5), 2),
                        ModelInput.window("VAL", hour(2), hour(5), new double[] {2, 3, 4, 5})
                                .onGrid(hour(6), 2),
                        "late");
        assertThat(restored).isEqualTo(uninterrupted);
    }

    @Test
    void badGridOptionsStopTheJobNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> options("series.interval", "0 ms"))
                .hasMessageContaining("series.interval")
                .hasMessageContaining("0 ms");
        assertThatThrownBy(() -> options("series.interval", "-1 h"))
                .hasMessageContaining("series.interval");
        assertThatThrownBy(() -> options("gap.max-fill", "-1"))
                .hasMessageContaining("gap.max-fill")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> options("series.interval", "2 d"))
                .hasMessageContaining("series.interval (2 d)")
                .hasMessageContaining("state.quiet-timeout");
        assertThatThrownBy(() -> options("gap.fill", "cubic"))
                .hasMessageContaining("gap.fill")
                .hasMessageContaining("cubic");
        assertThatThrownBy(() -> options("series.aggregate", "median"))
                .hasMessageContaining("series.aggregate")
                .hasMessageContaining("median");
        assertThatThrownBy(() -> options("series.origin", "yesterday"))
                .hasMessageContaining("series.origin")
                .hasMessageContaining("yesterday");
        assertThatThrownBy(() -> options("stateful.reset-gap", "3 h"))
                .hasMessageContaining("stateful.reset-gap");
        Map<String, String> noGrid = new HashMap<>();
        noGrid.put("model.path", "unused.zip");
        noGrid.put("gap.fill", "hold");
        assertThatThrownBy(() -> ForecastOptions.fromMap(noGrid))
                .hasMessageContaining("gap.fill (hold) needs series.interval");
    }

    @Test
    void anOriginShiftsTheSlots() throws Exception {
        try (var h =
                harness(options("series.origin", "1970-01-01T00:30:00Z", "window.size", "2"))) {
            h.open();
            feed(
                    h,
                    point("VAL", hour(0, 40), 1),
                    point("VAL", hour(1, 20), 3),
                    point("VAL", hour(1, 40), 2));
            h.processWatermark(hour(3));
            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", hour(0, 30), hour(1, 30), new double[] {2, 2})
                                    .onGrid(hour(2, 30), 0));
        }
    }

    @Test
    void releasesAHotKeysShuffledPointsSlotBySlotInTimeOrderAcrossWatermarks() throws Exception {
        for (var backend :
                List.<Supplier<StateBackend>>of(
                        HashMapStateBackend::new, EmbeddedRocksDBStateBackend::new)) {
            for (String aggregate : List.of("first", "last", "mean")) {
                assertHotKeyReleasedInOrder(backend.get(), aggregate);
            }
        }
    }

    /**
     * 3,000 points 1 ms apart of one key on a 10 ms grid, fully shuffled: 300 held slots of 10
     * points each until the watermarks release them, slot by slot, in time order.
     */
    static void assertHotKeyReleasedInOrder(StateBackend backend, String aggregate)
            throws Exception {
        int n = 3000;
        long base = 1_767_225_600_000L;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(7));
        ForecastOptions o =
                options(
                        "mode",
                        "stateful",
                        "series.interval",
                        "10 ms",
                        "series.aggregate",
                        aggregate,
                        "gap.fill",
                        "none");
        try (var h = harness(o, backend)) {
            h.open();
            for (int i : order) {
                feed(h, point("HOT", base + i, i));
            }
            // the same times again: duplicates of held points, out of order
            feed(h, point("HOT", base + 17, -1), point("HOT", base + 2999, -1));
            // one timer per held slot, and the quiet-key cleanup
            assertThat(h.numEventTimeTimers()).as(aggregate).isEqualTo(n / 10 + 1);
            h.processWatermark(base + 999);
            List<ModelInput> first = outputs(h);
            h.processWatermark(base + n + 100);
            List<ModelInput> all = outputs(h); // every output so far
            assertThat(first).as(aggregate).hasSize(100);
            assertThat(all).as(aggregate).hasSize(n / 10);
            for (int k = 0; k < n / 10; k++) {
                double expected =
                        switch (aggregate) {
                            case "first" -> 10.0 * k;
                            case "last" -> 10.0 * k + 9;
                            default -> 10.0 * k + 4.5;
                        };
                ModelInput in = all.get(k);
                assertThat(in.time).as(aggregate + " slot " + k).isEqualTo(base + 10L * k);
                assertThat(in.values).as(aggregate + " slot " + k).containsExactly(expected);
            }
            assertThat(deadLetters(h))
                    .as(aggregate)
                    .extracting(DeadLetter::reason)
                    .containsExactly("duplicate", "duplicate");
            assertThat(h.numEventTimeTimers()).as(aggregate).isEqualTo(1);
        }
    }

    @Test
    void continuesHeldPointsKeptInTheEarlierStateLayoutOnHashMap() throws Exception {
        assertEarlierLayoutContinuesIdentically(HashMapStateBackend::new);
    }

    @Test
    void continuesHeldPointsKeptInTheEarlierStateLayoutOnRocksDb() throws Exception {
        assertEarlierLayoutContinuesIdentically(EmbeddedRocksDBStateBackend::new);
    }

    /**
     * The ordering step of before held points were indexed by slot, as far as its state goes: the
     * key's {@link GridWindow} and its held points by event time in {@value
     * GridSlidingWindow#PENDING_STATE}, a release timer per point and the quiet-key timer.
     */
    static final class EarlierLayout
            extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<
                    String, SensorPoint, ModelInput> {
        private final WindowSettings settings;
        private transient org.apache.flink.api.common.state.ValueState<GridWindow> window;
        private transient org.apache.flink.api.common.state.MapState<Long, Double> pending;

        EarlierLayout(WindowSettings settings) {
            this.settings = settings;
        }

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext c) {
            window =
                    getRuntimeContext()
                            .getState(
                                    new org.apache.flink.api.common.state.ValueStateDescriptor<>(
                                            GridSlidingWindow.GRID_STATE,
                                            org.apache.flink.api.common.typeinfo.TypeInformation.of(
                                                    GridWindow.class)));
            pending =
                    OrderedSlidingWindowTest.pendingState(
                            getRuntimeContext(), GridSlidingWindow.PENDING_STATE);
        }

        @Override
        public void processElement(SensorPoint p, Context ctx, Collector<ModelInput> out)
                throws Exception {
            GridWindow w = window.value();
            if (w == null) {
                w = GridWindow.empty(settings.window().size());
            }
            long t = p.eventTime();
            pending.put(t, p.value());
            long slotLast = settings.grid().slotLastTime(settings.grid().slotOf(t));
            ctx.timerService()
                    .registerEventTimeTimer(slotLast + settings.allowedLateness().toMillis());
            if (t > w.newest) {
                w.newest = t;
                if (w.cleanupAt != Long.MIN_VALUE) {
                    ctx.timerService().deleteEventTimeTimer(w.cleanupAt);
                }
                w.cleanupAt = t + settings.quietTimeout().toMillis();
                ctx.timerService().registerEventTimeTimer(w.cleanupAt);
            }
            window.update(w);
        }
    }

    static void assertEarlierLayoutContinuesIdentically(Supplier<StateBackend> backend)
            throws Exception {
        ForecastOptions o = options("series.aggregate", "last", "lateness.allowed", "10 min");
        // VAL: slot 0 released before the snapshot; slots 1 and 2 held (out of order) in it
        SensorPoint[] released = {point("VAL", hour(0, 10), 1), point("BEL", hour(0, 20), 10)};
        SensorPoint[] held = {
            point("VAL", hour(2, 30), 5),
            point("VAL", hour(1, 40), 3),
            point("VAL", hour(1, 20), 2),
            point("BEL", hour(1, 5), 11),
            point("VAL", hour(2, 10), 4)
        };
        SensorPoint[] after = {
            point("VAL", hour(1, 20), 99), // a duplicate of a held point
            point("VAL", hour(1, 50), 6),
            point("BEL", hour(2), 12),
            point("VAL", hour(3), 7)
        };
        List<Object> expected;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, released);
            h.processWatermark(hour(1) + 10 * MINUTE - 1);
            feed(h, held);
            feed(h, after);
            h.processWatermark(hour(9));
            expected = new ArrayList<>(outputs(h));
            expected.addAll(deadLetters(h).stream().map(DeadLetter::reason).toList());
        }
        // (keys whose timers fire at the same time come in either order)
        assertThat(expected)
                .containsExactlyInAnyOrder(
                        window(hour(0), hour(2), 0, 1, 6, 5),
                        ModelInput.window("BEL", hour(0), hour(2), new double[] {10, 11, 12})
                                .onGrid(hour(3), 0),
                        window(hour(1), hour(3), 0, 6, 5, 7),
                        "duplicate");
        assertThat(expected)
                .filteredOn(x -> x instanceof ModelInput in && in.sensorId.equals("VAL"))
                .containsExactly(
                        window(hour(0), hour(2), 0, 1, 6, 5), window(hour(1), hour(3), 0, 6, 5, 7));

        // the same points, the released and held ones through the earlier layout
        OperatorSubtaskState snapshot =
                OrderedSlidingWindowTest.snapshotAfter(
                        new EarlierLayout(o.windowSettings()), backend.get(), held);
        List<Object> restored = new ArrayList<>();
        try (var h = harness(o, backend.get())) {
            h.initializeState(snapshot);
            h.open();
            // slot 0 of each key, as released before: the restored keys continue from it
            feed(h, released);
            h.processWatermark(hour(1) + 10 * MINUTE - 1);
            feed(h, after);
            h.processWatermark(hour(9));
            restored.addAll(outputs(h));
            restored.addAll(deadLetters(h).stream().map(DeadLetter::reason).toList());
            assertThat(h.numEventTimeTimers()).isEqualTo(2); // the two quiet-key timers
        }
        assertThat(restored).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(restored)
                .filteredOn(x -> x instanceof ModelInput in && in.sensorId.equals("VAL"))
                .containsExactly(
                        window(hour(0), hour(2), 0, 1, 6, 5), window(hour(1), hour(3), 0, 6, 5, 7));
    }

    @Test
    void aSlotsPointsAreSortedByTimeWithTheirValues() {
        for (long spread : new long[] {1, 1L << 40}) {
            int n = 50;
            long[] times = new long[n + 1];
            double[] values = new double[n + 1];
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, new java.util.Random(3));
            for (int i = 0; i < n; i++) {
                times[i] = -7 + order.get(i) * spread;
                values[i] = order.get(i);
            }
            times[n] = 42; // past n: left alone
            GridSlidingWindow.inTimeOrder(times, values, n);
            for (int i = 0; i < n; i++) {
                assertThat(times[i]).as("spread %d, %d", spread, i).isEqualTo(-7 + i * spread);
                assertThat(values[i]).isEqualTo(i);
            }
            assertThat(times[n]).isEqualTo(42);
        }
    }
}
