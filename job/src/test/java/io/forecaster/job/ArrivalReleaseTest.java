package io.forecaster.job;

import static io.forecaster.job.OrderedSlidingWindowTest.deadLetters;
import static io.forecaster.job.OrderedSlidingWindowTest.feed;
import static io.forecaster.job.OrderedSlidingWindowTest.harness;
import static io.forecaster.job.OrderedSlidingWindowTest.minute;
import static io.forecaster.job.OrderedSlidingWindowTest.options;
import static io.forecaster.job.OrderedSlidingWindowTest.outputs;
import static io.forecaster.job.OrderedSlidingWindowTest.point;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.forecaster.connectors.DeadLetter;
import java.util.function.Supplier;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/** {@code ordering.release: arrival}: points released as they come, per key in time order. */
@SuppressWarnings("try") // the harness close() declares InterruptedException
class ArrivalReleaseTest {

    static ForecastOptions arrival(String... more) {
        String[] kv = new String[more.length + 4];
        kv[0] = "ordering.release";
        kv[1] = "arrival";
        kv[2] = "window.slide";
        kv[3] = "1";
        System.arraycopy(more, 0, kv, 4, more.length);
        return options(kv);
    }

    @Test
    void releasesEachPointAsItArrivesWithoutWaitingForTheWatermark() throws Exception {
        try (var watermark = harness(options("window.slide", "1"));
                var arrival = harness(arrival())) {
            watermark.open();
            arrival.open();
            for (var h : java.util.List.of(watermark, arrival)) {
                feed(
                        h,
                        point("VAL", minute(1), 1),
                        point("VAL", minute(2), 2),
                        point("VAL", minute(3), 3),
                        point("VAL", minute(4), 4));
            }

            assertThat(outputs(watermark)).isEmpty();
            assertThat(outputs(arrival))
                    .containsExactly(
                            ModelInput.window("VAL", minute(1), minute(3), new double[] {1, 2, 3}),
                            ModelInput.window("VAL", minute(2), minute(4), new double[] {2, 3, 4}));
            // nothing held, so no timer but the key's quiet-time one
            assertThat(arrival.numEventTimeTimers()).isEqualTo(1);
            assertThat(watermark.numEventTimeTimers()).isEqualTo(5);

            // the same windows once the watermark has passed: the modes differ only in when
            watermark.processWatermark(minute(4));
            arrival.processWatermark(minute(4));
            assertThat(outputs(watermark)).isEqualTo(outputs(arrival));
        }
    }

    @Test
    void deadLettersAPointOlderThanItsKeysNewestAsLateAndASecondOneAtItsTimeAsDuplicate()
            throws Exception {
        try (var h = harness(arrival())) {
            h.open();
            feed(
                    h,
                    point("VAL", minute(1), 1),
                    point("VAL", minute(3), 3),
                    point("VAL", minute(2), 2), // older than VAL's newest: late
                    point("VAL", minute(3), 3.5), // VAL's newest again: duplicate
                    point("BEL", minute(2), 20)); // another key: in order
            h.processWatermark(minute(10));
            feed(h, point("NEW", minute(9), 9)); // a new key, but behind the watermark: late

            assertThat(deadLetters(h))
                    .extracting(DeadLetter::reason, DeadLetter::key)
                    .containsExactly(
                            tuple("late", "VAL"), tuple("duplicate", "VAL"), tuple("late", "NEW"));
            assertThat(deadLetters(h).get(0).detail())
                    .contains(String.valueOf(minute(2)), "VAL", String.valueOf(minute(3)));
            assertThat(deadLetters(h).get(2).detail()).contains("watermark " + minute(10));
            // the rejected points entered no window: VAL has two points, BEL one (W = 3)
            assertThat(outputs(h)).isEmpty();
            feed(h, point("VAL", minute(11), 11));
            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.window(
                                    "VAL", minute(1), minute(11), new double[] {1, 3, 11}));
        }
    }

    @Test
    void statefulModeStepsEveryPointAsItArrivesAndRemovesQuietKeys() throws Exception {
        try (var h = harness(arrival(OrderedSlidingWindowTest.STATEFUL_RESET_AFTER_5_MIN))) {
            h.open();
            feed(h, point("VAL", minute(1), 1), point("VAL", minute(2), 2));
            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.step("VAL", minute(1), 1, true),
                            ModelInput.step("VAL", minute(2), 2, false));
            feed(h, point("VAL", minute(13), 13)); // after a gap of 11 min: restarts
            h.processWatermark(minute(100));

            assertThat(outputs(h))
                    .containsExactly(
                            ModelInput.step("VAL", minute(1), 1, true),
                            ModelInput.step("VAL", minute(2), 2, false),
                            ModelInput.step("VAL", minute(13), 13, true),
                            ModelInput.evict("VAL", minute(73)));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void releasesPointsHeldAtTheWatermarkFirstWhenRestoredOnTheHeap() throws Exception {
        assertHeldPointsReleasedFirst(HashMapStateBackend::new);
    }

    @Test
    void releasesPointsHeldAtTheWatermarkFirstWhenRestoredOnRocksDb() throws Exception {
        assertHeldPointsReleasedFirst(EmbeddedRocksDBStateBackend::new);
    }

    /**
     * A job that ran with {@code ordering.release: watermark} and restarts with {@code arrival}:
     * the key's held points (two in its window record, one in the pending map) are released, in
     * time order, before its next point, and their timers later release nothing twice.
     */
    static void assertHeldPointsReleasedFirst(Supplier<StateBackend> backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness(options("window.slide", "1"), backend.get())) {
            before.open();
            feed(
                    before,
                    point("VAL", minute(3), 3),
                    point("VAL", minute(1), 1),
                    point("VAL", minute(2), 2));
            assertThat(outputs(before)).isEmpty();
            snapshot = before.snapshot(1L, 1L);
        }
        try (var after = harness(arrival(), backend.get())) {
            after.initializeState(snapshot);
            after.open();
            feed(after, point("VAL", minute(2) + 1, 9)); // older than a held point: late
            feed(after, point("VAL", minute(4), 4));
            after.processWatermark(minute(5));

            assertThat(outputs(after))
                    .containsExactly(
                            ModelInput.window("VAL", minute(1), minute(3), new double[] {1, 2, 3}),
                            ModelInput.window("VAL", minute(2), minute(4), new double[] {2, 3, 4}));
            assertThat(deadLetters(after)).extracting(DeadLetter::reason).containsExactly("late");
        }
    }

    @Test
    void isRefusedWithATimeGridNamingBothOptions() {
        assertThatThrownBy(() -> arrival("series.interval", "1 min"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ordering.release (arrival)")
                .hasMessageContaining("series.interval (PT1M)");
    }
}
