package io.forecaster.job.sql;

import static org.apache.flink.table.annotation.ArgumentTrait.REQUIRE_ON_TIME;
import static org.apache.flink.table.annotation.ArgumentTrait.SET_SEMANTIC_TABLE;

import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.job.BatchedInferenceOperator;
import io.forecaster.job.ForecastOptions;
import io.forecaster.job.GridWindow;
import io.forecaster.job.KeyModelState;
import io.forecaster.job.KeyOrdering;
import io.forecaster.job.KeyWindow;
import io.forecaster.job.SlidingCount;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StatefulRollout;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.KeyScore;
import io.forecaster.model.grid.TimeGrid;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.annotation.ArgumentHint;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.annotation.StateHint;
import org.apache.flink.table.api.dataview.MapView;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ProcessTableFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code FORECAST}: the forecaster as a SQL process table function over any table partitioned by a
 * key, with the DataStream job's semantics. Per key it holds each point until the watermark passes
 * its time plus the lateness, releases points in event-time order ({@link KeyOrdering}, the rules
 * of the job's windowing operator), keeps the sliding count window ({@link SlidingCount}) or the
 * stateful model state, and forecasts every S points once W are present. Late and duplicate points
 * are counted in metrics and never change a window; a key quiet for the quiet timeout loses its
 * state and timers. Each key's forecasts are scored as the job scores them ({@link
 * ForecastScoring}, a {@link KeyScore} per key): every released point is first the actual value of
 * the pending forecast steps (window mode: the points a window adds since the key's previous one),
 * then a new forecast takes its interval half-widths and waits for its own actual values. Each row
 * carries the bounds per level and step and the key's running accuracy. With {@code
 * series_interval} the points go to the slots of a {@link TimeGrid} first, with the rules of the
 * job's {@code GridSlidingWindow}: a slot is released once the watermark passes its end plus the
 * lateness, its points combined by the grid's aggregate, missing slots filled or the key restarted.
 *
 * <pre>{@code
 * CREATE FUNCTION FORECAST AS 'io.forecaster.job.sql.ForecastFunction';
 * SELECT * FROM FORECAST(input => TABLE points PARTITION BY sensor, on_time => DESCRIPTOR(ts),
 *     model => 'file:///models/wind.zip', mode => 'stateful');
 * }</pre>
 *
 * <p>The function sees one row (or one timer) at a time, so each forecast runs the model for one
 * key: batch 1, where the job batches across keys.
 */
@FunctionHint(
        output =
                @DataTypeHint(
                        "ROW<window_start TIMESTAMP_LTZ(3), window_end TIMESTAMP_LTZ(3), points"
                            + " INT, `next` DOUBLE, predictions ARRAY<DOUBLE>, ahead ARRAY<DOUBLE>,"
                            + " model STRING, mode STRING, lower_bounds ARRAY<ARRAY<DOUBLE>>,"
                            + " upper_bounds ARRAY<ARRAY<DOUBLE>>, intervals STRING, scored BIGINT,"
                            + " mae DOUBLE, baseline_mae DOUBLE, coverage ARRAY<DOUBLE>, next_time"
                            + " TIMESTAMP_LTZ(3), filled INT>"))
public class ForecastFunction extends ProcessTableFunction<Row> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ForecastFunction.class);

    /** The name of the table argument. */
    public static final String INPUT = "input";

    /** The name of the quiet-key timer. */
    static final String QUIET_TIMER = "quiet";

    /** The key of the model state in its map view (the view holds one entry). */
    private static final Integer MODEL = 0;

    /** The key of window mode's scoring state in its map view (stateful mode: in the model's). */
    private static final Integer SCORE = 0;

    /**
     * The key of the call's arguments ({@link ForecastCall#text()}) in their map view, kept per key
     * so that a timer that fires after a restore, before any row, knows its call; a view, so that
     * it is read only then.
     */
    private static final Integer CALL = 0;

    /**
     * One key's ordering and windowing state: the window and the held points. Stateful mode keeps
     * the model state apart (a {@link MapView} entry), so that a row, which only holds a point,
     * does not read and write it.
     */
    public static class KeyState {

        /** The key's released points (window mode) and counters; null for a key without state. */
        public KeyWindow window;

        /** Points held until their release, in event-time order; the first {@link #held} used. */
        public long[] heldTimes;

        public double[] heldValues;

        public int held;

        /** On a time grid: the key's released slots and counters, instead of {@link #window}. */
        public GridWindow grid;

        public KeyState() {}
    }

    private transient ForecastCall call;
    private transient String callText;
    private transient int valueIndex;
    private transient ForecastOptions.Mode mode;
    private transient SlidingCount window;
    private transient long latenessMs;
    private transient long resetGapMs;
    private transient long quietTimeoutMs;
    private transient int horizon;
    private transient String modelId;
    private transient Predictor predictor;
    private transient Stepper stepper;
    private transient StatefulRollout rollout;
    private transient StepState[] one;
    private transient float[] inputs;
    private transient float[] outputs;
    private transient float[] ahead;
    private transient ForecastScoring scoring;
    private transient double[] levels;
    private transient float[] widths;
    private transient TimeGrid grid;

    private transient Counter latePoints;
    private transient Counter lateLetters;
    private transient Counter duplicateLetters;
    private transient Counter badValues;
    private transient Counter nonFinite;
    private transient Counter stateResets;
    private transient Counter released;
    private transient Counter forecastsEmitted;

    @Override
    public void open(FunctionContext context) throws Exception {
        valueIndex = -1; // transient: no initializer runs on the deserialized function
        MetricGroup metrics = context.getMetricGroup();
        latePoints = metrics.counter("latePoints");
        lateLetters = metrics.addGroup("reason", DeadLetterReasons.LATE).counter("deadLetters");
        duplicateLetters =
                metrics.addGroup("reason", DeadLetterReasons.DUPLICATE).counter("deadLetters");
        badValues = metrics.addGroup("reason", DeadLetterReasons.BAD_VALUE).counter("deadLetters");
        nonFinite =
                metrics.addGroup("reason", DeadLetterReasons.NON_FINITE_OUTPUT)
                        .counter("deadLetters");
        stateResets = metrics.counter("nonFiniteStateResets");
        released = metrics.counter("pointsReleased");
        forecastsEmitted = metrics.counter("forecastsEmitted");
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return ForecastPlanning.checked(super.getTypeInference(typeFactory));
    }

    // ttl = "0 ms": no state TTL. quiet_timeout removes a quiet key's state (as in the job), and
    // Flink's default for a PTF (TTL Long.MAX_VALUE, so that one can be set later) runs the TTL
    // wrappers and their incremental cleanup on every access: most of the function's time.
    public void eval(
            Context ctx,
            @StateHint(ttl = "0 ms") KeyState state,
            @StateHint(ttl = "0 ms") MapView<Integer, KeyModelState> modelState,
            @StateHint(ttl = "0 ms") MapView<Integer, String> callState,
            @StateHint(ttl = "0 ms") MapView<Integer, KeyScore> scoreState,
            @ArgumentHint(
                            value = {SET_SEMANTIC_TABLE, REQUIRE_ON_TIME},
                            name = INPUT)
                    Row input,
            @ArgumentHint(name = ForecastCall.MODEL) String bundle,
            @ArgumentHint(name = ForecastCall.MODE, isOptional = true) String mode,
            @ArgumentHint(name = ForecastCall.WINDOW_SIZE, isOptional = true) Integer windowSize,
            @ArgumentHint(name = ForecastCall.SLIDE, isOptional = true) Integer slide,
            @ArgumentHint(name = ForecastCall.VALUE_COLUMN, isOptional = true) String valueColumn,
            @ArgumentHint(name = ForecastCall.HORIZON, isOptional = true) Integer horizon,
            @ArgumentHint(name = ForecastCall.LATENESS, isOptional = true) String lateness,
            @ArgumentHint(name = ForecastCall.RESET_GAP, isOptional = true) String resetGap,
            @ArgumentHint(name = ForecastCall.QUIET_TIMEOUT, isOptional = true) String quietTimeout,
            @ArgumentHint(name = ForecastCall.ENGINE, isOptional = true) String engine,
            @ArgumentHint(name = ForecastCall.INTERVAL_LEVELS, isOptional = true)
                    String intervalLevels,
            @ArgumentHint(name = ForecastCall.INTERVAL_WARMUP, isOptional = true)
                    Integer intervalWarmup,
            // a string: SQL gives 0.2 as DECIMAL, 1 as INT, and a table function's DOUBLE
            // argument takes neither
            @ArgumentHint(name = ForecastCall.INTERVAL_GAIN, isOptional = true) String intervalGain,
            @ArgumentHint(name = ForecastCall.SERIES_INTERVAL, isOptional = true)
                    String seriesInterval,
            @ArgumentHint(name = ForecastCall.SERIES_ORIGIN, isOptional = true) String seriesOrigin,
            @ArgumentHint(name = ForecastCall.SERIES_AGGREGATE, isOptional = true)
                    String seriesAggregate,
            @ArgumentHint(name = ForecastCall.GAP_FILL, isOptional = true) String gapFill,
            @ArgumentHint(name = ForecastCall.GAP_MAX_FILL, isOptional = true) Integer gapMaxFill)
            throws Exception {
        if (call == null) {
            start(
                    ForecastCall.of(
                            bundle,
                            mode,
                            windowSize,
                            slide,
                            valueColumn,
                            horizon,
                            lateness,
                            resetGap,
                            quietTimeout,
                            engine,
                            intervalLevels,
                            intervalWarmup,
                            intervalGain,
                            seriesInterval,
                            seriesOrigin,
                            seriesAggregate,
                            gapFill,
                            gapMaxFill));
        }
        if (valueIndex < 0) {
            valueIndex = valueIndex(ctx.tableSemanticsFor(INPUT).dataType(), call.valueColumn());
        }
        Object raw = input.getField(valueIndex);
        // as the job's parser: the model computes in float32, so a value it cannot hold is bad
        if (!(raw instanceof Number number)
                || !Double.isFinite(number.doubleValue())
                || Math.abs(number.doubleValue()) > Float.MAX_VALUE) {
            badValues.inc();
            return;
        }
        TimeContext<Long> time = ctx.timeContext(Long.class);
        long t = time.time();
        Long mark = time.currentWatermark();
        long watermark = mark == null ? Long.MIN_VALUE : mark;
        if (grid != null) {
            holdOnGrid(state, callState, time, t, number.doubleValue(), watermark);
            return;
        }
        KeyWindow w = state.window;
        boolean held = w != null && Arrays.binarySearch(state.heldTimes, 0, state.held, t) >= 0;
        String rejected = KeyOrdering.rejection(w, held, t, watermark, latenessMs, false);
        if (rejected != null) {
            if (DeadLetterReasons.LATE.equals(rejected)) {
                latePoints.inc();
                lateLetters.inc();
            } else {
                duplicateLetters.inc();
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "{} point dropped: {}",
                        rejected,
                        KeyOrdering.detail(rejected, "", w, t, watermark, latenessMs, false));
            }
            return;
        }
        if (w == null) {
            w = KeyWindow.empty(this.mode == ForecastOptions.Mode.WINDOW ? window.size() : 0);
            state.window = w;
            callState.put(CALL, callText);
            state.heldTimes = new long[4];
            state.heldValues = new double[4];
        }
        hold(state, t, number.doubleValue());
        time.registerOnTime(KeyOrdering.releaseTime(t, latenessMs));
        if (t > w.newest) {
            w.newest = t;
            if (w.cleanupAt == Long.MIN_VALUE) {
                // later points move it when it fires (see onTimer): one timer per key, not per
                // point
                w.cleanupAt = KeyOrdering.quietTime(t, quietTimeoutMs);
                time.registerOnTime(QUIET_TIMER, w.cleanupAt);
            }
        }
    }

    /** Releases the key's points whose time has come; removes a quiet key's state and timers. */
    public void onTimer(
            OnTimerContext ctx,
            KeyState state,
            MapView<Integer, KeyModelState> modelState,
            MapView<Integer, String> callState,
            MapView<Integer, KeyScore> scoreState)
            throws Exception {
        KeyWindow w = state.window;
        if (w == null && state.grid == null) {
            return;
        }
        if (call == null) {
            // restored, and no row reached this instance yet
            start(ForecastCall.parse(callState.get(CALL)));
        }
        long now = ctx.timeContext(Long.class).time();
        if (state.grid != null) {
            releaseSlots(ctx, state, modelState, scoreState, now);
            return;
        }
        int ready = 0;
        while (ready < state.held
                && KeyOrdering.releaseTime(state.heldTimes[ready], latenessMs) <= now) {
            ready++;
        }
        if (ready > 0) {
            KeyModelState s = mode == ForecastOptions.Mode.STATEFUL ? modelState.get(MODEL) : null;
            for (int i = 0; i < ready; i++) {
                s = release(state, s, scoreState, state.heldTimes[i], state.heldValues[i]);
            }
            if (s != null) {
                modelState.put(MODEL, s);
            }
        }
        if (ready > 0) {
            int left = state.held - ready;
            System.arraycopy(state.heldTimes, ready, state.heldTimes, 0, left);
            System.arraycopy(state.heldValues, ready, state.heldValues, 0, left);
            state.held = left;
        }
        if (QUIET_TIMER.equals(ctx.currentTimer())) {
            long quietAt = KeyOrdering.quietTime(w.newest, quietTimeoutMs);
            if (quietAt > now) {
                w.cleanupAt = quietAt; // points came since it was set
                ctx.timeContext(Long.class).registerOnTime(QUIET_TIMER, quietAt);
            } else if (state.held == 0) {
                ctx.clearAll();
            }
        }
    }

    private static void hold(KeyState state, long t, double value) {
        int n = state.held;
        if (n == state.heldTimes.length) {
            state.heldTimes = Arrays.copyOf(state.heldTimes, 2 * n);
            state.heldValues = Arrays.copyOf(state.heldValues, 2 * n);
        }
        int i = n;
        while (i > 0 && state.heldTimes[i - 1] > t) {
            i--;
        }
        System.arraycopy(state.heldTimes, i, state.heldTimes, i + 1, n - i);
        System.arraycopy(state.heldValues, i, state.heldValues, i + 1, n - i);
        state.heldTimes[i] = t;
        state.heldValues[i] = value;
        state.held = n + 1;
    }

    /** Releases one point; returns the key's model state (stateful mode), else null. */
    private KeyModelState release(
            KeyState state,
            KeyModelState s,
            MapView<Integer, KeyScore> scoreState,
            long t,
            double value)
            throws Exception {
        KeyWindow w = state.window;
        boolean reset = KeyOrdering.restarts(w, t, resetGapMs);
        w.append(t, value);
        released.inc();
        if (mode == ForecastOptions.Mode.STATEFUL) {
            return step(s, t, value, reset, null, null);
        }
        if (window.emitsAt(w.count, w.released)) {
            forecastWindow(w.times[0], w.values, t, w.released, scoreState, null, null);
        }
        return null;
    }

    /**
     * Stateful mode: advances the key's model state by one point at {@code t} (from the zero state
     * after a {@code reset}) and forecasts when the sliding count says so; returns the state.
     */
    private KeyModelState step(
            KeyModelState s, long t, double value, boolean reset, Long nextTime, Integer filled) {
        int size = window.size();
        // scored as the job scores it: the step's actual first, a restart drops what is pending
        if (s == null || reset) {
            KeyScore score = s == null || s.score == null ? scoring.newScore() : s.score;
            s = KeyModelState.start(stepper.newState(), size);
            s.score = score;
            scoring.dropPending(score);
        } else if (s.score == null) {
            s.score = scoring.newScore();
        }
        scoring.observe(s.score, (float) value);
        one[0] = s.model;
        inputs[0] = (float) value;
        stepper.step(one, inputs, 1, outputs);
        if (!Float.isFinite(outputs[0]) || !BatchedInferenceOperator.isFinite(one[0])) {
            // as the job: an overflow inside the model resets the key instead of poisoning it
            KeyScore score = s.score;
            s = KeyModelState.start(stepper.newState(), size);
            s.score = score;
            scoring.dropPending(score);
            stateResets.inc();
            nonFinite.inc();
            one[0] = null;
            return s;
        }
        s.model = one[0];
        s.push(t, inputs[0], outputs[0]);
        s.steps++;
        if (window.emitsAt(s.count, s.steps)) {
            rollout.rollout(one, outputs, 1, horizon, ahead);
            if (!allFinite(ahead, horizon)) {
                nonFinite.inc();
                one[0] = null;
                return s;
            }
            ForecastScoring.Source source = scoring.intervals(s.score, widths);
            scoring.issue(s.score, ahead, 0, widths, inputs[0]);
            emit(s.times[0], t, s.predictions, source, s.score, nextTime, filled);
        }
        one[0] = null;
        return s;
    }

    /**
     * Window mode: forecasts the window of the W {@code values} from {@code start} to {@code end},
     * whose newest value is number {@code seq} of the key's run.
     */
    private void forecastWindow(
            long start,
            double[] values,
            long end,
            long seq,
            MapView<Integer, KeyScore> scoreState,
            Long nextTime,
            Integer filled)
            throws Exception {
        int size = window.size();
        for (int i = 0; i < size; i++) {
            inputs[i] = (float) values[i];
        }
        // the job's scoring: the values this window adds since the key's previous one are the
        // actual values of the pending forecast steps, then this forecast waits for its own
        KeyScore score = scoreState.get(SCORE);
        if (score == null) {
            score = scoring.newScore();
        }
        long fresh = score.expectNext == 0 ? 0 : seq - score.expectNext;
        if (score.expectNext != 0 && (fresh <= 0 || fresh > size)) {
            // a restart on the grid, or more new points than one window holds
            scoring.dropPending(score);
            fresh = 0;
        }
        for (int i = size - (int) fresh; i < size; i++) {
            scoring.observe(score, (float) values[i]);
        }
        score.expectNext = seq;
        predictor.forecast(inputs, 1, size, horizon, outputs, ahead);
        if (!allFinite(outputs, size) || !allFinite(ahead, horizon)) {
            // as the job: a forecast that overflowed inside the model is not given, nor scored
            nonFinite.inc();
            scoreState.put(SCORE, score);
            return;
        }
        ForecastScoring.Source source = scoring.intervals(score, widths);
        scoring.issue(score, ahead, 0, widths, inputs[size - 1]);
        scoreState.put(SCORE, score);
        emit(start, end, outputs, source, score, nextTime, filled);
    }

    /**
     * On a time grid: holds a point until the watermark passes its slot's end plus the lateness
     * (the rules of the job's grid windowing: a point of a released slot is late, a second point at
     * a held point's time a duplicate).
     */
    private void holdOnGrid(
            KeyState state,
            MapView<Integer, String> callState,
            TimeContext<Long> time,
            long t,
            double value,
            long watermark)
            throws Exception {
        GridWindow g = state.grid;
        if (g != null && Arrays.binarySearch(state.heldTimes, 0, state.held, t) >= 0) {
            duplicateLetters.inc();
            LOG.debug("duplicate point dropped: a point at event time {} is held", t);
            return;
        }
        long slot = grid.slotOf(t);
        long releaseAt = KeyOrdering.releaseTime(grid.slotLastTime(slot), latenessMs);
        if (releaseAt <= watermark || (g != null && g.started && slot <= g.lastSlot)) {
            latePoints.inc();
            lateLetters.inc();
            LOG.debug("late point dropped: event time {}, watermark {}", t, watermark);
            return;
        }
        if (g == null) {
            g = GridWindow.empty(window.size());
            state.grid = g;
            callState.put(CALL, callText);
            state.heldTimes = new long[4];
            state.heldValues = new double[4];
        }
        hold(state, t, value);
        time.registerOnTime(releaseAt);
        if (t > g.newest) {
            g.newest = t;
            if (g.cleanupAt == Long.MIN_VALUE) {
                g.cleanupAt = KeyOrdering.quietTime(t, quietTimeoutMs);
                time.registerOnTime(QUIET_TIMER, g.cleanupAt);
            }
        }
    }

    /**
     * On a time grid: releases the slots whose time has come, each with its points combined by the
     * grid's aggregate, the missing slots before it filled or the key restarted ({@link
     * TimeGrid#advance}); removes a quiet key's state and timers.
     */
    private void releaseSlots(
            OnTimerContext ctx,
            KeyState state,
            MapView<Integer, KeyModelState> modelState,
            MapView<Integer, KeyScore> scoreState,
            long now)
            throws Exception {
        GridWindow g = state.grid;
        int ready = 0;
        while (ready < state.held
                && KeyOrdering.releaseTime(
                                grid.slotLastTime(grid.slotOf(state.heldTimes[ready])), latenessMs)
                        <= now) {
            ready++;
        }
        if (ready > 0) {
            KeyModelState[] s = {
                mode == ForecastOptions.Mode.STATEFUL ? modelState.get(MODEL) : null
            };
            double[] inSlot = new double[ready];
            int n = 0;
            long slot = 0;
            for (int i = 0; i < ready; i++) {
                long at = grid.slotOf(state.heldTimes[i]);
                if (n > 0 && at != slot) {
                    releaseSlot(g, slot, grid.aggregate().of(inSlot, n), s, scoreState);
                    n = 0;
                }
                slot = at;
                inSlot[n++] = state.heldValues[i];
                released.inc();
            }
            releaseSlot(g, slot, grid.aggregate().of(inSlot, n), s, scoreState);
            if (s[0] != null) {
                modelState.put(MODEL, s[0]);
            }
            int left = state.held - ready;
            System.arraycopy(state.heldTimes, ready, state.heldTimes, 0, left);
            System.arraycopy(state.heldValues, ready, state.heldValues, 0, left);
            state.held = left;
        }
        if (QUIET_TIMER.equals(ctx.currentTimer())) {
            long quietAt = KeyOrdering.quietTime(g.newest, quietTimeoutMs);
            if (quietAt > now) {
                g.cleanupAt = quietAt;
                ctx.timeContext(Long.class).registerOnTime(QUIET_TIMER, quietAt);
            } else if (state.held == 0) {
                ctx.clearAll();
            }
        }
    }

    /** Releases one slot (and the filled ones before it) into the window or the model state. */
    private void releaseSlot(
            GridWindow g,
            long slot,
            double value,
            KeyModelState[] s,
            MapView<Integer, KeyScore> scoreState)
            throws Exception {
        Exception[] failed = {null};
        grid.advance(
                g.started,
                g.lastSlot,
                g.lastValue,
                slot,
                value,
                (at, v, filled, restart) -> {
                    if (restart) {
                        g.restart();
                    }
                    long time = grid.slotStart(at);
                    g.append(time, v, filled);
                    long next = grid.slotStart(at + 1);
                    if (mode == ForecastOptions.Mode.STATEFUL) {
                        s[0] = step(s[0], time, v, restart, next, g.filledCount());
                    } else if (window.emitsAt(g.count, g.steps)) {
                        try {
                            forecastWindow(
                                    g.times[0],
                                    g.values,
                                    time,
                                    g.steps,
                                    scoreState,
                                    next,
                                    g.filledCount());
                        } catch (Exception e) {
                            failed[0] = e;
                        }
                    }
                });
        if (failed[0] != null) {
            throw failed[0];
        }
        g.started = true;
        g.lastSlot = slot;
        g.lastValue = value;
    }

    private void emit(
            long start,
            long end,
            float[] predictions,
            ForecastScoring.Source source,
            KeyScore score,
            Long nextTime,
            Integer filled) {
        int size = window.size();
        Double[] values = new Double[size];
        for (int i = 0; i < size; i++) {
            values[i] = (double) predictions[i];
        }
        Double[] steps = null;
        if (horizon > 1) {
            steps = new Double[horizon];
            for (int h = 0; h < horizon; h++) {
                steps[h] = (double) ahead[h];
            }
        }
        Double[][] lower = null;
        Double[][] upper = null;
        if (levels.length > 0) {
            lower = new Double[levels.length][horizon];
            upper = new Double[levels.length][horizon];
            for (int l = 0; l < levels.length; l++) {
                for (int h = 0; h < horizon; h++) {
                    float width = widths[h * levels.length + l];
                    // the job's bounds, rounded as it rounds them; not finite: no interval
                    float lo = (float) ((double) ahead[h] - width);
                    float hi = (float) ((double) ahead[h] + width);
                    if (Float.isFinite(lo) && Float.isFinite(hi)) {
                        lower[l][h] = (double) lo;
                        upper[l][h] = (double) hi;
                    }
                }
            }
        }
        ForecastScoring.Accuracy accuracy = scoring.accuracy(score);
        Double[] coverage = new Double[levels.length];
        for (int l = 0; l < levels.length; l++) {
            coverage[l] = orNull(accuracy.coverage()[l]);
        }
        collect(
                Row.of(
                        Instant.ofEpochMilli(start),
                        Instant.ofEpochMilli(end),
                        size,
                        values[size - 1],
                        values,
                        steps,
                        modelId,
                        mode.label(),
                        lower,
                        upper,
                        levels.length == 0 ? null : source.label(),
                        accuracy.scored(),
                        orNull(accuracy.mae()),
                        orNull(accuracy.baselineMae()),
                        coverage,
                        nextTime == null ? null : Instant.ofEpochMilli(nextTime),
                        filled));
        forecastsEmitted.inc();
    }

    private static boolean allFinite(float[] a, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(a[i])) {
                return false;
            }
        }
        return true;
    }

    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** Checks the call against the model and opens it: once per subtask. */
    private void start(ForecastCall c) throws IOException {
        ModelBundle bundle = ModelBundle.load(c.modelPath());
        int trained = bundle.metadata().windowSize();
        if (c.windowSize() != null && c.windowSize() != trained) {
            throw ForecastCall.bad(
                    ForecastCall.WINDOW_SIZE,
                    c.windowSize(),
                    "the model "
                            + bundle.metadata().modelId()
                            + " was trained on windows of "
                            + trained
                            + " points");
        }
        if (!Engines.names().contains(c.engine())) {
            throw ForecastCall.bad(
                    ForecastCall.ENGINE, c.engine(), "unknown engine; known: " + Engines.names());
        }
        mode = c.mode();
        window = c.window(trained);
        latenessMs = c.lateness().toMillis();
        resetGapMs = c.resetGap().toMillis();
        quietTimeoutMs = c.quietTimeout().toMillis();
        horizon = c.horizon();
        modelId = bundle.metadata().modelId();
        if (mode == ForecastOptions.Mode.STATEFUL) {
            stepper = Engines.openStepper(c.engine(), bundle);
            rollout = new StatefulRollout(stepper, 1);
            inputs = new float[1];
            outputs = new float[1];
        } else {
            predictor = Engines.open(c.engine(), bundle);
            inputs = new float[trained];
            outputs = new float[trained];
        }
        one = new StepState[1];
        ahead = new float[horizon];
        levels = c.levels();
        scoring =
                new ForecastScoring(
                        horizon,
                        levels,
                        bundle.metadata().calibration(),
                        c.intervalWarmup(),
                        c.intervalGain());
        widths = new float[horizon * levels.length];
        grid = c.grid();
        call = c;
        callText = c.text();
        LOG.info(
                "FORECAST opened model {} ({} engine, {} mode)", modelId, c.engine(), mode.label());
    }

    /** The position of the value column in the input rows; it must be numeric. */
    static int valueIndex(DataType inputType, String valueColumn) {
        LogicalType type = inputType.getLogicalType();
        if (!(type instanceof RowType row)) {
            throw ForecastCall.bad(INPUT, type.asSummaryString(), "the input must be a table");
        }
        List<String> names = row.getFieldNames();
        String name = valueColumn == null ? "value" : valueColumn;
        int i = names.indexOf(name);
        if (i < 0) {
            throw valueColumn == null
                    ? ForecastCall.bad(
                            ForecastCall.VALUE_COLUMN,
                            null,
                            "the input has no column named value; name one of " + names)
                    : ForecastCall.bad(
                            ForecastCall.VALUE_COLUMN,
                            valueColumn,
                            "the input has no such column; its columns: " + names);
        }
        LogicalType fieldType = row.getTypeAt(i);
        if (!fieldType.is(LogicalTypeFamily.NUMERIC)) {
            throw ForecastCall.bad(
                    ForecastCall.VALUE_COLUMN,
                    name,
                    "column " + name + " is " + fieldType.asSummaryString() + ", not numeric");
        }
        return i;
    }

    @Override
    public void close() {
        if (predictor != null) {
            predictor.close();
            predictor = null;
        }
        if (stepper != null) {
            stepper.close();
            stepper = null;
        }
    }
}
