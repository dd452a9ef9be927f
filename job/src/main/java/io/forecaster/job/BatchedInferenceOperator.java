package io.forecaster.job;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.Forecast;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StatefulRollout;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.KeyScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model over the windows (window mode) or steps (stateful mode) that reach this subtask,
 * batched across keys. A batch is evaluated when it is full, when its first entry has waited the
 * maximum delay (processing time), before every watermark, at end of input, and always before a
 * checkpoint barrier ({@link #prepareSnapshotPreBarrier}), so no input is ever held in a snapshot:
 * a restored job neither loses nor repeats a forecast.
 *
 * <p>Keyed (on the sensor id): in stateful mode each key's {@link KeyModelState} lives in Flink
 * keyed state and advances one step per point. A key appears at most once per stateful batch, since
 * its second step needs the state the first produces; likewise in window mode, since a key's
 * scoring must see its forecasts in order.
 *
 * <p>Every forecast carries {@code forecast.horizon} values by recursive rollout (window mode:
 * continued from the window's final state; stateful mode: from a scratch copy of the key's state,
 * which stays as it was) and, with interval levels, bounds per step from {@link ForecastScoring}.
 * Each forecast step is scored when the key's actual value for it arrives: per key in keyed state
 * ({@link KeyScore}, part of {@link KeyModelState} in stateful mode), per subtask as metrics, and,
 * with an accuracy topic, as {@link Accuracy} records on the {@link #ACCURACY} side output.
 */
public class BatchedInferenceOperator extends AbstractStreamOperator<Forecast>
        implements OneInputStreamOperator<ModelInput, Forecast>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchedInferenceOperator.class);

    static final String MODEL_STATE = "model-state";

    /** Window mode's per-key scoring state (stateful mode keeps it in {@link KeyModelState}). */
    static final String SCORE_STATE = "forecast-score";

    /** Per-key accuracy records, when an accuracy topic is set. */
    public static final OutputTag<Accuracy> ACCURACY =
            new OutputTag<>("accuracy", TypeInformation.of(Accuracy.class));

    private final InferenceSettings settings;
    private final ForecastOptions.Mode mode;
    private final int windowSize;
    private final long maxDelayMs;
    private final ForecastSettings fs;
    private final int horizon;

    private transient Predictor predictor;
    private transient Stepper stepper;
    private transient String modelId;
    private transient ValueState<KeyModelState> modelState;
    private transient ValueState<KeyScore> scoreState;
    private transient ForecastScoring scoring;
    private transient StatefulRollout rollout;

    private transient List<StreamRecord<ModelInput>> batch;
    private transient Set<String> batchKeys;
    private transient long flushTimerGeneration;
    private transient float[] inputs;
    private transient float[] outputs;
    private transient float[] ahead;
    private transient float[] widths;
    private transient KeyScore[] scores;
    private transient KeyModelState[] keyStates;
    private transient StepState[] stepStates;
    private transient StepState[] emitStates;
    private transient float[] emitFirst;
    private transient int[] emitIndex;

    // Package-private so tests can read what the metric group reports.
    transient Counter forecastsEmitted;
    transient Histogram batchSizes;
    transient Histogram latencyMicros;
    transient AtomicLong keysWithState;

    /** This subtask's scored forecast steps since it started: all keys together. */
    transient Counter scoredSteps;

    transient double absError;
    transient double baselineAbsError;
    transient long[] withInterval;
    transient long[] covered;

    public BatchedInferenceOperator(InferenceSettings settings) {
        this.settings = settings;
        // Read on every record.
        this.mode = settings.mode();
        this.windowSize = settings.window().size();
        this.maxDelayMs = settings.maxDelay().toMillis();
        this.fs = settings.forecast();
        this.horizon = fs.horizon();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        keysWithState = new AtomicLong();
        if (mode == ForecastOptions.Mode.STATEFUL) {
            modelState =
                    getPartitionedState(
                            new ValueStateDescriptor<>(
                                    MODEL_STATE, TypeInformation.of(KeyModelState.class)));
            // Counted once here, in the task thread; kept up to date as keys come and go.
            try (var keys = getKeyedStateBackend().getKeys(MODEL_STATE, VoidNamespace.INSTANCE)) {
                keysWithState.set(keys.count());
            }
        } else {
            scoreState =
                    getPartitionedState(
                            new ValueStateDescriptor<>(
                                    SCORE_STATE, TypeInformation.of(KeyScore.class)));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        long start = System.nanoTime();
        ModelBundle bundle = ModelBundle.load(Path.of(settings.modelPath()));
        String engine = settings.engine();
        modelId = bundle.metadata().modelId();
        if (mode == ForecastOptions.Mode.STATEFUL) {
            stepper = Engines.openStepper(engine, bundle);
        } else {
            predictor = Engines.open(engine, bundle);
        }
        long loadMillis = (System.nanoTime() - start) / 1_000_000;
        if (bundle.metadata().windowSize() != windowSize) {
            LOG.warn(
                    "model {} was trained on windows of {} points, the job uses {}",
                    modelId,
                    bundle.metadata().windowSize(),
                    windowSize);
        }
        LOG.info(
                "subtask {} opened model {} ({} engine, {} mode) in {} ms",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                modelId,
                engine,
                mode.label(),
                loadMillis);

        int batchSize = settings.batchSize();
        batch = new ArrayList<>(batchSize);
        batchKeys = new HashSet<>();
        int perInput = mode == ForecastOptions.Mode.STATEFUL ? 1 : windowSize;
        inputs = new float[batchSize * perInput];
        outputs = new float[batchSize * perInput];
        scoring = fs.scoring(bundle.metadata().calibration());
        int levels = fs.levels().length;
        ahead = new float[batchSize * horizon];
        widths = new float[batchSize * horizon * levels];
        scores = new KeyScore[batchSize];
        if (mode == ForecastOptions.Mode.STATEFUL) {
            rollout = new StatefulRollout(stepper, batchSize);
            keyStates = new KeyModelState[batchSize];
            stepStates = new StepState[batchSize];
            emitStates = new StepState[batchSize];
            emitFirst = new float[batchSize];
            emitIndex = new int[batchSize];
        }
        withInterval = new long[levels];
        covered = new long[levels];

        MetricGroup metrics = getMetricGroup();
        forecastsEmitted = metrics.counter("forecastsEmitted");
        batchSizes =
                metrics.histogram("inferenceBatchSize", new DescriptiveStatisticsHistogram(1000));
        latencyMicros =
                metrics.histogram(
                        "inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        metrics.gauge("modelLoadMillis", () -> loadMillis);
        metrics.gauge("keysWithModelState", keysWithState::get);
        scoredSteps = metrics.counter("scoredSteps");
        metrics.gauge("liveMae", () -> ratio(absError, scoredSteps.getCount()));
        metrics.gauge("liveBaselineMae", () -> ratio(baselineAbsError, scoredSteps.getCount()));
        double[] levelValues = fs.levels();
        for (int l = 0; l < levelValues.length; l++) {
            int level = l;
            metrics.addGroup("level", Double.toString(levelValues[l]))
                    .gauge("liveCoverage", () -> ratio(covered[level], withInterval[level]));
        }
    }

    private static double ratio(double sum, long n) {
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public void processElement(StreamRecord<ModelInput> element) throws Exception {
        ModelInput in = element.getValue();
        switch (in.kind) {
            case EVICT:
                if (batchKeys.contains(in.sensorId)) {
                    flush();
                }
                setCurrentKey(in.sensorId);
                if (mode == ForecastOptions.Mode.STATEFUL) {
                    KeyModelState s = modelState.value();
                    if (s != null) {
                        reportOnEviction(in, s.score);
                        modelState.clear();
                        keysWithState.decrementAndGet();
                    }
                } else {
                    reportOnEviction(in, scoreState.value());
                    scoreState.clear();
                }
                return;
            case STEP:
                if (mode != ForecastOptions.Mode.STATEFUL) {
                    throw new IllegalStateException("a STEP input in window mode: " + in);
                }
                if (batchKeys.contains(in.sensorId)) {
                    flush();
                }
                break;
            case WINDOW:
                if (mode != ForecastOptions.Mode.WINDOW) {
                    throw new IllegalStateException("a WINDOW input in stateful mode: " + in);
                }
                if (in.values.length != windowSize) {
                    throw new IllegalStateException(
                            "window of " + in.values.length + " points, expected " + windowSize);
                }
                if (batchKeys.contains(in.sensorId)) {
                    flush();
                }
                break;
            default:
                throw new IllegalStateException("unknown input kind " + in.kind);
        }
        batch.add(element.copy(in));
        batchKeys.add(in.sensorId);
        if (batch.size() >= settings.batchSize() || maxDelayMs == 0) {
            flush();
        } else if (batch.size() == 1) {
            long generation = ++flushTimerGeneration;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(
                            now + maxDelayMs,
                            time -> {
                                if (generation == flushTimerGeneration) {
                                    flush();
                                }
                            });
        }
    }

    /** Evaluates and emits everything batched so far. */
    void flush() throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        flushTimerGeneration++;
        int n = batch.size();
        Object keyBefore = getKeyedStateBackend() == null ? null : getCurrentKey();
        long start = System.nanoTime();
        if (mode == ForecastOptions.Mode.STATEFUL) {
            flushSteps(n);
        } else {
            flushWindows(n);
        }
        batchSizes.update(n);
        latencyMicros.update((System.nanoTime() - start) / 1000);
        batch.clear();
        batchKeys.clear();
        if (keyBefore != null) {
            setCurrentKey(keyBefore);
        }
    }

    private void flushWindows(int n) throws Exception {
        int levels = fs.levels().length;
        for (int b = 0; b < n; b++) {
            ModelInput in = batch.get(b).getValue();
            double[] values = in.values;
            for (int i = 0; i < windowSize; i++) {
                inputs[b * windowSize + i] = (float) values[i];
            }
            setCurrentKey(in.sensorId);
            KeyScore s = scoreState.value();
            if (s == null) {
                s = scoring.newScore();
            }
            long fresh = s.expectNext == 0 ? 0 : in.seq - s.expectNext;
            if (s.expectNext != 0 && (fresh <= 0 || fresh > windowSize || in.seq == 0)) {
                // a restart on the grid, or more new points than one window holds
                scoring.dropPending(s);
                fresh = 0;
            }
            for (int i = windowSize - (int) fresh; i < windowSize; i++) {
                observe(s, (float) values[i]);
            }
            s.expectNext = in.seq;
            scores[b] = s;
        }
        predictor.forecast(inputs, n, windowSize, horizon, outputs, ahead);
        long now = System.currentTimeMillis();
        for (int b = 0; b < n; b++) {
            StreamRecord<ModelInput> r = batch.get(b);
            ModelInput in = r.getValue();
            KeyScore s = scores[b];
            ForecastScoring.Source source = scoring.intervals(s, widths);
            scoring.issue(s, ahead, b * horizon, widths, (float) in.values[windowSize - 1]);
            setCurrentKey(in.sensorId);
            scoreState.update(s);
            emit(r, in.windowStart, outputs, b * windowSize, b, source, now);
            maybeReport(r, s, now);
            scores[b] = null;
        }
    }

    /** Scores the key's pending forecast steps against its next actual value. */
    private void observe(KeyScore s, float actual) {
        long scoredBefore = s.scored;
        double absBefore = s.absError;
        double baseBefore = s.baselineAbsError;
        long[] withBefore = withInterval.length == 0 ? null : s.withInterval.clone();
        long[] coveredBefore = withInterval.length == 0 ? null : s.covered.clone();
        scoring.observe(s, actual);
        if (s.scored == scoredBefore) {
            return;
        }
        scoredSteps.inc(s.scored - scoredBefore);
        absError += s.absError - absBefore;
        baselineAbsError += s.baselineAbsError - baseBefore;
        for (int l = 0; l < withInterval.length; l++) {
            withInterval[l] += s.withInterval[l] - withBefore[l];
            covered[l] += s.covered[l] - coveredBefore[l];
        }
    }

    /** Emits the key's accuracy record once {@code accuracy.every} steps were scored since. */
    private void maybeReport(StreamRecord<ModelInput> r, KeyScore s, long now) {
        if (fs.accuracyRecords() && s.sinceReport >= fs.accuracyEvery()) {
            report(r.getValue(), s, now, r);
        }
    }

    private void reportOnEviction(ModelInput in, KeyScore s) {
        if (fs.accuracyRecords() && s != null && s.sinceReport > 0) {
            report(in, s, System.currentTimeMillis(), null);
        }
    }

    private void report(ModelInput in, KeyScore s, long now, StreamRecord<ModelInput> r) {
        s.sinceReport = 0;
        ForecastScoring.Accuracy a = scoring.accuracy(s);
        Accuracy record =
                new Accuracy(
                        in.sensorId,
                        in.time,
                        a.scored(),
                        a.mae(),
                        a.baselineMae(),
                        a.levels(),
                        a.coverage(),
                        modelId,
                        now);
        if (r != null && r.hasTimestamp()) {
            output.collect(ACCURACY, new StreamRecord<>(record, r.getTimestamp()));
        } else {
            output.collect(ACCURACY, new StreamRecord<>(record));
        }
    }

    private void flushSteps(int n) throws Exception {
        for (int b = 0; b < n; b++) {
            ModelInput in = batch.get(b).getValue();
            setCurrentKey(in.sensorId);
            KeyModelState s = modelState.value();
            if (s == null) {
                keysWithState.incrementAndGet();
            }
            if (s == null || in.reset) {
                KeyScore score = s == null || s.score == null ? scoring.newScore() : s.score;
                s = KeyModelState.start(stepper.newState(), windowSize);
                s.score = score;
                scoring.dropPending(score);
            } else if (s.score == null) {
                s.score = scoring.newScore(); // state written before forecasts were scored
            }
            observe(s.score, (float) in.values[0]);
            keyStates[b] = s;
            stepStates[b] = s.model;
            inputs[b] = (float) in.values[0];
        }
        stepper.step(stepStates, inputs, n, outputs);
        // the keys that emit now, rolled out together from copies of their states
        int emitting = 0;
        for (int b = 0; b < n; b++) {
            KeyModelState s = keyStates[b];
            s.model = stepStates[b];
            s.push(batch.get(b).getValue().time, outputs[b]);
            s.steps++;
            if (settings.window().emitsAt(s.count, s.steps)) {
                emitStates[emitting] = s.model;
                emitFirst[emitting] = outputs[b];
                emitIndex[emitting++] = b;
            }
        }
        if (emitting > 0) {
            rollout.rollout(emitStates, emitFirst, emitting, horizon, ahead);
        }
        long now = System.currentTimeMillis();
        for (int e = 0, b = 0; b < n; b++) {
            StreamRecord<ModelInput> r = batch.get(b);
            ModelInput in = r.getValue();
            KeyModelState s = keyStates[b];
            boolean emits = e < emitting && emitIndex[e] == b;
            ForecastScoring.Source source = null;
            if (emits) {
                source = scoring.intervals(s.score, widths);
                scoring.issue(s.score, ahead, e * horizon, widths, (float) in.values[0]);
            }
            // After the last change: a serializing backend (RocksDB) stores a copy.
            setCurrentKey(in.sensorId);
            modelState.update(s);
            if (emits) {
                emit(r, s.times[0], s.predictions, 0, e, source, now);
                e++;
            }
            maybeReport(r, s.score, now);
            keyStates[b] = null;
            stepStates[b] = null;
        }
        java.util.Arrays.fill(emitStates, 0, emitting, null);
    }

    /**
     * Emits the forecast for input {@code r}: the W predictions at {@code from} in {@code
     * predictions}, for the window starting at {@code windowStart}; its H values are row {@code
     * row} of {@link #ahead}, its half-widths in {@link #widths}.
     */
    private void emit(
            StreamRecord<ModelInput> r,
            long windowStart,
            float[] predictions,
            int from,
            int row,
            ForecastScoring.Source source,
            long now) {
        double[] values = new double[windowSize];
        for (int i = 0; i < windowSize; i++) {
            values[i] = predictions[from + i];
        }
        ModelInput in = r.getValue();
        Forecast f =
                new Forecast(
                        in.sensorId,
                        windowStart,
                        in.time,
                        windowSize,
                        values,
                        values[windowSize - 1],
                        modelId,
                        mode.label(),
                        now,
                        in.nextTime,
                        in.nextTime == null ? null : in.filled,
                        fs.extended() ? ahead(in, row, source) : null);
        if (r.hasTimestamp()) {
            output.collect(new StreamRecord<>(f, r.getTimestamp()));
        } else {
            output.collect(new StreamRecord<>(f));
        }
        forecastsEmitted.inc();
    }

    private Forecast.Ahead ahead(ModelInput in, int row, ForecastScoring.Source source) {
        double[] values = new double[horizon];
        for (int h = 0; h < horizon; h++) {
            values[h] = ahead[row * horizon + h];
        }
        long[] times = null;
        if (in.nextTime != null) {
            times = new long[horizon];
            for (int h = 0; h < horizon; h++) {
                times[h] = in.nextTime + h * fs.gridIntervalMs();
            }
        }
        double[] levels = fs.levels();
        double[][] lower = new double[levels.length][horizon];
        double[][] upper = new double[levels.length][horizon];
        for (int l = 0; l < levels.length; l++) {
            for (int h = 0; h < horizon; h++) {
                float w = widths[h * levels.length + l];
                lower[l][h] = Float.isNaN(w) ? Double.NaN : (float) (values[h] - w);
                upper[l][h] = Float.isNaN(w) ? Double.NaN : (float) (values[h] + w);
            }
        }
        return new Forecast.Ahead(
                values,
                times,
                levels,
                lower,
                upper,
                levels.length == 0 || source == null ? null : source.label());
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // Forecasts carry their window's event time, so they must leave before the watermark.
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (predictor != null) {
                predictor.close();
            }
            if (stepper != null) {
                stepper.close();
            }
        } finally {
            predictor = null;
            stepper = null;
            super.close();
        }
    }
}
