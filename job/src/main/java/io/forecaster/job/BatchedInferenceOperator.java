package io.forecaster.job;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.ModelRecord;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.KeyScore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
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
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
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
 *
 * <p>Models: with one input it serves the {@code model.path} bundle to every key. With a second,
 * broadcast input of {@link ModelRecord}s (the models topic) it keeps the table of served versions
 * in broadcast state ({@value #MODEL_TABLE}) and routes each key by {@link ModelTable}. A record is
 * applied between two batches: the batch so far is evaluated, then the new version is read, checked
 * and opened in the task thread ({@link ModelLoader}) and replaces the previous one, so every
 * forecast comes wholly from one version and says which. A version that fails a check is refused,
 * reported on the {@link #MODEL_EVENTS} side output and in the log, and the previous version keeps
 * serving. In stateful mode a key whose model changed is warmed up on the new model from its last W
 * points before its next step.
 *
 * <p>Nothing non-finite is emitted. Inputs are finite float32 values, but extreme ones can overflow
 * inside the network: a forecast with a non-finite value (prediction or value ahead) is not emitted
 * but sent to the {@link #NON_FINITE} side output as a dead letter ({@value
 * DeadLetterReasons#NON_FINITE_OUTPUT}) of the window's newest point, and is not scored. In
 * stateful mode a step that leaves the key's recurrent state or its output non-finite resets the
 * key to the zero state (its prediction history and pending forecast steps are dropped; it
 * forecasts again after W more points) and dead-letters that point, so one extreme point never
 * poisons the key for good. A prediction-interval bound that is not finite is written as no
 * interval (NaN).
 */
public class BatchedInferenceOperator extends AbstractStreamOperator<Forecast>
        implements OneInputStreamOperator<ModelInput, Forecast>,
                TwoInputStreamOperator<ModelInput, ModelRecord, Forecast>,
                BoundedOneInput,
                BoundedMultiInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchedInferenceOperator.class);

    static final String MODEL_STATE = "model-state";

    /** Window mode's per-key scoring state (stateful mode keeps it in {@link KeyModelState}). */
    static final String SCORE_STATE = "forecast-score";

    /** The broadcast state of served versions, by model name. */
    public static final String MODEL_TABLE = "model-table";

    /** The descriptor of the {@value #MODEL_TABLE} broadcast state. */
    public static final MapStateDescriptor<String, ModelRecord> MODEL_TABLE_STATE =
            new MapStateDescriptor<>(
                    MODEL_TABLE,
                    TypeInformation.of(String.class),
                    TypeInformation.of(ModelRecord.class));

    /** Per-key accuracy records, when an accuracy topic is set. */
    public static final OutputTag<Accuracy> ACCURACY =
            new OutputTag<>("accuracy", TypeInformation.of(Accuracy.class));

    /**
     * Dead letters of the points whose forecast (window mode) or step (stateful mode) came out
     * non-finite.
     */
    public static final OutputTag<DeadLetter> NON_FINITE =
            new OutputTag<>("non-finite-forecasts", TypeInformation.of(DeadLetter.class));

    /** Model events: versions served, refused, names retired. */
    public static final OutputTag<ModelEvent> MODEL_EVENTS =
            new OutputTag<>("model-events", TypeInformation.of(ModelEvent.class));

    private final InferenceSettings settings;
    private final ForecastOptions.Mode mode;
    private final int windowSize;
    private final long maxDelayMs;
    private final ForecastSettings fs;
    private final int horizon;

    /** The points topic, named in dead letters. */
    private final String sourceTopic;

    /** The {@code model.path} bundle (null when only the models topic gives models). */
    private transient ServedModel fallback;

    /** Served versions by name. */
    private transient Map<String, ServedModel> served;

    /** Opened engines by bundle sha256. */
    private transient Map<String, ServedModel.Engine> engines;

    private transient BroadcastState<String, ModelRecord> tableState;
    private transient ModelTable table;

    /** Key to its model, re-routed when the table changed since (generation). */
    private transient Map<String, Route> routes;

    private transient long tableGeneration;
    private transient Map<String, ModelMetrics> modelMetrics;

    private transient ValueState<KeyModelState> modelState;
    private transient ValueState<KeyScore> scoreState;

    private transient List<StreamRecord<ModelInput>> batch;
    private transient Set<String> batchKeys;
    private transient long flushTimerGeneration;
    private transient float[] inputs;
    private transient float[] outputs;
    private transient float[] ahead;
    private transient float[] widths;
    private transient KeyScore[] scores;
    private transient KeyModelState[] keyStates;
    // stateful mode: the state object each batch entry's value() returned (null for none)
    private transient KeyModelState[] storedStates;

    /**
     * Whether the keyed state is exactly the heap backend's (not wrapped, e.g. by the changelog
     * backend, which must see every write): its value() hands out the live object held in the state
     * table (copied first if a snapshot still needs the old one), so a state changed in place needs
     * no update() to be stored.
     */
    private transient boolean stateOnHeap;

    private transient StepState[] stepStates;
    private transient StepState[] emitStates;
    private transient float[] emitFirst;
    private transient int[] emitIndex;
    private transient ServedModel[] batchModels;
    private transient int[] warmIndex;
    private transient StepState[] warmStates;
    private transient float[] warmInputs;

    // Package-private so tests can read what the metric group reports.
    transient Counter forecastsEmitted;
    transient Counter unroutedInputs;
    transient Histogram batchSizes;
    transient Histogram latencyMicros;

    /**
     * Per batch: from its first entry's arrival to the start of its evaluation, microseconds (how
     * long a ready window or step waited for its batch).
     */
    transient Histogram batchWaitMicros;

    private transient long batchFirstNanos;
    transient AtomicLong keysWithState;

    private transient Counter nonFiniteLetters;
    transient Counter stateResets;

    /** Per stateful batch entry: its step left the key's state or output non-finite. */
    private transient boolean[] overflowed;

    /** This subtask's scored forecast steps since it started: all keys together. */
    transient Counter scoredSteps;

    transient double absError;
    transient double baselineAbsError;
    transient long[] withInterval;
    transient long[] covered;

    /** A key's per-level counts before an observation (scratch, so scoring allocates nothing). */
    private transient long[] withBefore;

    private transient long[] coveredBefore;

    private static final class Route {
        ServedModel model;
        long generation;
    }

    /** A model name's metrics: served version, swaps, refusals, load time, keys routed to it. */
    static final class ModelMetrics {
        volatile long version;
        volatile long loadMillis;
        final AtomicLong keys = new AtomicLong();
        Counter swaps;
        Counter refusals;
    }

    public BatchedInferenceOperator(InferenceSettings settings) {
        this(settings, "sensor-points");
    }

    /** As {@link #BatchedInferenceOperator(InferenceSettings)}; dead letters name {@code topic}. */
    public BatchedInferenceOperator(InferenceSettings settings, String sourceTopic) {
        this.sourceTopic = sourceTopic;
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
        if (settings.modelsFromTopic()) {
            tableState = context.getOperatorStateStore().getBroadcastState(MODEL_TABLE_STATE);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        int batchSize = settings.batchSize();
        served = new HashMap<>();
        engines = new HashMap<>();
        routes = new HashMap<>();
        modelMetrics = new HashMap<>();
        MetricGroup metrics = getMetricGroup();
        long fallbackMillis = 0;
        if (settings.modelPath() != null) {
            long start = System.nanoTime();
            ModelBundle bundle = ModelBundle.load(Path.of(settings.modelPath()));
            fallback = open(null, bundle, "model.path:" + settings.modelPath(), start);
            fallbackMillis = fallback.loadMillis;
            if (bundle.metadata().windowSize() != windowSize) {
                LOG.warn(
                        "model {} was trained on windows of {} points, the job uses {}",
                        bundle.metadata().modelId(),
                        bundle.metadata().windowSize(),
                        windowSize);
            }
            LOG.info(
                    "subtask {} opened model {} ({} engine, {} mode) in {} ms",
                    subtask(),
                    bundle.metadata().modelId(),
                    settings.engine(),
                    mode.label(),
                    fallbackMillis);
        }
        if (tableState != null) {
            // The versions served before a restore: the same on every subtask.
            List<ModelRecord> restored = new ArrayList<>();
            for (Map.Entry<String, ModelRecord> e : tableState.entries()) {
                restored.add(e.getValue());
            }
            for (ModelRecord r : restored) {
                applyVersion(r, true);
            }
            rebuildTable();
        }

        batch = new ArrayList<>(batchSize);
        batchKeys = new HashSet<>();
        int perInput = mode == ForecastOptions.Mode.STATEFUL ? 1 : windowSize;
        inputs = new float[batchSize * perInput];
        outputs = new float[batchSize * perInput];
        int levels = fs.levels().length;
        ahead = new float[batchSize * horizon];
        widths = new float[batchSize * horizon * levels];
        scores = new KeyScore[batchSize];
        batchModels = new ServedModel[batchSize];
        if (mode == ForecastOptions.Mode.STATEFUL) {
            keyStates = new KeyModelState[batchSize];
            storedStates = new KeyModelState[batchSize];
            stateOnHeap =
                    getKeyedStateBackend()
                            instanceof org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
            stepStates = new StepState[batchSize];
            emitStates = new StepState[batchSize];
            emitFirst = new float[batchSize];
            emitIndex = new int[batchSize];
            warmIndex = new int[batchSize];
            warmStates = new StepState[batchSize];
            warmInputs = new float[batchSize];
            overflowed = new boolean[batchSize];
        }
        withInterval = new long[levels];
        covered = new long[levels];
        withBefore = new long[levels];
        coveredBefore = new long[levels];

        forecastsEmitted = metrics.counter("forecastsEmitted");
        nonFiniteLetters =
                OrderedSlidingWindow.deadLetterCounter(
                        metrics, DeadLetterReasons.NON_FINITE_OUTPUT);
        stateResets = metrics.counter("nonFiniteStateResets");
        unroutedInputs = metrics.counter("unroutedInputs");
        batchSizes =
                metrics.histogram("inferenceBatchSize", new DescriptiveStatisticsHistogram(1000));
        latencyMicros =
                metrics.histogram(
                        "inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        batchWaitMicros =
                metrics.histogram("batchWaitMicros", new DescriptiveStatisticsHistogram(1000));
        long loadMillis = fallbackMillis;
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

    private int subtask() {
        return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    }

    /** Opens (or shares) the engine for {@code bundle}, whose file has hash {@code sha256}. */
    private ServedModel open(
            ModelRecord record, ModelBundle bundle, String sha256, long startNanos) {
        ServedModel.Engine engine = engines.get(sha256);
        if (engine == null) {
            String name = settings.engine();
            Predictor predictor = null;
            Stepper stepper = null;
            if (mode == ForecastOptions.Mode.STATEFUL) {
                stepper = Engines.openStepper(name, bundle);
            } else {
                predictor = Engines.open(name, bundle);
            }
            engine = new ServedModel.Engine(sha256, predictor, stepper, settings.batchSize());
            engines.put(sha256, engine);
        }
        engine.users++;
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        return new ServedModel(
                record,
                bundle.metadata(),
                engine,
                fs.scoring(bundle.metadata().calibration()),
                millis);
    }

    private void release(ServedModel m) {
        if (m != null && --m.engine.users == 0) {
            engines.remove(m.engine.sha256);
            m.engine.close();
        }
    }

    private ModelMetrics metricsOf(String name) {
        return modelMetrics.computeIfAbsent(
                name,
                n -> {
                    ModelMetrics mm = new ModelMetrics();
                    MetricGroup g = getMetricGroup().addGroup("model", n);
                    g.gauge("version", () -> mm.version);
                    g.gauge("loadMillis", () -> mm.loadMillis);
                    g.gauge("keysServed", mm.keys::get);
                    mm.swaps = g.counter("swaps");
                    mm.refusals = g.counter("refusals");
                    return mm;
                });
    }

    /** The metrics of model {@code name} on this subtask (null before its first record). */
    ModelMetrics modelMetrics(String name) {
        return modelMetrics.get(name);
    }

    private static double ratio(double sum, long n) {
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override
    public void processElement1(StreamRecord<ModelInput> element) throws Exception {
        processElement(element);
    }

    /**
     * A model record: applied between two batches (the batch so far is evaluated first). Never
     * throws on a bad record: it is refused with a reason.
     */
    @Override
    public void processElement2(StreamRecord<ModelRecord> element) throws Exception {
        flush();
        ModelRecord r = element.getValue();
        if (r.problem() != null) {
            refuse(r, "unreadable model record: " + r.problem(), 0);
        } else if (r.retired()) {
            ServedModel old = served.remove(r.name());
            tableState.remove(r.name());
            if (old != null) {
                release(old);
                rebuildTable();
                metricsOf(r.name()).version = 0;
                LOG.info("subtask {} retired model {}", subtask(), r.name());
                event(r.name(), old.version(), ModelEvent.RETIRED, null, 0, 0);
            }
        } else {
            applyVersion(r, false);
        }
    }

    /**
     * Loads, checks and serves version record {@code r}; refuses it (with an event) when it fails a
     * check. {@code restoring}: the record comes from the restored table (the table is rebuilt by
     * the caller).
     */
    private void applyVersion(ModelRecord r, boolean restoring) throws Exception {
        ServedModel current = served.get(r.name());
        if (current != null && !restoring) {
            if (r.version() == current.version() && r.sha256().equals(current.record.sha256())) {
                if (!java.util.Arrays.equals(r.keys(), current.record.keys())
                        || !java.util.Arrays.equals(r.prefixes(), current.record.prefixes())
                        || !java.util.Objects.equals(r.regex(), current.record.regex())
                        || r.priority() != current.record.priority()
                        || r.isDefault() != current.record.isDefault()) {
                    refuse(r, "version " + r.version() + " is served with other routes", 0);
                }
                return; // the same record again, e.g. re-published: nothing to do
            }
            if (r.version() <= current.version()) {
                refuse(
                        r,
                        "version "
                                + r.version()
                                + " is not newer than the served version "
                                + current.version(),
                        0);
                return;
            }
        }
        long start = System.nanoTime();
        ServedModel next;
        try {
            ModelBundle bundle = ModelLoader.load(r);
            ModelLoader.checkAgrees(bundle, settings);
            try {
                next = open(r, bundle, r.sha256(), start);
            } catch (RuntimeException e) {
                throw new ModelLoader.Refused(
                        "the " + settings.engine() + " engine cannot run it: " + e.getMessage(), e);
            }
        } catch (ModelLoader.Refused e) {
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (restoring) {
                tableState.remove(r.name());
                refuse(r, "restored version cannot be served: " + e.getMessage(), millis);
            } else {
                refuse(r, e.getMessage(), millis);
            }
            return;
        }
        tableState.put(r.name(), r);
        served.put(r.name(), next);
        release(current);
        ModelMetrics mm = metricsOf(r.name());
        mm.version = r.version();
        mm.loadMillis = next.loadMillis;
        if (current != null) {
            mm.swaps.inc();
        }
        if (!restoring) {
            rebuildTable();
        }
        LOG.info(
                "subtask {} serves model {} (bundle {}, model id {}) after {} ms{}",
                subtask(),
                r.label(),
                r.location(),
                next.metadata.modelId(),
                next.loadMillis,
                current == null ? "" : ", replacing v" + current.version());
        event(r.name(), r.version(), ModelEvent.SERVING, null, r.version(), next.loadMillis);
    }

    private void refuse(ModelRecord r, String reason, long millis) {
        String name = r.name() == null ? "" : r.name();
        ServedModel current = served.get(name);
        long servedVersion = current == null ? 0 : current.version();
        LOG.warn(
                "subtask {} refused model {} v{} ({}); {}",
                subtask(),
                name,
                r.version(),
                reason,
                current == null
                        ? "no version of it is served"
                        : "v" + servedVersion + " serves on");
        if (!name.isEmpty()) {
            metricsOf(name).refusals.inc();
        }
        event(name, r.version(), ModelEvent.REFUSED, reason, servedVersion, millis);
    }

    private void event(
            String name, long version, String kind, String reason, long servedVersion, long ms) {
        output.collect(
                MODEL_EVENTS,
                new StreamRecord<>(
                        new ModelEvent(
                                name,
                                version,
                                kind,
                                reason,
                                servedVersion,
                                subtask(),
                                ms,
                                System.currentTimeMillis())));
    }

    private void rebuildTable() {
        List<ModelRecord> records = new ArrayList<>();
        for (ServedModel m : served.values()) {
            records.add(m.record);
        }
        table = new ModelTable(records);
        tableGeneration++;
    }

    /** The model that serves {@code key} now, or null when none does. */
    private ServedModel modelFor(String key) {
        if (table == null) {
            return fallback;
        }
        Route r = routes.get(key);
        if (r != null && r.generation == tableGeneration) {
            return r.model;
        }
        String name = table.route(key);
        ServedModel m = name == null ? fallback : served.get(name);
        if (r == null) {
            r = new Route();
            routes.put(key, r);
        } else if (r.model != null && r.model.name() != null) {
            metricsOf(r.model.name()).keys.decrementAndGet();
        }
        r.model = m;
        r.generation = tableGeneration;
        if (m != null && m.name() != null) {
            metricsOf(m.name()).keys.incrementAndGet();
        }
        return m;
    }

    private void forget(String key) {
        Route r = routes == null ? null : routes.remove(key);
        if (r != null && r.model != null && r.model.name() != null) {
            metricsOf(r.model.name()).keys.decrementAndGet();
        }
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
                forget(in.sensorId);
                if (mode == ForecastOptions.Mode.STATEFUL) {
                    KeyModelState s = modelState.value();
                    if (s != null) {
                        reportOnEviction(in, s.score, s.modelId);
                        modelState.clear();
                        keysWithState.decrementAndGet();
                    }
                } else {
                    reportOnEviction(in, scoreState.value(), null);
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
        if (batch.isEmpty()) {
            batchFirstNanos = System.nanoTime();
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

    /**
     * Evaluates and emits everything batched so far: the entries are grouped by the model that
     * serves their key (one engine call per model); entries whose key no model serves are dropped
     * and counted ({@code unroutedInputs}).
     */
    void flush() throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        flushTimerGeneration++;
        int n = batch.size();
        Object keyBefore = getKeyedStateBackend() == null ? null : getCurrentKey();
        long start = System.nanoTime();
        batchWaitMicros.update((start - batchFirstNanos) / 1000);
        // Group by model, keeping each model's entries in arrival order.
        Map<ServedModel, List<StreamRecord<ModelInput>>> groups = null;
        ServedModel only = null;
        boolean single = true;
        for (int b = 0; b < n; b++) {
            ServedModel m = modelFor(batch.get(b).getValue().sensorId);
            batchModels[b] = m;
            if (b == 0) {
                only = m;
            } else if (m != only) {
                single = false;
            }
        }
        if (single && only != null) {
            flushPart(batch, only);
        } else {
            groups = new IdentityHashMap<>();
            for (int b = 0; b < n; b++) {
                if (batchModels[b] == null) {
                    unroutedInputs.inc();
                    continue;
                }
                groups.computeIfAbsent(batchModels[b], k -> new ArrayList<>()).add(batch.get(b));
            }
            for (Map.Entry<ServedModel, List<StreamRecord<ModelInput>>> g : groups.entrySet()) {
                flushPart(g.getValue(), g.getKey());
            }
        }
        java.util.Arrays.fill(batchModels, 0, n, null);
        batchSizes.update(n);
        latencyMicros.update((System.nanoTime() - start) / 1000);
        batch.clear();
        batchKeys.clear();
        if (keyBefore != null) {
            setCurrentKey(keyBefore);
        }
    }

    private void flushPart(List<StreamRecord<ModelInput>> part, ServedModel m) throws Exception {
        if (mode == ForecastOptions.Mode.STATEFUL) {
            flushSteps(part, m);
        } else {
            flushWindows(part, m);
        }
    }

    private void flushWindows(List<StreamRecord<ModelInput>> part, ServedModel m) throws Exception {
        int n = part.size();
        ForecastScoring scoring = m.scoring;
        for (int b = 0; b < n; b++) {
            ModelInput in = part.get(b).getValue();
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
                observe(scoring, s, (float) values[i]);
            }
            s.expectNext = in.seq;
            scores[b] = s;
        }
        m.engine.predictor.forecast(inputs, n, windowSize, horizon, outputs, ahead);
        long now = System.currentTimeMillis();
        for (int b = 0; b < n; b++) {
            StreamRecord<ModelInput> r = part.get(b);
            ModelInput in = r.getValue();
            KeyScore s = scores[b];
            setCurrentKey(in.sensorId);
            String bad = nonFinite(outputs, b * windowSize, b);
            if (bad != null) {
                scoreState.update(s); // its observations count; the forecast is not issued
                nonFiniteForecast(r, in.values[windowSize - 1], windowDetail(in, bad));
                scores[b] = null;
                continue;
            }
            ForecastScoring.Source source = scoring.intervals(s, widths);
            scoring.issue(s, ahead, b * horizon, widths, (float) in.values[windowSize - 1]);
            scoreState.update(s);
            emit(r, in.windowStart, outputs, b * windowSize, b, source, now, m);
            maybeReport(r, scoring, s, now, m.metadata.modelId());
            scores[b] = null;
        }
    }

    /** Scores the key's pending forecast steps against its next actual value. */
    private void observe(ForecastScoring scoring, KeyScore s, float actual) {
        long scoredBefore = s.scored;
        double absBefore = s.absError;
        double baseBefore = s.baselineAbsError;
        int levels = withInterval.length;
        System.arraycopy(s.withInterval, 0, withBefore, 0, levels);
        System.arraycopy(s.covered, 0, coveredBefore, 0, levels);
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
    private void maybeReport(
            StreamRecord<ModelInput> r,
            ForecastScoring scoring,
            KeyScore s,
            long now,
            String modelId) {
        if (fs.accuracyRecords() && s.sinceReport >= fs.accuracyEvery()) {
            report(r.getValue(), scoring, s, now, r, modelId);
        }
    }

    private void reportOnEviction(ModelInput in, KeyScore s, String modelId) {
        if (fs.accuracyRecords() && s != null && s.sinceReport > 0) {
            ServedModel m = modelFor(in.sensorId);
            if (m == null) {
                m = fallback;
            }
            ForecastScoring scoring = m != null ? m.scoring : fs.scoring(null);
            String id = modelId != null ? modelId : m != null ? m.metadata.modelId() : "";
            forget(in.sensorId);
            report(in, scoring, s, System.currentTimeMillis(), null, id);
        }
    }

    private void report(
            ModelInput in,
            ForecastScoring scoring,
            KeyScore s,
            long now,
            StreamRecord<ModelInput> r,
            String modelId) {
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

    private void flushSteps(List<StreamRecord<ModelInput>> part, ServedModel m) throws Exception {
        int n = part.size();
        ForecastScoring scoring = m.scoring;
        Stepper stepper = m.engine.stepper;
        int warming = 0;
        for (int b = 0; b < n; b++) {
            ModelInput in = part.get(b).getValue();
            setCurrentKey(in.sensorId);
            KeyModelState s = modelState.value();
            storedStates[b] = s;
            if (s == null) {
                keysWithState.incrementAndGet();
            }
            if (s == null || in.reset) {
                KeyScore score = s == null || s.score == null ? scoring.newScore() : s.score;
                s = KeyModelState.start(stepper.newState(), windowSize);
                s.score = score;
                scoring.dropPending(score);
            } else {
                if (s.score == null) {
                    s.score = scoring.newScore(); // state written before forecasts were scored
                }
                if (!m.made(s.modelName, s.modelVersion)) {
                    // the key's model changed: warm the new one up on the key's last points
                    s.model = stepper.newState();
                    if (s.keepKnownInputs() > 0) {
                        warmIndex[warming++] = b;
                    }
                }
            }
            s.modelName = m.name();
            s.modelVersion = m.version();
            s.modelId = m.metadata.modelId();
            observe(scoring, s.score, (float) in.values[0]);
            keyStates[b] = s;
            inputs[b] = (float) in.values[0];
        }
        if (warming > 0) {
            warmUp(stepper, warming);
        }
        for (int b = 0; b < n; b++) {
            stepStates[b] = keyStates[b].model;
        }
        stepper.step(stepStates, inputs, n, outputs);
        // the keys that emit now, rolled out together from copies of their states
        int emitting = 0;
        for (int b = 0; b < n; b++) {
            KeyModelState s = keyStates[b];
            overflowed[b] = !Float.isFinite(outputs[b]) || !isFinite(stepStates[b]);
            if (overflowed[b]) {
                // one extreme point must not poison the key for good: start it afresh
                KeyModelState fresh = KeyModelState.start(stepper.newState(), windowSize);
                fresh.score = s.score;
                scoring.dropPending(fresh.score);
                fresh.modelName = s.modelName;
                fresh.modelVersion = s.modelVersion;
                fresh.modelId = s.modelId;
                keyStates[b] = fresh;
                stateResets.inc();
                continue;
            }
            s.model = stepStates[b];
            s.push(part.get(b).getValue().time, inputs[b], outputs[b]);
            s.steps++;
            if (settings.window().emitsAt(s.count, s.steps)) {
                emitStates[emitting] = s.model;
                emitFirst[emitting] = outputs[b];
                emitIndex[emitting++] = b;
            }
        }
        if (emitting > 0) {
            m.engine.rollout.rollout(emitStates, emitFirst, emitting, horizon, ahead);
        }
        long now = System.currentTimeMillis();
        for (int e = 0, b = 0; b < n; b++) {
            StreamRecord<ModelInput> r = part.get(b);
            ModelInput in = r.getValue();
            KeyModelState s = keyStates[b];
            boolean emits = e < emitting && emitIndex[e] == b;
            String bad = null;
            if (overflowed[b]) {
                bad =
                        String.format(
                                "the model's state for key %s became non-finite at its point of"
                                        + " %s (value %s, output %s): the key's state is reset"
                                        + " and it forecasts again after %d points",
                                in.sensorId,
                                Instant.ofEpochMilli(in.time),
                                Float.toString(inputs[b]),
                                Float.toString(outputs[b]),
                                windowSize);
            } else if (emits) {
                String what = nonFinite(s.predictions, 0, e);
                if (what != null) {
                    bad =
                            String.format(
                                    "the model's forecast for key %s at %s (value %s) is not"
                                            + " finite: %s",
                                    in.sensorId,
                                    Instant.ofEpochMilli(in.time),
                                    Float.toString(inputs[b]),
                                    what);
                }
            }
            ForecastScoring.Source source = null;
            if (emits && bad == null) {
                source = scoring.intervals(s.score, widths);
                scoring.issue(s.score, ahead, e * horizon, widths, (float) in.values[0]);
            }
            // After the last change: a serializing backend (RocksDB) stores a copy. On the heap
            // backend a state changed in place is stored already; writing it again would look
            // up the key's entry a second time, long after value() did (a cache miss per step).
            if (!stateOnHeap || s != storedStates[b]) {
                setCurrentKey(in.sensorId);
                modelState.update(s);
            }
            if (bad != null) {
                nonFiniteForecast(r, in.values[0], bad);
            } else if (emits) {
                emit(r, s.times[0], s.predictions, 0, e, source, now, m);
            }
            if (emits) {
                e++;
            }
            maybeReport(r, scoring, s.score, now, m.metadata.modelId());
            keyStates[b] = null;
            storedStates[b] = null;
            stepStates[b] = null;
        }
        java.util.Arrays.fill(emitStates, 0, emitting, null);
    }

    /**
     * Steps the keys {@code warmIndex[0..warming)} of the batch (fresh states of the new model)
     * through their last inputs, oldest first, together: the newest input of each key lands on the
     * same last step, and each key's stored predictions become the new model's.
     */
    private void warmUp(Stepper stepper, int warming) {
        int longest = 0;
        for (int i = 0; i < warming; i++) {
            longest = Math.max(longest, keyStates[warmIndex[i]].count);
        }
        float[] out = new float[warming];
        for (int t = 0; t < longest; t++) {
            int active = 0;
            for (int i = 0; i < warming; i++) {
                KeyModelState s = keyStates[warmIndex[i]];
                int j = t - (longest - s.count); // index into the key's inputs, oldest first
                if (j >= 0) {
                    warmStates[active] = s.model;
                    warmInputs[active] = s.inputs[j];
                    active++;
                }
            }
            stepper.step(warmStates, warmInputs, active, out);
            for (int i = 0, a = 0; i < warming; i++) {
                KeyModelState s = keyStates[warmIndex[i]];
                int j = t - (longest - s.count);
                if (j >= 0) {
                    s.predictions[j] = out[a++];
                }
            }
        }
        java.util.Arrays.fill(warmStates, 0, warming, null);
    }

    /**
     * Emits the forecast for input {@code r}: the W predictions at {@code from} in {@code
     * predictions}, for the window starting at {@code windowStart}; its H values are row {@code
     * row} of {@link #ahead}, its half-widths in {@link #widths}; made by model {@code m}.
     */
    private void emit(
            StreamRecord<ModelInput> r,
            long windowStart,
            float[] predictions,
            int from,
            int row,
            ForecastScoring.Source source,
            long now,
            ServedModel m) {
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
                        m.metadata.modelId(),
                        mode.label(),
                        now,
                        in.nextTime,
                        in.nextTime == null ? null : in.filled,
                        fs.extended() ? ahead(in, row, source) : null,
                        m.name(),
                        m.record == null ? null : m.version());
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
                float lo = (float) (values[h] - w);
                float hi = (float) (values[h] + w);
                // a bound that is not finite (NaN: none yet, or an overflow) is no interval
                boolean finite = Float.isFinite(lo) && Float.isFinite(hi);
                lower[l][h] = finite ? lo : Double.NaN;
                upper[l][h] = finite ? hi : Double.NaN;
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

    /**
     * What is not finite in the forecast of batch row {@code row}: its W predictions at {@code
     * from} in {@code predictions} and its H values ahead; null when all are finite.
     */
    private String nonFinite(float[] predictions, int from, int row) {
        for (int i = 0; i < windowSize; i++) {
            float v = predictions[from + i];
            if (!Float.isFinite(v)) {
                return "prediction " + (i + 1) + " of " + windowSize + " is " + v;
            }
        }
        for (int h = 0; h < horizon; h++) {
            float v = ahead[row * horizon + h];
            if (!Float.isFinite(v)) {
                return "value " + (h + 1) + " ahead of " + horizon + " is " + v;
            }
        }
        return null;
    }

    private String windowDetail(ModelInput in, String what) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : in.values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return String.format(
                "the model's forecast for key %s, window %s to %s, is not finite: %s; the"
                        + " window's values range from %s to %s",
                in.sensorId,
                Instant.ofEpochMilli(in.windowStart),
                Instant.ofEpochMilli(in.time),
                what,
                Float.toString((float) min),
                Float.toString((float) max));
    }

    /** Whether every number of the recurrent state {@code s} is finite. */
    public static boolean isFinite(StepState s) {
        return allFinite(s.conv)
                && allFinite(s.h1)
                && allFinite(s.c1)
                && allFinite(s.h2)
                && allFinite(s.c2);
    }

    private static boolean allFinite(float[] a) {
        if (a == null) {
            return true;
        }
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Dead-letters the newest point of input {@code r} (value {@code value}): see {@link
     * #NON_FINITE}.
     */
    private void nonFiniteForecast(StreamRecord<ModelInput> r, double value, String detail) {
        ModelInput in = r.getValue();
        SensorPoint p = new SensorPoint(in.sensorId, in.time, value);
        DeadLetter d =
                OrderedSlidingWindow.deadLetter(
                        sourceTopic, p, DeadLetterReasons.NON_FINITE_OUTPUT, detail);
        nonFiniteLetters.inc();
        LOG.debug("non-finite output: {}", detail);
        if (r.hasTimestamp()) {
            output.collect(NON_FINITE, new StreamRecord<>(d, r.getTimestamp()));
        } else {
            output.collect(NON_FINITE, new StreamRecord<>(d));
        }
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
    public void endInput(int inputId) throws Exception {
        flush();
    }

    /** The points' watermark is the operator's: the models input carries none. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {}

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            processWatermarkStatus(status);
        }
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (engines != null) {
                for (ServedModel.Engine e : engines.values()) {
                    e.close();
                }
                engines.clear();
            }
        } finally {
            fallback = null;
            super.close();
        }
    }
}
