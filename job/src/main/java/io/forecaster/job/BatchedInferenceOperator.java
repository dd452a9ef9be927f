package io.forecaster.job;

import io.forecaster.connectors.Forecast;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
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
 * its second step needs the state the first produces.
 */
public class BatchedInferenceOperator extends AbstractStreamOperator<Forecast>
        implements OneInputStreamOperator<ModelInput, Forecast>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchedInferenceOperator.class);

    static final String MODEL_STATE = "model-state";

    private final InferenceSettings settings;
    private final ForecastOptions.Mode mode;
    private final int windowSize;
    private final long maxDelayMs;

    private transient Predictor predictor;
    private transient Stepper stepper;
    private transient String modelId;
    private transient ValueState<KeyModelState> modelState;

    private transient List<StreamRecord<ModelInput>> batch;
    private transient Set<String> batchKeys;
    private transient long flushTimerGeneration;
    private transient float[] inputs;
    private transient float[] outputs;

    // Package-private so tests can read what the metric group reports.
    transient Counter forecastsEmitted;
    transient Histogram batchSizes;
    transient Histogram latencyMicros;
    transient AtomicLong keysWithState;

    public BatchedInferenceOperator(InferenceSettings settings) {
        this.settings = settings;
        // Read on every record.
        this.mode = settings.mode();
        this.windowSize = settings.window().size();
        this.maxDelayMs = settings.maxDelay().toMillis();
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

        MetricGroup metrics = getMetricGroup();
        forecastsEmitted = metrics.counter("forecastsEmitted");
        batchSizes =
                metrics.histogram("inferenceBatchSize", new DescriptiveStatisticsHistogram(1000));
        latencyMicros =
                metrics.histogram(
                        "inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        metrics.gauge("modelLoadMillis", () -> loadMillis);
        metrics.gauge("keysWithModelState", keysWithState::get);
    }

    @Override
    public void processElement(StreamRecord<ModelInput> element) throws Exception {
        ModelInput in = element.getValue();
        switch (in.kind) {
            case EVICT:
                if (mode == ForecastOptions.Mode.STATEFUL) {
                    if (batchKeys.contains(in.sensorId)) {
                        flush();
                    }
                    setCurrentKey(in.sensorId);
                    if (modelState.value() != null) {
                        modelState.clear();
                        keysWithState.decrementAndGet();
                    }
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

    private void flushWindows(int n) {
        for (int b = 0; b < n; b++) {
            double[] values = batch.get(b).getValue().values;
            for (int i = 0; i < windowSize; i++) {
                inputs[b * windowSize + i] = (float) values[i];
            }
        }
        predictor.predict(inputs, n, windowSize, outputs);
        long now = System.currentTimeMillis();
        for (int b = 0; b < n; b++) {
            StreamRecord<ModelInput> r = batch.get(b);
            emit(r, r.getValue().windowStart, outputs, b * windowSize, now);
        }
    }

    private void flushSteps(int n) throws Exception {
        KeyModelState[] keyStates = new KeyModelState[n];
        StepState[] states = new StepState[n];
        for (int b = 0; b < n; b++) {
            ModelInput in = batch.get(b).getValue();
            setCurrentKey(in.sensorId);
            KeyModelState s = modelState.value();
            if (s == null) {
                keysWithState.incrementAndGet();
            }
            if (s == null || in.reset) {
                s = KeyModelState.start(stepper.newState(), windowSize);
            }
            keyStates[b] = s;
            states[b] = s.model;
            inputs[b] = (float) in.values[0];
        }
        stepper.step(states, inputs, n, outputs);
        long now = System.currentTimeMillis();
        for (int b = 0; b < n; b++) {
            StreamRecord<ModelInput> r = batch.get(b);
            ModelInput in = r.getValue();
            KeyModelState s = keyStates[b];
            s.model = states[b];
            s.push(in.time, outputs[b]);
            long steps = ++s.steps;
            // After the last change: a serializing backend (RocksDB) stores a copy.
            setCurrentKey(in.sensorId);
            modelState.update(s);
            if (settings.window().emitsAt(s.count, steps)) {
                emit(r, s.times[0], s.predictions, 0, now);
            }
        }
    }

    /**
     * Emits the forecast for input {@code r}: the W predictions at {@code from} in {@code
     * predictions}, for the window starting at {@code windowStart}.
     */
    private void emit(
            StreamRecord<ModelInput> r, long windowStart, float[] predictions, int from, long now) {
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
                        in.nextTime == null ? null : in.filled);
        if (r.hasTimestamp()) {
            output.collect(new StreamRecord<>(f, r.getTimestamp()));
        } else {
            output.collect(new StreamRecord<>(f));
        }
        forecastsEmitted.inc();
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
