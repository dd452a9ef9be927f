package io.forecaster.job;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.model.grid.TimeGrid;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * {@link OrderedSlidingWindow} on a time grid ({@code series.interval}): each sensor's points go to
 * their {@link TimeGrid} slot, and the model sees one value per slot.
 *
 * <ul>
 *   <li>A point is held until the watermark passes the end of its slot plus the allowed lateness;
 *       then the slot is released with its points combined by the grid's aggregate. A point whose
 *       slot was already released (or whose release time the watermark passed) is dead-lettered as
 *       {@value DeadLetterReasons#LATE}; a second point with the same key and time as a held one as
 *       {@value DeadLetterReasons#DUPLICATE} (the first wins).
 *   <li>Missing slots between the last released slot and a new one are filled, or the key restarts
 *       (an empty window, the zero state), as {@link TimeGrid#advance} decides. A silent key
 *       produces nothing; its gap is filled when its next slot is released.
 *   <li>Window mode: once W slots followed each other, every S-th slot emits the last W slots as a
 *       {@link ModelInput.Kind#WINDOW}. Stateful mode: every slot, real or filled, is a {@link
 *       ModelInput.Kind#STEP}, flagged {@code reset} after a (re)start. Both carry the forecast
 *       slot's time and how many of the window's slots were filled.
 *   <li>Once the watermark passes the key's newest point by the quiet timeout, all its state and
 *       timers are removed and an {@link ModelInput.Kind#EVICT} is emitted, so the inference
 *       operator removes its state of the key too.
 * </ul>
 *
 * <p>What a point costs does not grow with the key's held points or slots: the held points' values
 * are kept by event time ({@value #PENDING_STATE}); the key's {@link GridWindow} lists its slots
 * with held points (ascending) with, for each, how many and the one that arrived last, and every
 * later arrival in a slot links to the slot's point that arrived before it ({@value #LINKS_STATE}),
 * so a slot's release timer walks its own slot's points and nothing else. Only the first point of a
 * slot registers a timer; a slot of one point (points in order, one a slot) costs no link. A key
 * held in the earlier layout (the points by event time, no index: every release timer scanned all
 * of them) is indexed the first time it is seen.
 *
 * <p>Its state has names of its own ({@value #PENDING_STATE}, {@value #LINKS_STATE}, {@value
 * #GRID_STATE}), so a job without a grid keeps the state it always had.
 */
public class GridSlidingWindow extends KeyedProcessFunction<String, SensorPoint, ModelInput>
        implements OrderedSlidingWindowOperator.KeyCounting {

    private static final long serialVersionUID = 1L;

    /** Held points: event time to value. */
    static final String PENDING_STATE = "grid-pending-points";

    /** A held point that is not its slot's first arrival: to the slot's arrival before it. */
    static final String LINKS_STATE = "grid-held-links";

    static final String GRID_STATE = "grid-window";

    private final WindowSettings settings;
    private final TimeGrid grid;
    private final long latenessMs;
    private final long quietTimeoutMs;

    private transient MapState<Long, Double> pending;
    private transient MapState<Long, Long> links;
    private transient ValueState<GridWindow> window;
    private transient Counter latePoints;
    private transient Counter lateLetters;
    private transient Counter duplicateLetters;
    private transient Counter released;
    private transient Counter slotsFilled;
    private transient Counter restarts;
    private transient AtomicLong keysWithState;

    public GridSlidingWindow(WindowSettings settings) {
        if (settings.grid() == null) {
            throw new IllegalArgumentException("no time grid in " + settings);
        }
        this.settings = settings;
        this.grid = settings.grid();
        this.latenessMs = settings.allowedLateness().toMillis();
        this.quietTimeoutMs = settings.quietTimeout().toMillis();
    }

    @Override
    public String keyStateName() {
        return GRID_STATE;
    }

    @Override
    public void countKeysWith(AtomicLong keysWithState) {
        this.keysWithState = keysWithState;
    }

    @Override
    public void open(OpenContext openContext) {
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(PENDING_STATE, Types.LONG, Types.DOUBLE));
        links =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>(LINKS_STATE, Types.LONG, Types.LONG));
        window =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        GRID_STATE, TypeInformation.of(GridWindow.class)));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        latePoints = metrics.counter("latePoints");
        lateLetters = OrderedSlidingWindow.deadLetterCounter(metrics, DeadLetterReasons.LATE);
        duplicateLetters =
                OrderedSlidingWindow.deadLetterCounter(metrics, DeadLetterReasons.DUPLICATE);
        released = metrics.counter("pointsReleased");
        slotsFilled = metrics.counter("slotsFilled");
        restarts = metrics.counter("gapRestarts");
    }

    @Override
    public void processElement(SensorPoint point, Context ctx, Collector<ModelInput> out)
            throws Exception {
        long t = point.eventTime();
        long watermark = ctx.timerService().currentWatermark();
        GridWindow w = gridWindow();
        // a point newer than every point the key accepted cannot be held (in order: no lookup)
        if (w != null && t <= w.newest && pending.contains(t)) {
            duplicateLetters.inc();
            ctx.output(
                    OrderedSlidingWindow.DEAD_LETTERS,
                    deadLetter(
                            point,
                            DeadLetterReasons.DUPLICATE,
                            "sensor "
                                    + point.sensorId()
                                    + " already has a point at event time "
                                    + t
                                    + "; the first one is kept"));
            return;
        }
        long slot = grid.slotOf(t);
        long releaseAt = releaseTime(slot);
        if (releaseAt <= watermark || (w != null && w.started && slot <= w.lastSlot)) {
            latePoints.inc();
            lateLetters.inc();
            ctx.output(
                    OrderedSlidingWindow.DEAD_LETTERS,
                    deadLetter(
                            point,
                            DeadLetterReasons.LATE,
                            "event time "
                                    + t
                                    + " falls in the slot starting "
                                    + grid.slotStart(slot)
                                    + ", released once the watermark passed its end plus"
                                    + " allowed lateness "
                                    + latenessMs
                                    + " ms; the watermark is "
                                    + watermark));
            return;
        }
        if (w == null) {
            w = GridWindow.empty(settings.window().size());
            w.indexHeld();
            if (keysWithState != null) {
                keysWithState.incrementAndGet();
            }
        }
        long before = w.holdPoint(slot, t);
        pending.put(t, point.value());
        if (before == t) {
            // the slot's first held point: its release timer (the slot's others share it)
            ctx.timerService().registerEventTimeTimer(releaseAt);
        } else {
            links.put(t, before);
        }
        if (t > w.newest) {
            w.newest = t;
            // One quiet-key timer per key, set by its first point and moved on lazily when it
            // fires (onTimer), rather than deleted and registered again for every newer point.
            if (w.cleanupAt == Long.MIN_VALUE) {
                w.cleanupAt = KeyOrdering.quietTime(t, quietTimeoutMs);
                ctx.timerService().registerEventTimeTimer(w.cleanupAt);
            }
        }
        window.update(w);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelInput> out)
            throws Exception {
        GridWindow w = gridWindow();
        if (w == null) {
            return;
        }
        String key = ctx.getCurrentKey();
        // Each held slot has a timer at its release time, and timers fire in time order, so the
        // slots due are the first held ones (all of them when release times saturate at the end
        // of time): each is looked up, and its own points walked, whatever else the key holds.
        while (w.held > 0 && releaseTime(w.heldSlots[0]) <= timestamp) {
            releaseOldestHeld(key, w, out);
        }
        if (timestamp == w.cleanupAt) {
            long quietAt = KeyOrdering.quietTime(w.newest, quietTimeoutMs);
            if (quietAt > timestamp) {
                // newer points came since the timer was set: quiet only from the newest one's
                w.cleanupAt = quietAt;
                ctx.timerService().registerEventTimeTimer(quietAt);
                window.update(w);
                return;
            }
        }
        if (timestamp == w.cleanupAt && w.held == 0) {
            pending.clear();
            links.clear();
            window.clear();
            if (keysWithState != null) {
                keysWithState.decrementAndGet();
            }
            // the inference operator drops its state of the key too (both modes)
            out.collect(ModelInput.evict(key, timestamp));
            return;
        }
        window.update(w);
    }

    /** Releases the key's oldest held slot: its points, in time order, by the aggregate. */
    private void releaseOldestHeld(String key, GridWindow w, Collector<ModelInput> out)
            throws Exception {
        long slot = w.heldSlots[0];
        long t = w.heldHeads[0];
        int n = w.heldCounts[0];
        w.dropOldestHeld();
        released.inc(n);
        if (n == 1) {
            // (every aggregate of one value is that value)
            double value = pending.get(t);
            pending.remove(t);
            releaseSlot(key, w, slot, value, out);
            return;
        }
        // the chain runs from the last arrival to the first: filled from the end, the arrays
        // are in arrival order, which is time order unless the points came out of order
        long[] times = new long[n];
        double[] values = new double[n];
        for (int i = n - 1; ; i--) {
            times[i] = t;
            values[i] = pending.get(t);
            pending.remove(t);
            if (i == 0) {
                break;
            }
            long before = links.get(t);
            links.remove(t);
            t = before;
        }
        inTimeOrder(times, values, n);
        releaseSlot(key, w, slot, grid.aggregate().of(values, n), out);
    }

    /** Sorts the first {@code n} points by time (they are usually in order already). */
    static void inTimeOrder(long[] times, double[] values, int n) {
        boolean sorted = true;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            sorted &= i == 0 || times[i - 1] < times[i];
            min = Math.min(min, times[i]);
            max = Math.max(max, times[i]);
        }
        if (sorted) {
            return;
        }
        long[] t = Arrays.copyOf(times, n);
        double[] v = Arrays.copyOf(values, n);
        if (max - min < (1L << 31)) {
            // a slot's points within 2^31 ms of each other: sort (time offset, index) pairs as
            // one primitive long each
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = (t[i] - min) << 32 | i;
            }
            Arrays.sort(keys);
            for (int i = 0; i < n; i++) {
                int j = (int) keys[i];
                times[i] = t[j];
                values[i] = v[j];
            }
            return;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(t[a], t[b]));
        for (int i = 0; i < n; i++) {
            times[i] = t[order[i]];
            values[i] = v[order[i]];
        }
    }

    /**
     * The key's window state, or null; a key whose held points are not indexed by slot yet (state
     * of the earlier layout) is indexed first (their release timers are registered already).
     */
    private GridWindow gridWindow() throws Exception {
        GridWindow w = window.value();
        if (w == null || w.heldSlots != null) {
            return w;
        }
        w.indexHeld();
        for (Map.Entry<Long, Double> e : pending.entries()) {
            long t = e.getKey();
            long before = w.holdPoint(grid.slotOf(t), t);
            if (before != t) {
                links.put(t, before);
            }
        }
        window.update(w);
        return w;
    }

    private void releaseSlot(
            String key, GridWindow w, long slot, double value, Collector<ModelInput> out) {
        TimeGrid.Step step =
                grid.advance(
                        w.started,
                        w.lastSlot,
                        w.lastValue,
                        slot,
                        value,
                        (s, v, filled, restart) -> {
                            if (restart) {
                                w.restart();
                            }
                            if (filled) {
                                slotsFilled.inc();
                            }
                            long time = grid.slotStart(s);
                            w.append(time, v, filled);
                            long next = grid.slotStart(s + 1);
                            if (settings.mode() == ForecastOptions.Mode.STATEFUL) {
                                out.collect(
                                        ModelInput.step(key, time, v, restart)
                                                .onGrid(next, w.filledCount()));
                            } else if (settings.window().emitsAt(w.count, w.steps)) {
                                out.collect(
                                        ModelInput.window(
                                                        key,
                                                        w.times[0],
                                                        time,
                                                        Arrays.copyOf(w.values, w.count))
                                                .onGrid(next, w.filledCount())
                                                .numbered(w.steps));
                            }
                        });
        if (step == TimeGrid.Step.RESTART) {
            restarts.inc();
        }
        w.started = true;
        w.lastSlot = slot;
        w.lastValue = value;
    }

    /** When the watermark has passed every point of {@code slot} by the allowed lateness. */
    private long releaseTime(long slot) {
        return OrderedSlidingWindow.saturatedAdd(grid.slotLastTime(slot), latenessMs);
    }

    private DeadLetter deadLetter(SensorPoint p, String reason, String detail) {
        return OrderedSlidingWindow.deadLetter(settings.sourceTopic(), p, reason, detail);
    }
}
