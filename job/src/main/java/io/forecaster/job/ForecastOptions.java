package io.forecaster.job;

import io.forecaster.connectors.flink.KafkaOptions;
import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.grid.Aggregate;
import io.forecaster.model.grid.GapFill;
import io.forecaster.model.grid.TimeGrid;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.ParameterTool;
import org.apache.flink.util.TimeUtils;

/**
 * Every setting of the forecasting job as a typed Flink {@link ConfigOption}, and one validated,
 * serialisable set of values. Values come from a properties (or flat {@code key: value} YAML) file
 * named by {@code --config} and from {@code --key value} arguments, which win. Unknown keys and
 * invalid values fail at start with a message naming the key and the value.
 */
public final class ForecastOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How the model sees a key's stream. */
    public enum Mode {
        /** Each window runs from the zero state, as the model was trained. */
        WINDOW,
        /** Each key's recurrent state is kept and advanced by one step per point. */
        STATEFUL;

        // carried by every forecast: made once, not per call
        private final String label = name().toLowerCase(Locale.ROOT);

        /** The lowercase name carried in forecasts ("window", "stateful"). */
        public String label() {
            return label;
        }
    }

    /** When a key's points are released to its window (or as steps). */
    public enum Release {
        /**
         * Held until the watermark passes their time plus {@code lateness.allowed}, then released
         * in event-time order: points of a key may arrive out of order within the watermark's
         * bound.
         */
        WATERMARK,
        /**
         * Released as they arrive when newer than the key's newest point; an older one is late. For
         * sensors whose points arrive in time order (one Kafka partition per sensor, written in
         * order): no wait for the watermark and no timer per point.
         */
        ARRIVAL
    }

    /** The argument naming a configuration file. */
    public static final String CONFIG_FILE_ARG = "config";

    public static final ConfigOption<Integer> WINDOW_SIZE =
            ConfigOptions.key("window.size")
                    .intType()
                    .defaultValue(60)
                    .withDescription("W: points per window (and predictions per forecast).");
    public static final ConfigOption<Integer> WINDOW_SLIDE =
            ConfigOptions.key("window.slide")
                    .intType()
                    .defaultValue(1)
                    .withDescription("S: a forecast every S points once W points are present.");
    public static final ConfigOption<Mode> MODE =
            ConfigOptions.key("mode")
                    .enumType(Mode.class)
                    .defaultValue(Mode.WINDOW)
                    .withDescription(
                            "window: run each window from the zero state; stateful: keep each"
                                    + " key's model state and advance it one step per point.");
    public static final ConfigOption<String> ENGINE =
            ConfigOptions.key("engine")
                    .stringType()
                    .defaultValue("fast")
                    .withDescription(
                            "Inference engine: fast (pure Java), identity (the last value"
                                    + " repeated: the pipeline without a model), or dl4j / onnx"
                                    + " where the training / onnx module is on the classpath (onnx"
                                    + " runs ONNX bundles).");
    public static final ConfigOption<String> MODEL_PATH =
            ConfigOptions.key("model.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Model bundle (.zip) path, readable by every TaskManager. Required"
                                    + " unless kafka.models.topic is set; with it, the model of the"
                                    + " keys no model record serves.");
    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("inference.batch-size")
                    .intType()
                    .defaultValue(256)
                    .withDescription("Windows (or steps) evaluated together per subtask.");
    public static final ConfigOption<Duration> BATCH_MAX_DELAY =
            ConfigOptions.key("inference.max-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(20))
                    .withDescription(
                            "Longest a ready window waits for its batch to fill (processing"
                                    + " time); batches are also flushed before every checkpoint"
                                    + " barrier.");
    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("lateness.allowed")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "A point is held until the watermark passes its time plus this;"
                                    + " points arriving after that are dead-lettered as late.");
    public static final ConfigOption<Release> RELEASE =
            ConfigOptions.key("ordering.release")
                    .enumType(Release.class)
                    .defaultValue(Release.WATERMARK)
                    .withDescription(
                            "watermark: hold each point until the watermark passes its time plus"
                                    + " lateness.allowed, then release the key's points in time"
                                    + " order; arrival: release a point as it arrives when it is"
                                    + " newer than the key's newest point, and dead-letter an"
                                    + " older one as late (for sensors whose points arrive in"
                                    + " order; not with series.interval).");
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Bounded out-of-orderness of the event-time watermarks.");
    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "A Kafka partition (or, fed directly, an input subtask) without"
                                    + " points for this long stops holding back the watermark"
                                    + " (0 disables).");
    public static final ConfigOption<Duration> WATERMARK_INTERVAL =
            ConfigOptions.key("watermark.interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "How often the sources emit watermarks (the job's"
                                    + " pipeline.auto-watermark-interval); unset: Flink's setting"
                                    + " (200 ms unless configured). A point waits for the next"
                                    + " watermark before it is released.");
    public static final ConfigOption<String> PROFILE =
            ConfigOptions.key("profile")
                    .stringType()
                    .defaultValue(Profile.DEFAULT.label())
                    .withDescription(
                            "default, or low-latency: defaults for the options below and Flink's"
                                    + " network buffer timeout chosen for latency (at-least-once"
                                    + " delivery, watermarks every 10 ms, buffer timeout 1 ms,"
                                    + " sink linger 0, inference.max-delay 5 ms, unaligned"
                                    + " checkpoints); options given"
                                    + " explicitly win. See docs/latency.md.");
    public static final ConfigOption<Duration> RESET_GAP =
            ConfigOptions.key("stateful.reset-gap")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "Stateful mode: a key whose next point comes more than this (event"
                                    + " time) after its previous one restarts from the zero"
                                    + " state (0 disables).");
    public static final ConfigOption<Duration> QUIET_TIMEOUT =
            ConfigOptions.key("state.quiet-timeout")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "A key's state and timers are removed once the watermark passes its"
                                    + " newest point by this much (event time).");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("checkpoint.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Checkpoint interval; exactly-once forecasts become visible when a"
                                    + " checkpoint completes.");

    public static final ConfigOption<Duration> SERIES_INTERVAL =
            ConfigOptions.key("series.interval")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Time grid: each key's points go to slots of this length (e.g. 1 h,"
                                    + " 1 d) and the model sees one value per slot; unset: count"
                                    + " windows of the points as they come.");
    public static final ConfigOption<String> SERIES_ORIGIN =
            ConfigOptions.key("series.origin")
                    .stringType()
                    .defaultValue("1970-01-01T00:00:00Z")
                    .withDescription(
                            "Time grid: a slot start (ISO-8601 or epoch ms, UTC); slots are"
                                    + " aligned to it.");
    public static final ConfigOption<Aggregate> SERIES_AGGREGATE =
            ConfigOptions.key("series.aggregate")
                    .enumType(Aggregate.class)
                    .defaultValue(Aggregate.MEAN)
                    .withDescription(
                            "Time grid: how several points in one slot are combined: mean, last,"
                                    + " first, max, min or sum.");
    public static final ConfigOption<GapFill> GAP_FILL =
            ConfigOptions.key("gap.fill")
                    .enumType(GapFill.class)
                    .defaultValue(GapFill.LINEAR)
                    .withDescription(
                            "Time grid: how missing slots between two slots with points are"
                                    + " filled: none (every gap restarts the key), hold (the"
                                    + " value before the gap) or linear.");
    public static final ConfigOption<Integer> GAP_MAX_FILL =
            ConfigOptions.key("gap.max-fill")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Time grid: the longest gap (in slots) that is filled; a longer gap"
                                    + " restarts the key (an empty window, the zero state).");

    public static final ConfigOption<Integer> HORIZON =
            ConfigOptions.key("forecast.horizon")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "H: values forecast past each window's newest point, by recursive"
                                    + " rollout (each prediction fed back as the next input); 1"
                                    + " forecasts `next` only.");
    public static final ConfigOption<String> INTERVAL_LEVELS =
            ConfigOptions.key("forecast.interval-levels")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Prediction-interval levels, e.g. 0.8,0.95 (each between 0 and 1);"
                                    + " unset: no intervals.");
    public static final ConfigOption<Integer> INTERVAL_WARMUP =
            ConfigOptions.key("forecast.interval-warmup")
                    .intType()
                    .defaultValue(50)
                    .withDescription(
                            "Scored errors a key needs at a horizon step before its own errors"
                                    + " set that step's intervals; before that they come from the"
                                    + " bundle's calibration errors, or there is none.");
    public static final ConfigOption<Double> INTERVAL_GAIN =
            ConfigOptions.key("forecast.interval-gain")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription(
                            "Step size of the online interval trackers, relative to the key's"
                                    + " running MAE.");
    public static final ConfigOption<Integer> ACCURACY_EVERY =
            ConfigOptions.key("accuracy.every")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "With kafka.accuracy.topic: a key's accuracy record is written after"
                                    + " every this many scored forecast steps.");

    /** The job's own options, in the order docs/job.md lists them. */
    public static final List<ConfigOption<?>> JOB_OPTIONS =
            List.of(
                    WINDOW_SIZE,
                    WINDOW_SLIDE,
                    MODE,
                    ENGINE,
                    MODEL_PATH,
                    BATCH_SIZE,
                    BATCH_MAX_DELAY,
                    ALLOWED_LATENESS,
                    RELEASE,
                    OUT_OF_ORDERNESS,
                    IDLENESS,
                    WATERMARK_INTERVAL,
                    PROFILE,
                    RESET_GAP,
                    QUIET_TIMEOUT,
                    CHECKPOINT_INTERVAL,
                    SERIES_INTERVAL,
                    SERIES_ORIGIN,
                    SERIES_AGGREGATE,
                    GAP_FILL,
                    GAP_MAX_FILL,
                    HORIZON,
                    INTERVAL_LEVELS,
                    INTERVAL_WARMUP,
                    INTERVAL_GAIN,
                    ACCURACY_EVERY);

    /** The Kafka options (owned by the connectors module) the job accepts too. */
    public static final List<ConfigOption<?>> KAFKA_OPTIONS =
            List.of(
                    KafkaOptions.BOOTSTRAP_SERVERS,
                    KafkaOptions.POINTS_TOPIC,
                    KafkaOptions.FORECASTS_TOPIC,
                    KafkaOptions.DEAD_LETTERS_TOPIC,
                    KafkaOptions.ACCURACY_TOPIC,
                    KafkaOptions.MODELS_TOPIC,
                    KafkaOptions.MODEL_EVENTS_TOPIC,
                    KafkaOptions.GROUP_ID,
                    KafkaOptions.START,
                    KafkaOptions.BOUNDED,
                    KafkaOptions.POINT_FORMAT,
                    KafkaOptions.FORECAST_FORMAT,
                    KafkaOptions.MAX_POINT_BYTES,
                    KafkaOptions.DELIVERY,
                    KafkaOptions.TRANSACTIONAL_ID_PREFIX,
                    KafkaOptions.TRANSACTION_TIMEOUT,
                    KafkaOptions.SINK_LINGER);

    /** Every option the job accepts. */
    public static final List<ConfigOption<?>> ALL = concat(JOB_OPTIONS, KAFKA_OPTIONS);

    /** What {@link ParameterTool} stores for a flag given without a value. */
    private static final String NO_VALUE = "__NO_VALUE_KEY";

    /** The values as given (trimmed), for logging and copying. */
    private final Map<String, String> explicit;

    /** The given values parsed once into their types; options not given read their default. */
    private final Configuration typed;

    private ForecastOptions(Map<String, String> explicit) {
        this.explicit = Map.copyOf(explicit);
        this.typed = new Configuration();
        for (ConfigOption<?> option : ALL) {
            String raw = explicit.get(option.key());
            if (raw != null) {
                parseInto(typed, option, raw);
            }
        }
    }

    /**
     * Reads {@code --key value} arguments, plus the file named by {@code --config} if given
     * (arguments win), and validates them.
     *
     * @throws IllegalArgumentException naming the bad key and value
     */
    public static ForecastOptions fromArgs(String... args) {
        ParameterTool cli = ParameterTool.fromArgs(args);
        Map<String, String> merged = new HashMap<>();
        if (cli.has(CONFIG_FILE_ARG)) {
            String file = cli.get(CONFIG_FILE_ARG);
            if (file == null || NO_VALUE.equals(file)) {
                throw new IllegalArgumentException("--config needs a file path");
            }
            if (!Files.isRegularFile(Path.of(file))) {
                throw new IllegalArgumentException("configuration file not found: " + file);
            }
            try {
                merged.putAll(ParameterTool.fromPropertiesFile(file).toMap());
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read configuration file " + file + ": " + e.getMessage(), e);
            }
        }
        merged.putAll(cli.toMap());
        merged.remove(CONFIG_FILE_ARG);
        return fromMap(merged);
    }

    /** Validates a key/value map (keys as in {@link #ALL}). */
    public static ForecastOptions fromMap(Map<String, String> raw) {
        Set<String> known = ALL.stream().map(ConfigOption::key).collect(Collectors.toSet());
        Set<String> unknown = new TreeSet<>(raw.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown option(s) " + unknown + "; known options: " + new TreeSet<>(known));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue().trim();
            if (v.isEmpty() || NO_VALUE.equals(v)) {
                throw new IllegalArgumentException("option " + e.getKey() + " needs a value");
            }
            values.put(e.getKey(), v);
        }
        Profile profile = Profile.parse(values.get(PROFILE.key()));
        for (Map.Entry<String, String> e : profile.defaults().entrySet()) {
            values.putIfAbsent(e.getKey(), e.getValue());
        }
        ForecastOptions o = new ForecastOptions(values);
        o.validate();
        return o;
    }

    /**
     * A named set of option defaults: options given explicitly win over the profile's. The
     * profile's Flink settings (the network buffer timeout, unaligned checkpoints) are applied by
     * {@link ForecastRunner} unless the Flink configuration sets them.
     */
    public enum Profile {
        /** The options' own defaults. */
        DEFAULT("default", Map.of(), null, false),
        /**
         * Forecasts as soon as the watermark allows: at-least-once delivery (exactly-once forecasts
         * wait for a checkpoint), watermarks every 10 ms, the sinks' producers send at once,
         * batches wait at most 5 ms, network buffers are flushed after 1 ms, and checkpoints are
         * unaligned.
         */
        LOW_LATENCY(
                "low-latency",
                Map.of(
                        KafkaOptions.DELIVERY.key(),
                        DeliveryGuarantee.AT_LEAST_ONCE.toString(),
                        "watermark.interval",
                        "10 ms",
                        KafkaOptions.SINK_LINGER.key(),
                        "0 ms",
                        "inference.max-delay",
                        "5 ms"),
                Duration.ofMillis(1),
                true);

        private final String label;
        private final Map<String, String> defaults;
        private final Duration bufferTimeout;
        private final boolean unalignedCheckpoints;

        Profile(
                String label,
                Map<String, String> defaults,
                Duration bufferTimeout,
                boolean unalignedCheckpoints) {
            this.label = label;
            this.defaults = defaults;
            this.bufferTimeout = bufferTimeout;
            this.unalignedCheckpoints = unalignedCheckpoints;
        }

        /**
         * Whether this profile enables unaligned checkpoints unless Flink's configuration sets
         * {@code execution.checkpointing.unaligned.enabled}: an aligned barrier blocks the input
         * channel it came in on until it has come in on every channel, which holds back the
         * watermark (the minimum over the channels), so every point waits as long as the alignment
         * takes; under back-pressure that is the time to drain the buffers in flight.
         */
        public boolean unalignedCheckpoints() {
            return unalignedCheckpoints;
        }

        public String label() {
            return label;
        }

        /** The option values this profile sets unless they are given (keys as in {@link #ALL}). */
        public Map<String, String> defaults() {
            return new TreeMap<>(defaults);
        }

        /**
         * The network buffer timeout this profile sets unless Flink's configuration has one; null:
         * the job's own default ({@link ForecastRunner#DEFAULT_BUFFER_TIMEOUT}).
         */
        public Duration bufferTimeout() {
            return bufferTimeout;
        }

        /**
         * The profile named {@code text} (null: the default).
         *
         * @throws IllegalArgumentException naming the option and the value
         */
        public static Profile parse(String text) {
            if (text == null) {
                return DEFAULT;
            }
            for (Profile p : values()) {
                if (p.label.equalsIgnoreCase(text.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException(
                    "option "
                            + PROFILE.key()
                            + " has an invalid value '"
                            + text
                            + "': expected default or low-latency");
        }
    }

    /** The profile whose defaults these options started from. */
    public Profile profile() {
        return Profile.parse(get(PROFILE));
    }

    /** The sources' watermark interval, or null for Flink's setting. */
    public Duration watermarkInterval() {
        return typed.getOptional(WATERMARK_INTERVAL).orElse(null);
    }

    private void validate() {
        Duration watermarkInterval = watermarkInterval();
        if (watermarkInterval != null
                && (watermarkInterval.isNegative() || watermarkInterval.isZero())) {
            throw new IllegalArgumentException(
                    "option "
                            + WATERMARK_INTERVAL.key()
                            + " must be positive, got '"
                            + explicit.get(WATERMARK_INTERVAL.key())
                            + "'");
        }
        requireNotBlank(KafkaOptions.BOOTSTRAP_SERVERS);
        requireNotBlank(KafkaOptions.GROUP_ID);
        requireNotBlank(KafkaOptions.POINTS_TOPIC);
        requireNotBlank(KafkaOptions.FORECASTS_TOPIC);
        requireNotBlank(KafkaOptions.DEAD_LETTERS_TOPIC);
        // Delivery guarantee, transaction timeout and transactional-id prefix: the same check
        // the sink factory runs.
        KafkaOptions.checkSink(typed);
        Duration txTimeout = get(KafkaOptions.TRANSACTION_TIMEOUT);
        if (deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE
                && txTimeout.compareTo(checkpointInterval()) <= 0) {
            throw new IllegalArgumentException(
                    "option "
                            + KafkaOptions.TRANSACTION_TIMEOUT.key()
                            + " ("
                            + txTimeout
                            + ") must exceed "
                            + CHECKPOINT_INTERVAL.key()
                            + " ("
                            + checkpointInterval()
                            + ")");
        }
        requireAtLeast(WINDOW_SIZE, 1);
        requireAtLeast(WINDOW_SLIDE, 1);
        requireAtLeast(BATCH_SIZE, 1);
        if (!Engines.names().contains(engine())) {
            throw new IllegalArgumentException(
                    "option "
                            + ENGINE.key()
                            + " must be one of "
                            + Engines.names()
                            + " (engines on this classpath), got '"
                            + engine()
                            + "'");
        }
        String modelsTopic = get(KafkaOptions.MODELS_TOPIC);
        if (modelsTopic != null && modelsTopic.isBlank()) {
            throw new IllegalArgumentException(
                    "option " + KafkaOptions.MODELS_TOPIC.key() + " must not be blank");
        }
        if (!explicit.containsKey(MODEL_PATH.key()) && modelsTopic == null) {
            throw new IllegalArgumentException(
                    "option "
                            + MODEL_PATH.key()
                            + " is required (a model bundle .zip) unless "
                            + KafkaOptions.MODELS_TOPIC.key()
                            + " is set");
        }
        if (modelsTopic != null) {
            requireNotBlank(KafkaOptions.MODEL_EVENTS_TOPIC);
            requireDistinctTopics(
                    List.of(
                            KafkaOptions.MODELS_TOPIC,
                            KafkaOptions.MODEL_EVENTS_TOPIC,
                            KafkaOptions.POINTS_TOPIC,
                            KafkaOptions.FORECASTS_TOPIC,
                            KafkaOptions.DEAD_LETTERS_TOPIC,
                            KafkaOptions.ACCURACY_TOPIC));
        }
        requireNonNegative(BATCH_MAX_DELAY);
        requireNonNegative(ALLOWED_LATENESS);
        requireNonNegative(OUT_OF_ORDERNESS);
        requireNonNegative(IDLENESS);
        if (get(RELEASE) == Release.ARRIVAL && timeGrid() != null) {
            throw new IllegalArgumentException(
                    "option "
                            + RELEASE.key()
                            + " (arrival) does not work with "
                            + SERIES_INTERVAL.key()
                            + " ("
                            + get(SERIES_INTERVAL)
                            + "): a time grid's slots are closed by the watermark; use "
                            + RELEASE.key()
                            + ": watermark");
        }
        requireNonNegative(RESET_GAP);
        requirePositive(QUIET_TIMEOUT);
        requirePositive(CHECKPOINT_INTERVAL);
        if (quietTimeout().compareTo(allowedLateness()) <= 0) {
            throw new IllegalArgumentException(
                    "option "
                            + QUIET_TIMEOUT.key()
                            + " ("
                            + quietTimeout()
                            + ") must exceed "
                            + ALLOWED_LATENESS.key()
                            + " ("
                            + allowedLateness()
                            + "): a key's state must outlive its held points");
        }
        if (!resetGap().isZero() && resetGap().compareTo(quietTimeout()) > 0) {
            throw new IllegalArgumentException(
                    "option "
                            + RESET_GAP.key()
                            + " ("
                            + resetGap()
                            + ") must not exceed "
                            + QUIET_TIMEOUT.key()
                            + " ("
                            + quietTimeout()
                            + "): a quiet key's state is removed before it could be reset");
        }
        validateGrid();
        validateForecast();
    }

    private void validateForecast() {
        requireAtLeast(HORIZON, 1);
        requireAtLeast(INTERVAL_WARMUP, 0);
        requireAtLeast(ACCURACY_EVERY, 1);
        double gain = get(INTERVAL_GAIN);
        if (!(gain > 0) || Double.isInfinite(gain)) {
            throw new IllegalArgumentException(
                    "option "
                            + INTERVAL_GAIN.key()
                            + " must be a positive number, got "
                            + explicit.get(INTERVAL_GAIN.key()));
        }
        try {
            for (double level : intervalLevels()) {
                if (!(level > 0 && level < 1)) {
                    throw new IllegalArgumentException("level " + level);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "option "
                            + INTERVAL_LEVELS.key()
                            + " must list levels between 0 and 1 (e.g. 0.8,0.95), got '"
                            + explicit.get(INTERVAL_LEVELS.key())
                            + "'",
                    e);
        }
        String accuracyTopic = get(KafkaOptions.ACCURACY_TOPIC);
        if (accuracyTopic != null && accuracyTopic.isBlank()) {
            throw new IllegalArgumentException(
                    "option " + KafkaOptions.ACCURACY_TOPIC.key() + " must not be blank");
        }
    }

    /** The interval levels, sorted; empty when none are asked for. */
    public double[] intervalLevels() {
        return parseLevels(get(INTERVAL_LEVELS));
    }

    /**
     * Levels listed with commas or semicolons ("0.8,0.95"), sorted and without repeats; empty for
     * null or blank.
     *
     * @throws IllegalArgumentException naming a part that is not a number
     */
    public static double[] parseLevels(String text) {
        if (text == null || text.isBlank()) {
            return new double[0];
        }
        return java.util.Arrays.stream(text.split("[,;]"))
                .map(String::trim)
                .mapToDouble(
                        part -> {
                            try {
                                return Double.parseDouble(part);
                            } catch (NumberFormatException e) {
                                throw new IllegalArgumentException(
                                        "'" + part + "' is not a number");
                            }
                        })
                .sorted()
                .distinct()
                .toArray();
    }

    /** The accuracy topic, or null when accuracy records are not written. */
    public String accuracyTopic() {
        return get(KafkaOptions.ACCURACY_TOPIC);
    }

    private void validateGrid() {
        if (!explicit.containsKey(SERIES_INTERVAL.key())) {
            for (ConfigOption<?> o :
                    List.of(SERIES_ORIGIN, SERIES_AGGREGATE, GAP_FILL, GAP_MAX_FILL)) {
                if (explicit.containsKey(o.key())) {
                    throw new IllegalArgumentException(
                            "option "
                                    + o.key()
                                    + " ("
                                    + explicit.get(o.key())
                                    + ") needs "
                                    + SERIES_INTERVAL.key()
                                    + ": without a time grid it has no effect");
                }
            }
            return;
        }
        Duration interval = get(SERIES_INTERVAL);
        if (interval.isNegative() || interval.isZero() || interval.toMillis() < 1) {
            throw new IllegalArgumentException(
                    "option "
                            + SERIES_INTERVAL.key()
                            + " must be at least 1 ms, got "
                            + explicit.get(SERIES_INTERVAL.key()));
        }
        requireAtLeast(GAP_MAX_FILL, 0);
        String origin = get(SERIES_ORIGIN);
        try {
            WireFormat.parseTime(origin);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "option "
                            + SERIES_ORIGIN.key()
                            + " has an invalid value '"
                            + origin
                            + "': "
                            + e.getMessage(),
                    e);
        }
        if (interval.plus(allowedLateness()).compareTo(quietTimeout()) >= 0) {
            throw new IllegalArgumentException(
                    "option "
                            + SERIES_INTERVAL.key()
                            + " ("
                            + explicit.get(SERIES_INTERVAL.key())
                            + ") plus "
                            + ALLOWED_LATENESS.key()
                            + " ("
                            + allowedLateness()
                            + ") must be shorter than "
                            + QUIET_TIMEOUT.key()
                            + " ("
                            + quietTimeout()
                            + "): a key's state must outlive its open slot");
        }
        if (explicit.containsKey(RESET_GAP.key()) && !resetGap().isZero()) {
            throw new IllegalArgumentException(
                    "option "
                            + RESET_GAP.key()
                            + " ("
                            + explicit.get(RESET_GAP.key())
                            + ") cannot be combined with "
                            + SERIES_INTERVAL.key()
                            + ": on a time grid, gaps longer than "
                            + GAP_MAX_FILL.key()
                            + " slots restart the key");
        }
    }

    /** The time grid, or null when {@code series.interval} is not set. */
    public TimeGrid timeGrid() {
        if (!explicit.containsKey(SERIES_INTERVAL.key())) {
            return null;
        }
        return TimeGrid.of(
                get(SERIES_INTERVAL),
                WireFormat.parseTime(get(SERIES_ORIGIN)),
                get(SERIES_AGGREGATE),
                get(GAP_FILL),
                get(GAP_MAX_FILL));
    }

    /** Parses {@code raw} as {@code option}'s type into {@code target}. */
    private static <T> void parseInto(Configuration target, ConfigOption<T> option, String raw) {
        Configuration one = new Configuration();
        // DeliveryGuarantee parses its labels (at-least-once); the docs and --help name the
        // constants (AT_LEAST_ONCE): accept both
        one.setString(option.key(), option == KafkaOptions.DELIVERY ? raw.replace('_', '-') : raw);
        T value;
        try {
            value = one.get(option);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "option "
                            + option.key()
                            + " has an invalid value '"
                            + raw
                            + "': "
                            + e.getMessage(),
                    e);
        }
        target.set(option, value);
    }

    /** The value of {@code option}, or its default. */
    public <T> T get(ConfigOption<T> option) {
        return typed.get(option);
    }

    /** An option's default as a user would type it ("(required)" when it has none). */
    public static String defaultText(ConfigOption<?> option) {
        if (option == SERIES_INTERVAL) {
            return "(off)";
        }
        if (option == WATERMARK_INTERVAL) {
            return "(Flink's)";
        }
        if (!option.hasDefaultValue()) {
            return "(required)";
        }
        Object d = option.defaultValue();
        if (d instanceof Duration duration) {
            return TimeUtils.formatWithHighestUnit(duration);
        }
        return d instanceof Enum<?> e ? e.name() : String.valueOf(d);
    }

    /** An option's description as plain text. */
    public static String describe(ConfigOption<?> option) {
        return new HtmlFormatter()
                .format(option.description())
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    /** The explicitly set values (for logging and copying). */
    public Map<String, String> explicitValues() {
        return explicit;
    }

    /** All values (explicit ones and defaults) as a Flink configuration, e.g. for the sinks. */
    public Configuration toConfiguration() {
        return new Configuration(typed);
    }

    public String bootstrapServers() {
        return get(KafkaOptions.BOOTSTRAP_SERVERS);
    }

    public String pointsTopic() {
        return get(KafkaOptions.POINTS_TOPIC);
    }

    public String forecastsTopic() {
        return get(KafkaOptions.FORECASTS_TOPIC);
    }

    public String deadLettersTopic() {
        return get(KafkaOptions.DEAD_LETTERS_TOPIC);
    }

    public int windowSize() {
        return get(WINDOW_SIZE);
    }

    public int windowSlide() {
        return get(WINDOW_SLIDE);
    }

    public Mode mode() {
        return get(MODE);
    }

    public String engine() {
        return get(ENGINE).toLowerCase(Locale.ROOT);
    }

    /** The {@code model.path} bundle, or null when only the models topic gives models. */
    public Path modelPath() {
        return explicit.containsKey(MODEL_PATH.key()) ? Path.of(get(MODEL_PATH)) : null;
    }

    /** The models topic, or null when {@code model.path} alone serves every key. */
    public String modelsTopic() {
        return get(KafkaOptions.MODELS_TOPIC);
    }

    public int batchSize() {
        return get(BATCH_SIZE);
    }

    public Duration batchMaxDelay() {
        return get(BATCH_MAX_DELAY);
    }

    public Duration allowedLateness() {
        return get(ALLOWED_LATENESS);
    }

    public Duration outOfOrderness() {
        return get(OUT_OF_ORDERNESS);
    }

    public Duration idleness() {
        return get(IDLENESS);
    }

    public Duration resetGap() {
        return get(RESET_GAP);
    }

    public Duration quietTimeout() {
        return get(QUIET_TIMEOUT);
    }

    public Duration checkpointInterval() {
        return get(CHECKPOINT_INTERVAL);
    }

    public DeliveryGuarantee deliveryGuarantee() {
        return get(KafkaOptions.DELIVERY);
    }

    /** The settings of the ordering and windowing operator. */
    public WindowSettings windowSettings() {
        return new WindowSettings(
                mode(),
                slidingCount(),
                allowedLateness(),
                resetGap(),
                quietTimeout(),
                pointsTopic(),
                timeGrid(),
                get(RELEASE));
    }

    /** The settings of the inference operator. */
    public InferenceSettings inferenceSettings() {
        return new InferenceSettings(
                mode(),
                slidingCount(),
                engine(),
                modelPath() == null ? null : modelPath().toString(),
                batchSize(),
                batchMaxDelay(),
                new ForecastSettings(
                        get(HORIZON),
                        intervalLevels(),
                        get(INTERVAL_WARMUP),
                        get(INTERVAL_GAIN),
                        accuracyTopic() != null,
                        get(ACCURACY_EVERY),
                        timeGrid() == null ? 0 : timeGrid().intervalMs()),
                modelsTopic() != null);
    }

    private SlidingCount slidingCount() {
        return new SlidingCount(windowSize(), windowSlide());
    }

    private static List<ConfigOption<?>> concat(List<ConfigOption<?>> a, List<ConfigOption<?>> b) {
        List<ConfigOption<?>> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * The models and model-events topics must be topics of their own: the job would read its points
     * (or write its events) as model records otherwise. Compares the first two options with every
     * other one that is set.
     */
    private void requireDistinctTopics(List<ConfigOption<String>> topics) {
        for (int i = 0; i < 2; i++) {
            for (int j = i + 1; j < topics.size(); j++) {
                String a = get(topics.get(i));
                String b = get(topics.get(j));
                if (a != null && a.equals(b)) {
                    throw new IllegalArgumentException(
                            "options "
                                    + topics.get(i).key()
                                    + " and "
                                    + topics.get(j).key()
                                    + " name the same topic '"
                                    + a
                                    + "'");
                }
            }
        }
    }

    private void requireNotBlank(ConfigOption<String> option) {
        if (get(option).isBlank()) {
            throw new IllegalArgumentException("option " + option.key() + " must not be blank");
        }
    }

    private void requireAtLeast(ConfigOption<Integer> option, int min) {
        int v = get(option);
        if (v < min) {
            throw new IllegalArgumentException(
                    "option " + option.key() + " must be at least " + min + ", got " + v);
        }
    }

    private void requireNonNegative(ConfigOption<Duration> option) {
        if (get(option).isNegative()) {
            throw new IllegalArgumentException(
                    "option " + option.key() + " must not be negative, got " + get(option));
        }
    }

    private void requirePositive(ConfigOption<Duration> option) {
        Duration d = get(option);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(
                    "option " + option.key() + " must be positive, got " + d);
        }
    }

    @Override
    public String toString() {
        return ALL.stream()
                .map(o -> o.key() + "=" + get(o))
                .collect(Collectors.joining(", ", "ForecastOptions{", "}"));
    }
}
