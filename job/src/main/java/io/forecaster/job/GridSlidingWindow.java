package io.forecaster.job;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.model.grid.TimeGrid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>Its state has names of its own ({@value #PENDING_STATE}, {@value #GRID_STATE}), so a job
 * without a grid keeps the state it always had.
 */
public class GridSlidingWindow extends KeyedProcessFunction<String, SensorPoint, ModelInput>
        implements OrderedSlidingWindowOperator.KeyCounting {

    private static final long serialVersionUID = 1L;

    static final String PENDING_STATE = "grid-pending-points";
    static final String GRID_STATE = "grid-window";

    private final WindowSettings settings;
    private final TimeGrid grid;
    private final long latenessMs;
    private final long quietTimeoutMs;

    private transient MapState<Long, Double> pending;
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
        if (pending.contains(t)) {
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
        GridWindow w = window.value();
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
            if (keysWithState != null) {
                keysWithState.incrementAndGet();
            }
        }
        pending.put(t, point.value());
        ctx.timerService().registerEventTimeTimer(releaseAt);
        if (t > w.newest) {
            w.newest = t;
            long cleanupAt = OrderedSlidingWindow.saturatedAdd(t, quietTimeoutMs);
            if (w.cleanupAt != Long.MIN_VALUE) {
                ctx.timerService().deleteEventTimeTimer(w.cleanupAt);
            }
            ctx.timerService().registerEventTimeTimer(cleanupAt);
            w.cleanupAt = cleanupAt;
        }
        window.update(w);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelInput> out)
            throws Exception {
        GridWindow w = window.value();
        if (w == null) {
            return;
        }
        List<Long> ready = new ArrayList<>();
        for (Map.Entry<Long, Double> e : pending.entries()) {
            if (releaseTime(grid.slotOf(e.getKey())) <= timestamp) {
                ready.add(e.getKey());
            }
        }
        ready.sort(null);
        String key = ctx.getCurrentKey();
        double[] inSlot = new double[Math.max(1, ready.size())];
        int n = 0;
        long slot = 0;
        for (long t : ready) {
            long s = grid.slotOf(t);
            if (n > 0 && s != slot) {
                releaseSlot(key, w, slot, grid.aggregate().of(inSlot, n), out);
                n = 0;
            }
            slot = s;
            inSlot[n++] = pending.get(t);
            pending.remove(t);
            released.inc();
        }
        if (n > 0) {
            releaseSlot(key, w, slot, grid.aggregate().of(inSlot, n), out);
        }
        if (timestamp == w.cleanupAt && pending.isEmpty()) {
            pending.clear();
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
