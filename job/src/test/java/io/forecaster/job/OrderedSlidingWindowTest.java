package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Tests for {@link OrderedSlidingWindow}. */
@SuppressWarnings("try") // the harness close() declares InterruptedException
class OrderedSlidingWindowTest {

    static final long BEGINNING = 1_000_000L;
    static final long MINUTE = 60_000L;

    /** Stateful mode, a key restarting after a gap of more than 5 minutes, quiet after 1 hour. */
    static final String[] STATEFUL_RESET_AFTER_5_MIN = {
        "mode", "stateful", "stateful.reset-gap", "5 min", "state.quiet-timeout", "1 h"
    };

    static long minute(int n) {
        return BEGINNING + n * MINUTE;
    }

    static SensorPoint point(String sensor, long time, double value) {
        return new SensorPoint(sensor, time, value);
    }

    static ForecastOptions options(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("model.path", "unused.zip");
        m.put("window.size", "3");
        m.put("window.slide", "2");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return ForecastOptions.fromMap(m);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SensorPoint, ModelInput> harness(
            ForecastOptions options) throws Exception {
        return harness(options, new HashMapStateBackend());
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SensorPoint, ModelInput> harness(
            ForecastOptions options, StateBackend backend) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new OrderedSlidingWindowOperator(
                                new OrderedSlidingWindow(options.windowSettings())),
                        SensorPoint::sensorId,
                        Types.STRING);
        // State must use Flink's own serializers: a Kryo fallback fails here.
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig())
                .setGenericTypes(false);
        h.setStateBackend(backend);
        return h;
    }

    /** The outputs without their run numbers ({@link #runNumbers} checks those). */
    static List<ModelInput> outputs(KeyedOneInputStreamOperatorTestHarness<?, ?, ModelInput> h) {
        List<ModelInput> out = new ArrayList<>();
        for (ModelInput in : h.extractOutputValues()) {
            ModelInput copy = ModelInput.window(in.sensorId, in.windowStart, in.time, in.values);
            copy.kind = in.kind;
            copy.reset = in.reset;
            copy.nextTime = in.nextTime;
            copy.filled = in.filled;
            out.add(copy);
        }
        return out;
    }

    /** Each output's number in its key's run. */
    static List<Long> runNumbers(KeyedOneInputStreamOperatorTestHarness<?, ?, ModelInput> h) {
        return h.extractOutputValues().stream().map(in -> in.seq).toList();
    }

    static List<DeadLetter> deadLetters(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) {
        List<DeadLetter> out = new ArrayList<>();
        var side = h.getSideOutput(OrderedSlidingWindow.DEAD_LETTERS);
        if (side != null) {
            for (StreamRecord<DeadLetter> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    /** The ordering step's {@value OrderedSlidingWindow#WINDOW_STATE} state, as it declares it. */
    static org.apache.flink.api.common.state.ValueState<KeyWindow> windowState(
            org.apache.flink.api.common.functions.RuntimeContext context) {
        return context.getState(
                new org.apache.flink.api.common.state.ValueStateDescriptor<>(
                        OrderedSlidingWindow.WINDOW_STATE,
                        org.apache.flink.api.common.typeinfo.TypeInformation.of(KeyWindow.class)));
    }

    /** A held-points map state (event time to value) named {@code name}. */
    static org.apache.flink.api.common.state.MapState<Long, Double> pendingState(
            org.apache.flink.api.common.functions.RuntimeContext context, String name) {
        return context.getMapState(
                new org.apache.flink.api.common.state.MapStateDescriptor<>(
                        name, Types.LONG, Types.DOUBLE));
    }

    /**
     * The state a keyed process function (an earlier version's ordering step, say) leaves after
     * {@code points}, on {@code backend}, with Flink's own serializers only.
     */
    static OperatorSubtaskState snapshotAfter(
            org.apache.flink.streaming.api.functions.KeyedProcessFunction<
                            String, SensorPoint, ModelInput>
                    function,
            StateBackend backend,
            SensorPoint... points)
            throws Exception {
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
                                function),
                        SensorPoint::sensorId,
                        Types.STRING)) {
            ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig())
                    .setGenericTypes(false);
            h.setStateBackend(backend);
            h.open();
            feed(h, points);
            return h.snapshot(1L, 1L);
        }
    }

    static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, SensorPoint, ?> h, SensorPoint... points)
            throws Exception {
        for (SensorPoint p : points) {
            h.processElement(p, p.eventTime());
        }
    }

    @Test
    void emitsWindowOnceWPointsArrivedThenEverySlidePoints() throws Exception {
        try (var h = harness(options())) {
            h.open();
            for (int i = 1; i <= 7; i++) {
                feed(h, point("VAL", minute(i), i));
            }
            h.processWatermark(minute(7));

            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", minute(1), minute(3), new double[] {1, 2, 3}),
                            ModelInput.window("VAL", minute(3), minute(5), new double[] {3, 4, 5}),
                            ModelInput.window("VAL", minute(5), minute(7), new double[] {5, 6, 7}));
            // the newest point's number, so the model's operator knows which values are new
            assertThat(runNumbers(h)).containsExactly(3L, 5L, 7L);
        }
    }

    @Test
    void releaseLagCountsEveryReleasedPointFromItsEventTime() throws Exception {
        try (var h = harness(options("window.slide", "1"))) {
            h.open();
            long oneMinuteAgo = System.currentTimeMillis() - 60_000;
            feed(
                    h,
                    point("VAL", oneMinuteAgo, 1),
                    point("VAL", oneMinuteAgo + 1, 2),
                    point("VAL", oneMinuteAgo + 2, 3));
            var function =
                    (OrderedSlidingWindow)
                            ((OrderedSlidingWindowOperator) h.getOperator()).getUserFunction();
            h.processWatermark(oneMinuteAgo + 1);
            assertThat(function.releaseLag.getCount()).isEqualTo(2);

            h.processWatermark(oneMinuteAgo + 2);
            assertThat(function.releaseLag.getCount()).isEqualTo(3);
            // released now, a minute after their event times
            assertThat(function.releaseLag.getStatistics().getMin()).isGreaterThanOrEqualTo(59_998);
        }
    }

    @Test
    void holdsPointsUntilTheWatermarkPassesThem() throws Exception {
        try (var h = harness(options("window.slide", "1"))) {
            h.open();
            feed(
                    h,
                    point("VAL", minute(1), 1),
                    point("VAL", minute(2), 2),
                    point("VAL", minute(3), 3));
            h.processWatermark(minute(2));
            assertThat(outputs(h)).isEmpty();

            h.processWatermark(minute(3));
            assertThat(outputs(h)).hasSize(1);
        }
    }

    @Test
    void ordersOutOfOrderPointsBeforeTheyEnterAWindow() throws Exception {
        try (var h = harness(options())) {
            h.open();
            feed(
                    h,
                    point("VAL", minute(3), 3),
                    point("VAL", minute(1), 1),
                    point("BEL", minute(2), 20),
                    point("VAL", minute(2), 2),
                    point("BEL", minute(1), 10),
                    point("BEL", minute(3), 30));
            h.processWatermark(minute(3));

            assertThat(outputs(h))
                    .containsExactlyInAnyOrder(
                            ModelInput.window("VAL", minute(1), minute(3), new double[] {1, 2, 3}),
                            ModelInput.window(
                                    "BEL", minute(1), minute(3), new double[] {10, 20, 30}));
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    @Test
    void deadLettersPointsBehindTheWatermarkAsLate() throws Exception {
        try (var h = harness(options())) {
            h.open();
            feed(h, point("VAL", minute(1), 1), point("VAL", minute(3), 3));
            h.processWatermark(minute(3));
            feed(
                    h,
                    point("VAL", minute(2), 2),
                    point("VAL", minute(3) - 1, 2.5),
                    point("VAL", minute(4), 4),
                    point("VAL", minute(5), 5));
            h.processWatermark(minute(5));

            assertThat(deadLetters(h))
                    .extracting(DeadLetter::reason, DeadLetter::key)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("late", "VAL"),
                            org.assertj.core.groups.Tuple.tuple("late", "VAL"));
            assertThat(deadLetters(h).get(0).detail()).contains(String.valueOf(minute(2)));
            assertThat(new String(deadLetters(h).get(0).raw(), "UTF-8")).contains("VAL");
            // The late points never entered a window.
            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", minute(1), minute(4), new double[] {1, 3, 4}));
        }
    }

    @Test
    void allowedLatenessPutsLatePointsInTheirPlace() throws Exception {
        try (var h = harness(options("lateness.allowed", "2 min"))) {
            h.open();
            feed(h, point("VAL", minute(1), 1), point("VAL", minute(3), 3));
            h.processWatermark(minute(3));
            assertThat(outputs(h)).isEmpty();
            // Behind the watermark but within the allowed lateness: takes its place.
            feed(h, point("VAL", minute(2), 2));
            h.processWatermark(minute(5));

            assertThat(deadLetters(h)).isEmpty();
            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", minute(1), minute(3), new double[] {1, 2, 3}));
        }
    }

    @Test
    void keepsTheFirstOfTwoPointsWithTheSameTime() throws Exception {
        try (var h = harness(options("window.slide", "1"))) {
            h.open();
            feed(
                    h,
                    point("VAL", minute(1), 1),
                    point("VAL", minute(2), 2),
                    point("VAL", minute(2), 99),
                    point("VAL", minute(3), 3));
            h.processWatermark(minute(3));
            // Again, now that the first one is the key's last released point.
            feed(h, point("VAL", minute(3), 77), point("VAL", minute(4), 4));
            h.processWatermark(minute(4));

            assertThat(deadLetters(h))
                    .extracting(DeadLetter::reason)
                    .containsExactly("duplicate", "duplicate");
            assertThat(deadLetters(h))
                    .extracting(d -> new String(d.raw(), java.nio.charset.StandardCharsets.UTF_8))
                    .allSatisfy(raw -> assertThat(raw).containsAnyOf("99", "77"));
            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", minute(1), minute(3), new double[] {1, 2, 3}),
                            ModelInput.window("VAL", minute(2), minute(4), new double[] {2, 3, 4}));
        }
    }

    @Test
    void removesQuietKeysStateAndTimers() throws Exception {
        try (var h = harness(options("state.quiet-timeout", "10 min"))) {
            h.open();
            feed(
                    h,
                    point("VAL", minute(1), 1),
                    point("VAL", minute(2), 2),
                    point("BEL", minute(1), 1));
            h.processWatermark(minute(2));
            feed(
                    h,
                    point("VAL", minute(20), 3),
                    point("VAL", minute(19), 4),
                    point("VAL", minute(18), 5));
            // both windows, and VAL's pending map: its first two held points are kept in its
            // window
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);

            h.processWatermark(minute(11)); // BEL quiet for 10 minutes
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            h.processWatermark(minute(30)); // VAL quiet for 10 minutes after its newest point

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(((OrderedSlidingWindowOperator) h.getOperator()).keysWithState()).isZero();
            // window mode too: the inference operator drops its state of each quiet key
            assertThat(outputs(h).stream().filter(in -> in.kind == ModelInput.Kind.EVICT))
                    .containsExactly(
                            ModelInput.evict("BEL", minute(11)),
                            ModelInput.evict("VAL", minute(30)));
        }
    }

    @Test
    void aPointReleasedWhenItsKeyWouldHaveGoneQuietIsReleasedOnTime() throws Exception {
        // the second point's release time is the first one's quiet-key cleanup time
        try (var h = harness(options("mode", "stateful", "state.quiet-timeout", "10 min"))) {
            h.open();
            feed(h, point("VAL", minute(1), 1), point("VAL", minute(11), 11));
            h.processWatermark(minute(11));
            assertThat(outputs(h)).extracting(in -> in.time).containsExactly(minute(1), minute(11));
            assertThat(h.numEventTimeTimers()).isEqualTo(1); // the cleanup at minute 21
        }
    }

    @Test
    void aQuietKeyStartsAgainFromAnEmptyWindow() throws Exception {
        try (var h = harness(options("state.quiet-timeout", "10 min", "window.slide", "1"))) {
            h.open();
            feed(h, point("VAL", minute(1), 1), point("VAL", minute(2), 2));
            h.processWatermark(minute(40));
            feed(
                    h,
                    point("VAL", minute(41), 41),
                    point("VAL", minute(42), 42),
                    point("VAL", minute(43), 43));
            h.processWatermark(minute(43));

            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.evict("VAL", minute(12)),
                            ModelInput.window(
                                    "VAL", minute(41), minute(43), new double[] {41, 42, 43}));
        }
    }

    @Test
    void holdsTwoPointsOfAKeyInItsWindowAndTheOthersInThePendingMap() throws Exception {
        try (var h = harness(options("mode", "stateful"))) {
            h.open();
            // in order, each released before the next comes: nothing but the windows
            feed(h, point("VAL", minute(1), 1));
            h.processWatermark(minute(1));
            feed(h, point("VAL", minute(2), 2));
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            // held together, out of order, duplicates of a point kept in the window and of one
            // in the map
            feed(
                    h,
                    point("VAL", minute(5), 5),
                    point("VAL", minute(3), 3),
                    point("VAL", minute(2), -2),
                    point("VAL", minute(4), 4),
                    point("VAL", minute(3), -3));
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            h.processWatermark(minute(3));
            h.processWatermark(minute(9));
            assertThat(outputs(h))
                    .extracting(in -> in.values[0])
                    .containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
            assertThat(deadLetters(h))
                    .extracting(DeadLetter::reason)
                    .containsExactly("duplicate", "duplicate");
            assertThat(h.numKeyedStateEntries()).isEqualTo(1); // the window alone again
        }
    }

    @Test
    void continuesHeldPointsKeptInTheEarlierStateLayoutOnTheHeap() throws Exception {
        assertUncountedHeldPointsContinueIdentically(HashMapStateBackend::new);
    }

    @Test
    void continuesHeldPointsKeptInTheEarlierStateLayoutOnRocksDb() throws Exception {
        assertUncountedHeldPointsContinueIdentically(EmbeddedRocksDBStateBackend::new);
    }

    /**
     * The ordering step of before a key's held points were counted, as far as its state goes: the
     * key's {@link KeyWindow} ({@code heldLayout} 0) and every held point in {@value
     * OrderedSlidingWindow#PENDING_STATE}, a release timer per point and the quiet-key timer.
     */
    static final class UncountedHeldPoints
            extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<
                    String, SensorPoint, ModelInput> {
        private final long quietMs;
        private transient org.apache.flink.api.common.state.ValueState<KeyWindow> window;
        private transient org.apache.flink.api.common.state.MapState<Long, Double> pending;

        UncountedHeldPoints(long quietMs) {
            this.quietMs = quietMs;
        }

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext c) {
            window = windowState(getRuntimeContext());
            pending = pendingState(getRuntimeContext(), OrderedSlidingWindow.PENDING_STATE);
        }

        @Override
        public void processElement(SensorPoint p, Context ctx, Collector<ModelInput> out)
                throws Exception {
            KeyWindow w = window.value();
            if (w == null) {
                w = KeyWindow.empty(0);
            }
            long t = p.eventTime();
            pending.put(t, p.value());
            ctx.timerService().registerEventTimeTimer(t);
            if (t > w.newest) {
                w.newest = t;
                if (w.cleanupAt != Long.MIN_VALUE) {
                    ctx.timerService().deleteEventTimeTimer(w.cleanupAt);
                }
                w.cleanupAt = t + quietMs;
                ctx.timerService().registerEventTimeTimer(w.cleanupAt);
            }
            window.update(w);
        }
    }

    static void assertUncountedHeldPointsContinueIdentically(Supplier<StateBackend> backend)
            throws Exception {
        ForecastOptions o = options("mode", "stateful", "state.quiet-timeout", "10 min");
        SensorPoint[] held = {
            point("VAL", minute(3), 3), point("VAL", minute(2), 2), point("BEL", minute(2), 11)
        };
        SensorPoint[] after = {
            point("VAL", minute(2), 99), // a duplicate of a held point
            point("VAL", minute(4), 4),
            point("BEL", minute(3), 12)
        };
        List<Object> expected = new ArrayList<>();
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, held);
            feed(h, after);
            h.processWatermark(minute(60));
            expected.addAll(outputs(h));
            expected.addAll(deadLetters(h).stream().map(DeadLetter::reason).toList());
        }
        assertThat(expected)
                .containsExactlyInAnyOrder(
                        ModelInput.step("VAL", minute(2), 2, true),
                        ModelInput.step("VAL", minute(3), 3, false),
                        ModelInput.step("VAL", minute(4), 4, false),
                        ModelInput.step("BEL", minute(2), 11, true),
                        ModelInput.step("BEL", minute(3), 12, false),
                        ModelInput.evict("VAL", minute(14)),
                        ModelInput.evict("BEL", minute(13)),
                        "duplicate");
        OperatorSubtaskState snapshot =
                snapshotAfter(new UncountedHeldPoints(10 * 60_000L), backend.get(), held);
        List<Object> restored = new ArrayList<>();
        try (var h = harness(o, backend.get())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, after);
            h.processWatermark(minute(60));
            restored.addAll(outputs(h));
            restored.addAll(deadLetters(h).stream().map(DeadLetter::reason).toList());
            assertThat(h.numEventTimeTimers()).isZero();
        }
        assertThat(restored).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void statefulModeEmitsEveryPointAndResetsAfterAGap() throws Exception {
        try (var h = harness(options(STATEFUL_RESET_AFTER_5_MIN))) {
            h.open();
            feed(
                    h,
                    point("VAL", minute(1), 1),
                    point("VAL", minute(2), 2),
                    point("VAL", minute(7), 7),
                    point("VAL", minute(13), 13));
            h.processWatermark(minute(13));
            h.processWatermark(minute(100));

            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.step("VAL", minute(1), 1, true),
                            ModelInput.step("VAL", minute(2), 2, false),
                            ModelInput.step("VAL", minute(7), 7, false), // gap of exactly 5 min
                            ModelInput.step("VAL", minute(13), 13, true), // gap of 6 min
                            ModelInput.evict("VAL", minute(73)));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void releasesAHotKeysThousandsOfShuffledPointsInOrderAcrossWatermarks() throws Exception {
        int n = 3000;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(5));
        try (var h = harness(options("mode", "stateful", "lateness.allowed", "2 ms"))) {
            h.open();
            int fed = 0;
            for (int i : order) {
                feed(h, point("HOT", BEGINNING + i, i), point("COLD", BEGINNING + 2L * i, -i));
                if (++fed % 1000 == 0) {
                    // every point is still held: the watermark is behind all of them
                    h.processWatermark(BEGINNING - 3);
                    assertThat(outputs(h)).isEmpty();
                }
            }
            // a watermark partway releases exactly the points up to it, in time order
            h.processWatermark(BEGINNING + 1000);
            assertThat(outputs(h))
                    .filteredOn(in -> in.sensorId.equals("HOT"))
                    .extracting(in -> in.time)
                    .containsExactlyElementsOf(
                            java.util.stream.LongStream.rangeClosed(0, 998)
                                    .map(i -> BEGINNING + i)
                                    .boxed()
                                    .toList());
            h.processWatermark(BEGINNING + 3 * n);
            List<ModelInput> out = outputs(h);
            for (String key : List.of("HOT", "COLD")) {
                List<ModelInput> k = out.stream().filter(in -> in.sensorId.equals(key)).toList();
                assertThat(k).hasSize(n);
                assertThat(k.get(0).reset).isTrue();
                for (int i = 0; i < n; i++) {
                    double v = key.equals("HOT") ? i : -i;
                    assertThat(k.get(i).values).as(key + " " + i).containsExactly(v);
                }
            }
            assertThat(deadLetters(h)).isEmpty();
            // one timer per key is left: its quiet-key cleanup
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
        }
    }

    @Test
    void windowsLongerThanAChunkOfSlotsHoldTheLastWPointsInOrder() throws Exception {
        int size = 2 * OrderedSlidingWindow.CHUNK + 3;
        int n = 3 * size + 1;
        for (var backend :
                List.<Supplier<StateBackend>>of(
                        HashMapStateBackend::new, EmbeddedRocksDBStateBackend::new)) {
            try (var h =
                    harness(
                            options("window.size", Integer.toString(size), "window.slide", "1"),
                            backend.get())) {
                h.open();
                for (int i = 0; i < n; i++) {
                    feed(h, point("VAL", minute(i), i * i));
                }
                h.processWatermark(minute(n));
                List<ModelInput> out = outputs(h);
                assertThat(out).hasSize(n - size + 1);
                for (int k = 0; k < out.size(); k++) {
                    double[] expected = new double[size];
                    for (int j = 0; j < size; j++) {
                        expected[j] = (double) (k + j) * (k + j);
                    }
                    assertThat(out.get(k))
                            .isEqualTo(
                                    ModelInput.window(
                                            "VAL", minute(k), minute(k + size - 1), expected));
                }
            }
        }
    }

    @Test
    void releasesPointsWhoseReleaseTimeSaturatesInOrderAtTheEnd() throws Exception {
        long end = Long.MAX_VALUE;
        try (var h = harness(options("window.slide", "1", "lateness.allowed", "1 min"))) {
            h.open();
            feed(
                    h,
                    point("VAL", end - 3, 3),
                    point("VAL", end - 5, 1),
                    point("VAL", end - 4, 2),
                    point("VAL", end - 3, 9));
            h.processWatermark(end - 1);
            assertThat(outputs(h)).isEmpty();
            h.processWatermark(end);
            // the window, then the key's eviction: its quiet-key timer saturates at the end too
            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window("VAL", end - 5, end - 3, new double[] {1, 2, 3}),
                            ModelInput.evict("VAL", end));
            assertThat(deadLetters(h))
                    .extracting(DeadLetter::reason)
                    .containsExactly(io.forecaster.connectors.DeadLetterReasons.DUPLICATE);
        }
    }

    @Test
    void restoredFromASnapshotContinuesWithIdenticalOutput() throws Exception {
        assertRestoreContinuesIdentically(HashMapStateBackend::new);
    }

    @Test
    void restoredFromARocksDbSnapshotContinuesWithIdenticalOutput() throws Exception {
        assertRestoreContinuesIdentically(EmbeddedRocksDBStateBackend::new);
    }

    @Test
    void continuesWindowsKeptInTheEarlierStateLayoutOnHashMap() throws Exception {
        assertEarlierLayoutContinuesIdentically(HashMapStateBackend::new);
    }

    @Test
    void continuesWindowsKeptInTheEarlierStateLayoutOnRocksDb() throws Exception {
        assertEarlierLayoutContinuesIdentically(EmbeddedRocksDBStateBackend::new);
    }

    @Test
    void continuesWindowsRestoredFromRocksDbOnTheHeapBackend() throws Exception {
        assertBackendSwitchContinuesIdentically(
                EmbeddedRocksDBStateBackend::new, HashMapStateBackend::new);
    }

    @Test
    void continuesWindowsRestoredFromTheHeapBackendOnRocksDb() throws Exception {
        assertBackendSwitchContinuesIdentically(
                HashMapStateBackend::new, EmbeddedRocksDBStateBackend::new);
    }

    /**
     * A window written on one backend (whose layout: arrays on the heap, chunks on RocksDB) goes on
     * after a restore on the other as it goes on without the switch: W longer than a chunk, one key
     * past W points, one with fewer.
     */
    static void assertBackendSwitchContinuesIdentically(
            Supplier<StateBackend> from, Supplier<StateBackend> to) throws Exception {
        int size = OrderedSlidingWindow.CHUNK + 4;
        ForecastOptions o = options("window.size", Integer.toString(size), "window.slide", "1");
        List<SensorPoint> before = new ArrayList<>();
        for (int i = 1; i <= 2 * size + 3; i++) {
            before.add(point("VAL", minute(i), i));
        }
        for (int i = 1; i < size - 1; i++) {
            before.add(point("BEL", minute(i), -i));
        }
        List<SensorPoint> after = new ArrayList<>();
        for (int i = 2 * size + 4; i <= 2 * size + 8; i++) {
            after.add(point("VAL", minute(i), i));
            after.add(point("BEL", minute(i), -i));
        }
        long cut = minute(2 * size + 3);

        List<ModelInput> expected;
        try (var h = harness(o, to.get())) {
            h.open();
            feed(h, before.toArray(SensorPoint[]::new));
            h.processWatermark(cut);
            h.getOutput().clear();
            feed(h, after.toArray(SensorPoint[]::new));
            h.processWatermark(minute(3 * size));
            expected = outputs(h);
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(o, from.get())) {
            h.open();
            feed(h, before.toArray(SensorPoint[]::new));
            h.processWatermark(cut);
            // a savepoint in the canonical format: what a change of backend restores from
            snapshot =
                    h.snapshotWithLocalState(
                                    1L,
                                    1L,
                                    org.apache.flink.runtime.checkpoint.SavepointType.savepoint(
                                            org.apache.flink.core.execution.SavepointFormatType
                                                    .CANONICAL))
                            .getJobManagerOwnedState();
        }
        try (var h = harness(o, to.get())) {
            h.initializeState(snapshot);
            h.open();
            feed(h, after.toArray(SensorPoint[]::new));
            h.processWatermark(minute(3 * size));
            List<ModelInput> restored = outputs(h);
            // VAL: 5 windows; BEL (W - 2 points before): from its W-th point on, 4
            assertThat(expected).hasSize(9);
            assertThat(restored).containsExactlyInAnyOrderElementsOf(expected);
            for (String key : List.of("VAL", "BEL")) {
                assertThat(restored)
                        .filteredOn(in -> in.sensorId.equals(key))
                        .containsExactlyElementsOf(
                                expected.stream().filter(in -> in.sensorId.equals(key)).toList());
            }
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    /**
     * Writes a key's window the way earlier versions kept it: its last W points in the {@link
     * KeyWindow}'s own arrays (every point released at once, in order).
     */
    static final class EarlierLayout
            extends org.apache.flink.streaming.api.functions.KeyedProcessFunction<
                    String, SensorPoint, ModelInput> {
        private final int size;
        private transient org.apache.flink.api.common.state.ValueState<KeyWindow> window;

        EarlierLayout(int size) {
            this.size = size;
        }

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext c) {
            window = windowState(getRuntimeContext());
        }

        @Override
        public void processElement(SensorPoint p, Context ctx, Collector<ModelInput> out)
                throws Exception {
            KeyWindow w = window.value();
            if (w == null) {
                w = KeyWindow.empty(size);
            }
            w.append(p.eventTime(), p.value());
            w.newest = p.eventTime();
            window.update(w);
        }
    }

    static void assertEarlierLayoutContinuesIdentically(Supplier<StateBackend> backend)
            throws Exception {
        ForecastOptions o = options("window.slide", "1");
        List<SensorPoint> before = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            before.add(point("VAL", minute(i), i));
        }
        before.add(point("BEL", minute(1), 10));
        before.add(point("BEL", minute(2), 20));
        SensorPoint[] after = {
            point("VAL", minute(6), 6),
            point("BEL", minute(6), 30),
            point("VAL", minute(7), 7),
            point("BEL", minute(7), 40)
        };

        List<ModelInput> expected;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, before.toArray(SensorPoint[]::new));
            h.processWatermark(minute(5));
            h.getOutput().clear();
            feed(h, after);
            h.processWatermark(minute(9));
            expected = outputs(h);
            assertThat(deadLetters(h)).isEmpty();
        }
        OperatorSubtaskState snapshot =
                snapshotAfter(
                        new EarlierLayout(3), backend.get(), before.toArray(SensorPoint[]::new));
        try (var h = harness(o, backend.get())) {
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(minute(5));
            feed(h, after);
            h.processWatermark(minute(9));
            assertThat(expected)
                    .containsExactlyInAnyOrder(
                            ModelInput.window("VAL", minute(4), minute(6), new double[] {4, 5, 6}),
                            ModelInput.window(
                                    "BEL", minute(1), minute(6), new double[] {10, 20, 30}),
                            ModelInput.window("VAL", minute(5), minute(7), new double[] {5, 6, 7}),
                            ModelInput.window(
                                    "BEL", minute(2), minute(7), new double[] {20, 30, 40}));
            // each key's windows, in its order (the keys' timers were not all restored alike, so
            // keys at the same time may come in another order)
            List<ModelInput> restored = outputs(h);
            for (String key : List.of("VAL", "BEL")) {
                assertThat(restored)
                        .filteredOn(in -> in.sensorId.equals(key))
                        .containsExactlyElementsOf(
                                expected.stream().filter(in -> in.sensorId.equals(key)).toList());
            }
            assertThat(restored).hasSameSizeAs(expected);
            assertThat(runNumbers(h)).containsExactlyInAnyOrder(6L, 3L, 7L, 4L);
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    static void assertRestoreContinuesIdentically(Supplier<StateBackend> backend) throws Exception {
        ForecastOptions o = options("lateness.allowed", "1 min");
        SensorPoint[] before = {
            point("VAL", minute(1), 1),
            point("BEL", minute(1), 10),
            point("VAL", minute(3), 3),
            point("VAL", minute(2), 2),
            point("BEL", minute(2), 20)
        };
        SensorPoint[] after = {
            point("VAL", minute(4), 4),
            point("BEL", minute(3), 30),
            point("VAL", minute(5), 5),
            point("BEL", minute(2), 21),
            point("VAL", minute(1), 0)
        };

        List<Object> uninterrupted;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, before);
            h.processWatermark(minute(2));
            feed(h, after);
            h.processWatermark(minute(9));
            uninterrupted = new ArrayList<>(outputs(h));
            uninterrupted.addAll(deadLetters(h).stream().map(DeadLetter::reason).toList());
        }

        OperatorSubtaskState snapshot;
        List<Object> restored;
        try (var h = harness(o, backend.get())) {
            h.open();
            feed(h, before);
            h.processWatermark(minute(2));
            restored = new ArrayList<>(outputs(h));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(o, backend.get())) {
            h.initializeState(snapshot);
            h.open();
            // The keys-with-state gauge is recounted from the restored state.
            assertThat(((OrderedSlidingWindowOperator) h.getOperator()).keysWithState())
                    .isEqualTo(2);
            feed(h, after);
            h.processWatermark(minute(9));
            restored.addAll(outputs(h));
            restored.addAll(deadLetters(h).stream().map(DeadLetter::reason).toList());
        }
        assertThat(uninterrupted).hasSize(5); // 2 + 2 windows, BEL's duplicate
        assertThat(restored).isEqualTo(uninterrupted);
    }
}
