package io.forecaster.model.grid;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A per-key time grid: the one place that decides which slot a point belongs to, how the points of
 * a slot are combined, and how the missing slots between two slots are filled, for the Flink job
 * (one slot at a time, {@link #advance}) and for the offline commands (a whole series at once,
 * {@link #grid}), so both give the model the same inputs.
 *
 * <p>Slots are {@code interval} long and aligned to {@code origin} (epoch milliseconds, UTC): slot
 * {@code n} holds the event times {@code [origin + n * interval, origin + (n + 1) * interval)}; a
 * slot's time is its start. Between two slots with values, up to {@code maxFill} missing slots are
 * filled by {@code gapFill}; a longer gap (any gap with {@link GapFill#NONE}) restarts the key, so
 * no window of model inputs ever spans an unfilled gap. The work per gap is bounded by {@code
 * maxFill}, however far apart the two slots are.
 *
 * @param intervalMs slot length in milliseconds, at least 1
 * @param originMs epoch milliseconds of a slot start (0: slots aligned to the epoch in UTC)
 * @param aggregate how several points in one slot are combined
 * @param gapFill how missing slots are filled
 * @param maxFill the longest gap (in slots) that is filled; longer ones restart the key
 */
public record TimeGrid(
        long intervalMs, long originMs, Aggregate aggregate, GapFill gapFill, int maxFill)
        implements Serializable {

    public TimeGrid {
        if (intervalMs < 1) {
            throw new IllegalArgumentException(
                    "the interval must be positive, got " + intervalMs + " ms");
        }
        if (maxFill < 0) {
            throw new IllegalArgumentException(
                    "the maximum fill must not be negative, got " + maxFill);
        }
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(gapFill, "gapFill");
    }

    /** A grid of {@code interval} slots aligned to {@code originMs}. */
    public static TimeGrid of(
            Duration interval, long originMs, Aggregate aggregate, GapFill fill, int maxFill) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive, got " + interval);
        }
        return new TimeGrid(interval.toMillis(), originMs, aggregate, fill, maxFill);
    }

    /** The slot holding event time {@code time}. */
    public long slotOf(long time) {
        return Math.floorDiv(time - originMs, intervalMs);
    }

    /** Event time at which {@code slot} starts: the time of its value. */
    public long slotStart(long slot) {
        return originMs + slot * intervalMs;
    }

    /** The last event time that belongs to {@code slot}. */
    public long slotLastTime(long slot) {
        return slotStart(slot) + intervalMs - 1;
    }

    /** What {@link #advance} did with a slot. */
    public enum Step {
        /** The key's first slot: it starts from an empty window (the zero state). */
        FIRST,
        /** The slot right after the previous one. */
        NEXT,
        /** Missing slots before this one were filled. */
        FILLED,
        /** The gap before this slot was too long to fill: the key restarts with this slot. */
        RESTART
    }

    /** Receives the slots {@link #advance} releases, oldest first. */
    @FunctionalInterface
    public interface SlotSink {
        /**
         * One slot of the key's model input.
         *
         * @param slot the slot number ({@link #slotStart} gives its time)
         * @param value its value (aggregated or filled)
         * @param filled true if the slot had no point and was filled
         * @param restart true for the first slot after the key's start or an unfilled gap
         */
        void slot(long slot, double value, boolean filled, boolean restart);
    }

    /**
     * Releases slot {@code slot} with value {@code value} for a key whose previous released slot
     * was {@code lastSlot} with {@code lastValue} (ignored when {@code started} is false): fills
     * the gap between them if it is at most {@link #maxFill} slots, else restarts the key. Gives
     * {@code sink} the filled slots, then this one.
     *
     * @throws IllegalArgumentException if {@code slot} is not after {@code lastSlot}
     */
    public Step advance(
            boolean started,
            long lastSlot,
            double lastValue,
            long slot,
            double value,
            SlotSink sink) {
        if (!started) {
            sink.slot(slot, value, false, true);
            return Step.FIRST;
        }
        if (slot <= lastSlot) {
            throw new IllegalArgumentException(
                    "slot " + slot + " is not after the last released slot " + lastSlot);
        }
        // slot > lastSlot, so this cannot overflow into a negative gap unless the span is huge;
        // a negative result means a gap beyond any fill.
        long gap = slot - lastSlot - 1;
        if (gap == 0) {
            sink.slot(slot, value, false, false);
            return Step.NEXT;
        }
        if (gap < 0 || gap > maxFill || gapFill == GapFill.NONE) {
            sink.slot(slot, value, false, true);
            return Step.RESTART;
        }
        for (int k = 1; k <= gap; k++) {
            sink.slot(lastSlot + k, fill(lastValue, value, k, (int) gap), true, false);
        }
        sink.slot(slot, value, false, false);
        return Step.FILLED;
    }

    /** The value of the {@code k}-th (from 1) of {@code gap} missing slots. */
    double fill(double before, double after, int k, int gap) {
        return gapFill == GapFill.LINEAR ? before + (after - before) * k / (gap + 1) : before;
    }

    /**
     * What {@link #grid} did with one key's rows.
     *
     * @param rows rows given
     * @param empty rows without a value (NaN: an empty cell), ignored
     * @param duplicates rows with the event time of an earlier row, ignored (the first one wins)
     * @param slots slots from the first to the last slot with a value
     * @param missing of those, slots without a point
     * @param filled missing slots that were filled
     * @param restarts gaps that were too long to fill
     */
    public record Stats(
            int rows,
            int empty,
            int duplicates,
            long slots,
            long missing,
            long filled,
            int restarts) {}

    /**
     * A run of consecutive slots without an unfilled gap: what the model sees between two restarts.
     *
     * @param firstSlot the first slot's number
     * @param values one value per slot
     * @param filled whether each slot was filled
     */
    public record Segment(long firstSlot, double[] values, boolean[] filled) {

        /** Slots in the segment. */
        public int length() {
            return values.length;
        }

        /** Filled slots among {@code [from, to)}. */
        public int filledIn(int from, int to) {
            int n = 0;
            for (int i = from; i < to; i++) {
                if (filled[i]) {
                    n++;
                }
            }
            return n;
        }
    }

    /** One key's series on the grid: its segments, oldest first, and what was done. */
    public record Gridded(List<Segment> segments, Stats stats) {}

    /**
     * One key's rows on the grid, as the job computes them from the same points: rows ordered by
     * time (stably, so among rows with equal times the first in the input wins and the others are
     * duplicates), rows with a NaN value dropped as empty, each slot's points combined by {@link
     * #aggregate}, gaps filled or restarted as by {@link #advance}.
     *
     * @param times event times, epoch ms, in any order
     * @param values the values, NaN for an empty cell
     */
    public Gridded grid(long[] times, double[] values) {
        if (times.length != values.length) {
            throw new IllegalArgumentException(
                    times.length + " times but " + values.length + " values");
        }
        int rows = times.length;
        Integer[] order = new Integer[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(times[a], times[b])); // stable
        int empty = 0;
        int duplicates = 0;
        boolean anyKept = false;
        long lastTime = 0;
        SegmentBuilder out = new SegmentBuilder();
        double[] inSlot = new double[16];
        int inSlotCount = 0;
        long currentSlot = 0;
        for (int r = 0; r < rows; r++) {
            int i = order[r];
            double v = values[i];
            if (Double.isNaN(v)) {
                empty++;
                continue;
            }
            long t = times[i];
            if (anyKept && t == lastTime) {
                duplicates++;
                continue;
            }
            long slot = slotOf(t);
            if (inSlotCount > 0 && slot != currentSlot) {
                out.release(currentSlot, aggregate.of(inSlot, inSlotCount));
                inSlotCount = 0;
            }
            currentSlot = slot;
            if (inSlotCount == inSlot.length) {
                inSlot = Arrays.copyOf(inSlot, inSlotCount * 2);
            }
            inSlot[inSlotCount++] = v;
            anyKept = true;
            lastTime = t;
        }
        if (inSlotCount > 0) {
            out.release(currentSlot, aggregate.of(inSlot, inSlotCount));
        }
        out.close();
        long slots = out.released == 0 ? 0 : out.lastSlot - out.firstSlot + 1;
        return new Gridded(
                List.copyOf(out.segments),
                new Stats(
                        rows,
                        empty,
                        duplicates,
                        slots,
                        slots - out.released,
                        out.filled,
                        out.restarts));
    }

    /** Collects {@link #advance}'s slots into segments. */
    private final class SegmentBuilder implements SlotSink {
        final List<Segment> segments = new ArrayList<>();
        double[] values = new double[64];
        boolean[] filledFlags = new boolean[64];
        int n;
        long segmentStart;
        boolean started;
        long firstSlot;
        long lastSlot;
        double lastValue;
        long released;
        long filled;
        int restarts;

        void release(long slot, double value) {
            Step step = advance(started, lastSlot, lastValue, slot, value, this);
            if (step == Step.RESTART) {
                restarts++;
            }
            if (!started) {
                firstSlot = slot;
            }
            started = true;
            lastSlot = slot;
            lastValue = value;
            released++;
        }

        @Override
        public void slot(long slot, double value, boolean isFilled, boolean restart) {
            if (restart) {
                close();
                segmentStart = slot;
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
                filledFlags = Arrays.copyOf(filledFlags, n * 2);
            }
            values[n] = value;
            filledFlags[n] = isFilled;
            n++;
            if (isFilled) {
                filled++;
            }
        }

        void close() {
            if (n > 0) {
                segments.add(
                        new Segment(
                                segmentStart,
                                Arrays.copyOf(values, n),
                                Arrays.copyOf(filledFlags, n)));
                n = 0;
            }
        }
    }
}
