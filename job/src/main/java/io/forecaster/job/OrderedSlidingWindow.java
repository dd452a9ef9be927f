package io.forecaster.job;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
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
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Puts each sensor's points in event-time order and keeps its sliding count window.
 *
 * <ul>
 *   <li>A point is held until the watermark reaches its time plus the allowed lateness, then
 *       released in time order. A point whose release time the watermark has already passed is
 *       dead-lettered as {@value DeadLetterReasons#LATE}.
 *   <li>Duplicates: the first point with a given key and time wins. A second one is dead-lettered
 *       as {@value DeadLetterReasons#DUPLICATE} while the first is still held or is the key's last
 *       released point (anything older is simply late).
 *   <li>Window mode: once W points were released, every S-th released point emits the last W points
 *       as a {@link ModelInput.Kind#WINDOW}. Stateful mode: every released point is emitted as a
 *       {@link ModelInput.Kind#STEP}, flagged {@code reset} for the key's first point and after a
 *       gap longer than the reset gap.
 *   <li>Once the watermark passes the key's newest point by the quiet timeout, all its state and
 *       timers are removed and an {@link ModelInput.Kind#EVICT} is emitted, so the inference
 *       operator removes its state of the key too.
 * </ul>
 *
 * <p>What a point costs does not grow with the key's held points: each held point has an event-time
 * timer at its release time, which looks that one point up. Window mode keeps the key's last W
 * points where its state backend handles them best: on the heap backend in the {@link KeyWindow}'s
 * own arrays (a live object: shifting W values in memory is cheap), elsewhere (RocksDB, where a
 * value is serialised on every write) in W slots in chunks of {@value #CHUNK} ({@value
 * #WINDOW_POINTS_STATE}, a map state from chunk number to the slots' times and values), so a
 * released point rewrites one chunk and a window reads every chunk. A key whose state is in the
 * other layout (restored from a savepoint of the other backend, or written by a version that kept
 * the arrays on every backend) is moved to this one the first time it is seen.
 */
public class OrderedSlidingWindow extends KeyedProcessFunction<String, SensorPoint, ModelInput>
        implements OrderedSlidingWindowOperator.KeyCounting {

    private static final long serialVersionUID = 1L;

    /** Late and duplicate points. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    static final String PENDING_STATE = "pending-points";
    static final String WINDOW_STATE = "window";
    static final String WINDOW_POINTS_STATE = "window-points";

    private final WindowSettings settings;
    private final long latenessMs;
    private final long resetGapMs;
    private final long quietTimeoutMs;
    private final boolean onArrival;

    private transient MapState<Long, Double> pending;
    private transient ValueState<KeyWindow> window;
    // window mode off the heap: chunk number to its slots' times and values (a point's slot is
    // its release number modulo W)
    private transient MapState<Integer, Tuple2<long[], double[]>> windowPoints;

    /**
     * Window slots per {@value #WINDOW_POINTS_STATE} entry: a released point rewrites 128 bytes.
     */
    static final int CHUNK = 8;

    private transient Counter latePoints;
    private transient Counter lateLetters;
    private transient Counter duplicateLetters;
    private transient Counter released;

    /**
     * Processing time at release minus the point's event time, ms, for every released point: how
     * long points wait for the watermark (plus how old they were when they arrived). The last
     * {@link #LAG_SAMPLES} releases; package-private so tests can read it.
     */
    transient Histogram releaseLag;

    /** Releases the {@code releaseLagMillis} histogram keeps. */
    static final int LAG_SAMPLES = 10_000;

    /**
     * Set by {@link OrderedSlidingWindowOperator} when the keyed state is the heap backend's own:
     * window mode then keeps a key's points in its {@link KeyWindow}'s arrays, else in chunks.
     */
    transient boolean stateOnHeap;

    /** Set by {@link OrderedSlidingWindowOperator}; null when run by a plain process operator. */
    transient AtomicLong keysWithState;

    public OrderedSlidingWindow(WindowSettings settings) {
        this.settings = settings;
        this.latenessMs = settings.allowedLateness().toMillis();
        this.resetGapMs = settings.resetGap().toMillis();
        this.quietTimeoutMs = settings.quietTimeout().toMillis();
        this.onArrival = settings.release() == ForecastOptions.Release.ARRIVAL;
    }

    @Override
    public String keyStateName() {
        return WINDOW_STATE;
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
                                        WINDOW_STATE, TypeInformation.of(KeyWindow.class)));
        windowPoints =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        WINDOW_POINTS_STATE,
                                        Types.INT,
                                        Types.TUPLE(
                                                Types.PRIMITIVE_ARRAY(Types.LONG),
                                                Types.PRIMITIVE_ARRAY(Types.DOUBLE))));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        latePoints = metrics.counter("latePoints");
        lateLetters = deadLetterCounter(metrics, DeadLetterReasons.LATE);
        duplicateLetters = deadLetterCounter(metrics, DeadLetterReasons.DUPLICATE);
        released = metrics.counter("pointsReleased");
        releaseLag =
                metrics.histogram(
                        "releaseLagMillis", new DescriptiveStatisticsHistogram(LAG_SAMPLES));
    }

    /** The dead-letter counter of {@code reason}, as both windowing operators register it. */
    static Counter deadLetterCounter(MetricGroup metrics, String reason) {
        return metrics.addGroup("reason", reason).counter("deadLetters");
    }

    @Override
    public void processElement(SensorPoint point, Context ctx, Collector<ModelInput> out)
            throws Exception {
        long t = point.eventTime();
        long watermark = ctx.timerService().currentWatermark();
        KeyWindow w = keyWindow();
        // a point newer than every point the key accepted cannot be held (in order: no lookup)
        boolean held = w != null && t <= w.newest && holds(w, t);
        String rejected = KeyOrdering.rejection(w, held, t, watermark, latenessMs, onArrival);
        if (rejected != null) {
            if (DeadLetterReasons.LATE.equals(rejected)) {
                latePoints.inc();
                lateLetters.inc();
            } else {
                duplicateLetters.inc();
            }
            ctx.output(
                    DEAD_LETTERS,
                    deadLetter(
                            point,
                            rejected,
                            KeyOrdering.detail(
                                    rejected,
                                    point.sensorId(),
                                    w,
                                    t,
                                    watermark,
                                    latenessMs,
                                    onArrival)));
            return;
        }
        boolean created = w == null;
        if (created) {
            w = KeyWindow.empty(inArrays() ? settings.window().size() : 0);
            w.heldLayout = 1;
            if (keysWithState != null) {
                keysWithState.incrementAndGet();
            }
        }
        if (onArrival) {
            releaseOnArrival(point, w, ctx, out);
        } else {
            hold(w, t, point.value());
            ctx.timerService().registerEventTimeTimer(releaseTime(t));
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
        store(w, created);
    }

    /**
     * {@code ordering.release: arrival}: releases a point newer than every point of its key at
     * once, without holding it or setting a timer. Points the key still holds (state written with
     * {@code ordering.release: watermark}) are released first, in time order; their timers then
     * find nothing.
     */
    private void releaseOnArrival(
            SensorPoint point, KeyWindow w, Context ctx, Collector<ModelInput> out)
            throws Exception {
        if (w.heldSlots != 0 || w.heldInMap > 0) {
            releaseAllPending(ctx.getCurrentKey(), w, out);
        }
        release(ctx.getCurrentKey(), w, point.eventTime(), point.value(), out);
    }

    /**
     * Writes the key's window state back, unless it is the heap backend's own live object already
     * (what value() returned on that backend, changed in place, is stored: the backend copies it
     * first when a snapshot still needs the old one).
     */
    private void store(KeyWindow w, boolean created) throws Exception {
        if (created || !stateOnHeap) {
            window.update(w);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelInput> out)
            throws Exception {
        KeyWindow w = keyWindow();
        if (w == null) {
            return;
        }
        if (timestamp == Long.MAX_VALUE) {
            // Release times saturate here: every point within the lateness of Long.MAX_VALUE
            // shares this one timer.
            releaseAllPending(ctx.getCurrentKey(), w, out);
        } else {
            // Every held point has a timer at its own release time, and timers fire in time
            // order, so this timer releases at most one point: the one whose release time it is
            // (no two held points of a key share a time). Looking it up, rather than scanning
            // the key's held points, keeps a timer's cost independent of how many are held.
            long t = timestamp - latenessMs;
            if (releaseTime(t) == timestamp) {
                if ((w.heldSlots & 1) != 0 && w.heldTime == t) {
                    w.heldSlots &= ~1;
                    release(ctx.getCurrentKey(), w, t, w.heldValue, out);
                } else if ((w.heldSlots & 2) != 0 && w.heldTime2 == t) {
                    w.heldSlots &= ~2;
                    release(ctx.getCurrentKey(), w, t, w.heldValue2, out);
                } else if (w.heldInMap > 0) {
                    Double value = pending.get(t);
                    if (value != null) {
                        pending.remove(t);
                        w.heldInMap--;
                        release(ctx.getCurrentKey(), w, t, value, out);
                    }
                }
            }
        }
        if (timestamp == w.cleanupAt) {
            long quietAt = KeyOrdering.quietTime(w.newest, quietTimeoutMs);
            if (quietAt > timestamp) {
                // newer points came since the timer was set: quiet only from the newest one's
                w.cleanupAt = quietAt;
                ctx.timerService().registerEventTimeTimer(quietAt);
                store(w, false);
                return;
            }
        }
        if (timestamp == w.cleanupAt && w.heldSlots == 0 && w.heldInMap == 0) {
            pending.clear();
            window.clear();
            windowPoints.clear();
            if (keysWithState != null) {
                keysWithState.decrementAndGet();
            }
            // the inference operator drops its state of the key too (both modes)
            out.collect(ModelInput.evict(ctx.getCurrentKey(), timestamp));
            return;
        }
        store(w, false);
    }

    private void releaseAllPending(String key, KeyWindow w, Collector<ModelInput> out)
            throws Exception {
        List<Map.Entry<Long, Double>> ready = new ArrayList<>();
        if (w.heldInMap > 0) {
            for (Map.Entry<Long, Double> e : pending.entries()) {
                ready.add(Map.entry(e.getKey(), e.getValue()));
            }
            pending.clear();
            w.heldInMap = 0;
        }
        if ((w.heldSlots & 1) != 0) {
            ready.add(Map.entry(w.heldTime, w.heldValue));
        }
        if ((w.heldSlots & 2) != 0) {
            ready.add(Map.entry(w.heldTime2, w.heldValue2));
        }
        w.heldSlots = 0;
        ready.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Long, Double> e : ready) {
            release(key, w, e.getKey(), e.getValue(), out);
        }
    }

    /**
     * Holds a point until its release: in one of the two slots of the key's {@link KeyWindow} when
     * one is free (the common cases: points in order, each released before the next comes, or
     * sensors that all report at the same instants, whose points wait for the next instant's to
     * move the watermark), so that holding and releasing it costs no state access of its own; else
     * in the pending-points map.
     */
    private void hold(KeyWindow w, long t, double value) throws Exception {
        if ((w.heldSlots & 1) == 0) {
            w.heldSlots |= 1;
            w.heldTime = t;
            w.heldValue = value;
        } else if ((w.heldSlots & 2) == 0) {
            w.heldSlots |= 2;
            w.heldTime2 = t;
            w.heldValue2 = value;
        } else {
            pending.put(t, value);
            w.heldInMap++;
        }
    }

    /** Whether the key holds a point at {@code t}. */
    private boolean holds(KeyWindow w, long t) throws Exception {
        return ((w.heldSlots & 1) != 0 && w.heldTime == t)
                || ((w.heldSlots & 2) != 0 && w.heldTime2 == t)
                || (w.heldInMap > 0 && pending.contains(t));
    }

    private void release(String key, KeyWindow w, long t, double value, Collector<ModelInput> out)
            throws Exception {
        boolean reset = KeyOrdering.restarts(w, t, resetGapMs);
        w.append(t, value);
        released.inc();
        releaseLag.update(System.currentTimeMillis() - t);
        if (settings.mode() == ForecastOptions.Mode.STATEFUL) {
            out.collect(ModelInput.step(key, t, value, reset));
            return;
        }
        if (inArrays()) {
            // append() put it in the ring
            if (settings.window().emitsAt(w.count, w.released)) {
                out.collect(
                        ModelInput.window(key, w.times[0], t, Arrays.copyOf(w.values, w.count))
                                .numbered(w.released));
            }
            return;
        }
        int size = settings.window().size();
        writeSlot(slot(w.released - 1, size), size, t, value);
        w.count = (int) Math.min(w.released, size);
        if (settings.window().emitsAt(w.count, w.released)) {
            // oldest first: the slot after the newest point's holds the oldest
            int oldest = slot(w.released, size);
            double[] values = new double[size];
            long start = t;
            for (Map.Entry<Integer, Tuple2<long[], double[]>> e : windowPoints.entries()) {
                int first = e.getKey() * CHUNK;
                long[] times = e.getValue().f0;
                double[] chunk = e.getValue().f1;
                for (int j = 0; j < chunk.length && first + j < size; j++) {
                    int i = Math.floorMod(first + j - oldest, size);
                    values[i] = chunk[j];
                    if (i == 0) {
                        start = times[j];
                    }
                }
            }
            out.collect(ModelInput.window(key, start, t, values).numbered(w.released));
        }
    }

    /** Writes a point into window slot {@code slot} (of {@code size}), rewriting its chunk. */
    private void writeSlot(int slot, int size, long t, double value) throws Exception {
        int c = slot / CHUNK;
        int j = slot % CHUNK;
        Tuple2<long[], double[]> chunk = windowPoints.get(c);
        if (chunk == null || chunk.f0.length <= j) {
            int length = Math.min(CHUNK, size - c * CHUNK);
            chunk =
                    chunk == null
                            ? Tuple2.of(new long[length], new double[length])
                            : Tuple2.of(
                                    Arrays.copyOf(chunk.f0, length),
                                    Arrays.copyOf(chunk.f1, length));
        }
        chunk.f0[j] = t;
        chunk.f1[j] = value;
        windowPoints.put(c, chunk);
    }

    /** The window slot of a key's point number {@code n} (from 0, in release order). */
    private static int slot(long n, int size) {
        return (int) (n % size);
    }

    /** Whether window mode keeps the key's points in its {@link KeyWindow}'s arrays. */
    private boolean inArrays() {
        return stateOnHeap && settings.mode() == ForecastOptions.Mode.WINDOW;
    }

    /**
     * The key's window state, or null; a window in the other layout (see the class comment) is
     * moved to this backend's first.
     */
    private KeyWindow keyWindow() throws Exception {
        KeyWindow w = window.value();
        if (w != null && w.heldLayout == 0) {
            // written before held points were counted: all of them in the map
            int n = 0;
            for (Long ignored : pending.keys()) {
                n++;
            }
            w.heldInMap = n;
            w.heldSlots = 0;
            w.heldLayout = 1;
            window.update(w);
        }
        if (w == null || settings.mode() != ForecastOptions.Mode.WINDOW) {
            return w;
        }
        int size = settings.window().size();
        int arrays = w.times == null ? 0 : w.times.length;
        if (inArrays() ? arrays == size : arrays == 0) {
            return w;
        }
        // the kept points: numbers released - kept ... released - 1, oldest first
        int kept = (int) Math.min(arrays > 0 ? w.count : w.released, size);
        long[] times = new long[kept];
        double[] values = new double[kept];
        if (arrays > 0) {
            System.arraycopy(w.times, w.count - kept, times, 0, kept);
            System.arraycopy(w.values, w.count - kept, values, 0, kept);
        } else {
            long first = w.released - kept;
            for (Map.Entry<Integer, Tuple2<long[], double[]>> e : windowPoints.entries()) {
                for (int j = 0; j < e.getValue().f0.length; j++) {
                    int slot = e.getKey() * CHUNK + j;
                    // the one kept point whose number is this slot modulo W, if any
                    int i = Math.floorMod(slot - slot(first, size), size);
                    if (slot < size && i < kept) {
                        times[i] = e.getValue().f0[j];
                        values[i] = e.getValue().f1[j];
                    }
                }
            }
        }
        w.count = kept;
        if (inArrays()) {
            windowPoints.clear();
            w.times = Arrays.copyOf(times, size);
            w.values = Arrays.copyOf(values, size);
        } else {
            w.times = new long[0];
            w.values = new double[0];
            for (int i = 0; i < kept; i++) {
                writeSlot(slot(w.released - kept + i, size), size, times[i], values[i]);
            }
        }
        window.update(w);
        return w;
    }

    private long releaseTime(long t) {
        return KeyOrdering.releaseTime(t, latenessMs);
    }

    static long saturatedAdd(long a, long b) {
        return KeyOrdering.saturatedAdd(a, b);
    }

    private DeadLetter deadLetter(SensorPoint p, String reason, String detail) {
        return deadLetter(settings.sourceTopic(), p, reason, detail);
    }

    /** A late or duplicate point's dead letter: the point re-encoded as JSON, no offset. */
    static DeadLetter deadLetter(String topic, SensorPoint p, String reason, String detail) {
        return new DeadLetter(
                topic,
                -1,
                -1L,
                p.sensorId(),
                PointCodec.json(p),
                reason,
                detail,
                System.currentTimeMillis());
    }
}
