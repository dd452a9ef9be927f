package io.forecaster.model.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link TimeGrid}. */
class TimeGridTest {

    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;

    static TimeGrid daily(Aggregate aggregate, GapFill fill, int maxFill) {
        return new TimeGrid(DAY, 0, aggregate, fill, maxFill);
    }

    record Released(long slot, double value, boolean filled, boolean restart) {}

    static List<Released> advance(TimeGrid grid, double lastValue, long last, long slot, double v) {
        List<Released> out = new ArrayList<>();
        grid.advance(
                true,
                last,
                lastValue,
                slot,
                v,
                (s, value, filled, restart) -> out.add(new Released(s, value, filled, restart)));
        return out;
    }

    @Test
    void slotsAreAlignedToTheOriginAndHoldTheirWholeInterval() {
        TimeGrid grid = daily(Aggregate.MEAN, GapFill.LINEAR, 3);
        assertThat(grid.slotOf(0)).isZero();
        assertThat(grid.slotOf(DAY - 1)).isZero();
        assertThat(grid.slotOf(DAY)).isEqualTo(1);
        assertThat(grid.slotOf(-1)).isEqualTo(-1);
        assertThat(grid.slotStart(3)).isEqualTo(3 * DAY);
        assertThat(grid.slotLastTime(3)).isEqualTo(4 * DAY - 1);

        TimeGrid shifted = new TimeGrid(DAY, 6 * HOUR, Aggregate.MEAN, GapFill.LINEAR, 3);
        assertThat(shifted.slotOf(5 * HOUR)).isEqualTo(-1);
        assertThat(shifted.slotOf(6 * HOUR)).isZero();
        assertThat(shifted.slotStart(1)).isEqualTo(DAY + 6 * HOUR);
    }

    @Test
    void aggregatesCombineASlotsPointsInTimeOrder() {
        double[] v = {4, 1, 7};
        assertThat(Aggregate.MEAN.of(v, 3)).isEqualTo(4);
        assertThat(Aggregate.FIRST.of(v, 3)).isEqualTo(4);
        assertThat(Aggregate.LAST.of(v, 3)).isEqualTo(7);
        assertThat(Aggregate.MAX.of(v, 3)).isEqualTo(7);
        assertThat(Aggregate.MIN.of(v, 3)).isEqualTo(1);
        assertThat(Aggregate.SUM.of(v, 3)).isEqualTo(12);
        assertThat(Aggregate.MEAN.of(v, 1)).isEqualTo(4);
        assertThat(Aggregate.parse(" Max ")).isEqualTo(Aggregate.MAX);
        assertThatThrownBy(() -> Aggregate.parse("median"))
                .hasMessage("'median' is not one of mean, last, first, max, min, sum");
    }

    @Test
    void linearFillLiesOnTheLineBetweenTheSlotsAroundTheGap() {
        assertThat(advance(daily(Aggregate.MEAN, GapFill.LINEAR, 3), 10, 5, 9, 18))
                .containsExactly(
                        new Released(6, 12, true, false),
                        new Released(7, 14, true, false),
                        new Released(8, 16, true, false),
                        new Released(9, 18, false, false));
    }

    @Test
    void holdFillRepeatsTheValueBeforeTheGap() {
        assertThat(advance(daily(Aggregate.MEAN, GapFill.HOLD, 3), 10, 5, 7, 18))
                .containsExactly(
                        new Released(6, 10, true, false), new Released(7, 18, false, false));
    }

    @Test
    void aGapLongerThanTheMaximumFillRestartsTheKey() {
        TimeGrid grid = daily(Aggregate.MEAN, GapFill.LINEAR, 3);
        assertThat(advance(grid, 10, 5, 9, 18)).hasSize(4); // 3 missing: filled
        assertThat(advance(grid, 10, 5, 10, 18)) // 4 missing: restart
                .containsExactly(new Released(10, 18, false, true));
    }

    @Test
    void noFillRestartsAtEveryGapAndConsecutiveSlotsJustFollow() {
        TimeGrid grid = daily(Aggregate.MEAN, GapFill.NONE, 3);
        assertThat(advance(grid, 10, 5, 7, 18)).containsExactly(new Released(7, 18, false, true));
        assertThat(advance(grid, 10, 5, 6, 18)).containsExactly(new Released(6, 18, false, false));
    }

    @Test
    void aPointFarInTheFutureCostsOneSlotNotBillions() {
        TimeGrid grid = new TimeGrid(1, 0, Aggregate.MEAN, GapFill.LINEAR, 1000);
        long year9999 = 253_402_300_799_999L;
        assertThat(advance(grid, 1, Long.MIN_VALUE / 2, year9999, 2))
                .containsExactly(new Released(year9999, 2, false, true));
    }

    @Test
    void gridsAWholeSeriesWithEmptyCellsDuplicatesAndGaps() {
        TimeGrid grid = daily(Aggregate.MEAN, GapFill.LINEAR, 2);
        long[] times = {
            0, 3 * HOUR, DAY, 2 * DAY + 1, 2 * DAY, 5 * DAY, 2 * DAY, 9 * DAY, 10 * DAY, 4 * DAY
        };
        double[] values = {1, 3, Double.NaN, 6, 4, 10, 99, 20, 21, 8};
        TimeGrid.Gridded g = grid.grid(times, values);

        // slots: 0 = mean(1, 3) = 2; 1 empty; 2 = mean(4, 6) (the 99 repeats time 2d); 4 = 8;
        // 5 = 10; 9 = 20, 10 = 21
        assertThat(g.stats()).isEqualTo(new TimeGrid.Stats(10, 1, 1, 11, 5, 2, 1));
        assertThat(g.segments()).hasSize(2);
        TimeGrid.Segment first = g.segments().get(0);
        assertThat(first.firstSlot()).isZero();
        assertThat(first.values()).containsExactly(2, 3.5, 5, 6.5, 8, 10);
        assertThat(first.filled()).containsExactly(false, true, false, true, false, false);
        assertThat(first.filledIn(0, 6)).isEqualTo(2);
        TimeGrid.Segment second = g.segments().get(1);
        assertThat(second.firstSlot()).isEqualTo(9);
        assertThat(second.values()).containsExactly(20, 21);
    }

    @Test
    void gridsTheStreamOfAdvanceExactly() {
        TimeGrid grid = daily(Aggregate.LAST, GapFill.HOLD, 1);
        List<Released> stepped = new ArrayList<>();
        long[] slots = {0, 1, 3, 6, 7};
        double[] values = {1, 2, 3, 4, 5};
        boolean started = false;
        for (int i = 0; i < slots.length; i++) {
            grid.advance(
                    started,
                    i == 0 ? 0 : slots[i - 1],
                    i == 0 ? 0 : values[i - 1],
                    slots[i],
                    values[i],
                    (s, v, f, r) -> stepped.add(new Released(s, v, f, r)));
            started = true;
        }
        long[] times = new long[slots.length];
        for (int i = 0; i < slots.length; i++) {
            times[i] = slots[i] * DAY + HOUR;
        }
        List<Released> gridded = new ArrayList<>();
        for (TimeGrid.Segment s : grid.grid(times, values).segments()) {
            for (int i = 0; i < s.length(); i++) {
                gridded.add(new Released(s.firstSlot() + i, s.values()[i], s.filled()[i], i == 0));
            }
        }
        assertThat(gridded).isEqualTo(stepped);
    }

    @Test
    void rejectsAnIntervalThatIsNotPositiveAndANegativeFill() {
        assertThatThrownBy(() -> new TimeGrid(0, 0, Aggregate.MEAN, GapFill.HOLD, 1))
                .hasMessageContaining("interval must be positive");
        assertThatThrownBy(() -> new TimeGrid(1, 0, Aggregate.MEAN, GapFill.HOLD, -1))
                .hasMessageContaining("must not be negative");
    }
}
