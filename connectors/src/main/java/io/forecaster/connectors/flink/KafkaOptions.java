package io.forecaster.connectors.flink;

import io.forecaster.connectors.wire.ForecastFormat;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.WireFormat;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The Kafka options of the job, read by {@link KafkaConnectors}. Set them in a Flink {@code
 * Configuration} (e.g. {@code Configuration.fromMap(ParameterTool.fromArgs(args).toMap())}). {@link
 * #checkSink} is the one check of the sink options, run by the job's options at start and by the
 * sink factory.
 */
public final class KafkaOptions {

    /** Longest transaction timeout accepted: the broker's default transaction.max.timeout.ms. */
    public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap.servers")
                    .stringType()
                    .defaultValue("127.0.0.1:9092")
                    .withDescription("Kafka bootstrap servers, host:port[,host:port...].");

    public static final ConfigOption<String> POINTS_TOPIC =
            ConfigOptions.key("kafka.points.topic")
                    .stringType()
                    .defaultValue("sensor-points")
                    .withDescription("Topic of the sensor points (key = sensor id).");

    public static final ConfigOption<String> FORECASTS_TOPIC =
            ConfigOptions.key("kafka.forecasts.topic")
                    .stringType()
                    .defaultValue("forecasts")
                    .withDescription("Topic the forecasts are written to (key = sensor id).");

    public static final ConfigOption<String> ACCURACY_TOPIC =
            ConfigOptions.key("kafka.accuracy.topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Topic of the per-sensor live accuracy records (key = sensor id); none"
                                    + " are written when unset.");

    public static final ConfigOption<String> DEAD_LETTERS_TOPIC =
            ConfigOptions.key("kafka.dead-letters.topic")
                    .stringType()
                    .defaultValue("dead-letters")
                    .withDescription("Topic of the records that could not be used.");

    public static final ConfigOption<String> MODELS_TOPIC =
            ConfigOptions.key("kafka.models.topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Compacted topic of model records (key = model name): versions"
                                    + " served by key route, swapped while the job runs; unset:"
                                    + " model.path alone serves every key.");

    public static final ConfigOption<String> MODEL_EVENTS_TOPIC =
            ConfigOptions.key("kafka.model-events.topic")
                    .stringType()
                    .defaultValue("model-events")
                    .withDescription(
                            "With kafka.models.topic: topic of the model events (versions"
                                    + " served, refused with a reason, retired; key = model"
                                    + " name).");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group.id")
                    .stringType()
                    .defaultValue("forecaster")
                    .withDescription(
                            "Consumer group of the points source (offsets are also "
                                    + "committed on checkpoints, for monitoring).");

    public static final ConfigOption<String> START =
            ConfigOptions.key("kafka.points.start")
                    .stringType()
                    .defaultValue("earliest")
                    .withDescription(
                            "Where a fresh start (no checkpoint) reads the points topic: earliest,"
                                + " latest, committed (the group's offsets, else earliest), or a"
                                + " time (ISO-8601 or epoch ms: the first record at or after it).");

    public static final ConfigOption<Boolean> BOUNDED =
            ConfigOptions.key("kafka.points.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Stop at the offsets that are latest when the job starts "
                                    + "(for tests and batch replays) instead of reading forever.");

    public static final ConfigOption<PointFormat> POINT_FORMAT =
            ConfigOptions.key("kafka.points.format")
                    .enumType(PointFormat.class)
                    .defaultValue(PointFormat.JSON)
                    .withDescription(
                            "Value format of the points: JSON, CSV (sensor,time,value) or BINARY"
                                    + " (17 bytes: version, epoch ms, double; the key is the sensor"
                                    + " id).");

    public static final ConfigOption<ForecastFormat> FORECAST_FORMAT =
            ConfigOptions.key("kafka.forecasts.format")
                    .enumType(ForecastFormat.class)
                    .defaultValue(ForecastFormat.JSON)
                    .withDescription(
                            "Value format of the forecasts: JSON, or CBOR (the same fields in"
                                    + " self-described CBOR, predictions as 4-byte floats: cheaper"
                                    + " to write and to read).");

    public static final ConfigOption<Integer> MAX_POINT_BYTES =
            ConfigOptions.key("kafka.points.max-bytes")
                    .intType()
                    .defaultValue(WireFormat.DEFAULT_MAX_VALUE_BYTES)
                    .withDescription(
                            "Point values longer than this become 'too-large' dead letters.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY =
            ConfigOptions.key("kafka.sink.delivery")
                    .enumType(DeliveryGuarantee.class)
                    .defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
                    .withDescription(
                            "EXACTLY_ONCE (Kafka transactions committed on checkpoints; "
                                    + "needs checkpointing) or AT_LEAST_ONCE, for the forecast and "
                                    + "dead-letter sinks.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("kafka.sink.transactional-id-prefix")
                    .stringType()
                    .defaultValue("forecaster")
                    .withDescription(
                            "Prefix of the sinks' transactional ids: unique per job on the Kafka"
                                    + " cluster and kept the same across restarts of one job.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("kafka.sink.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "transaction.timeout.ms of the sinks: longer than the "
                                    + "checkpoint interval plus a restart, at most the broker's "
                                    + "transaction.max.timeout.ms (15 min by default).");

    /**
     * linger.ms of the sinks' producers. The default is the Kafka client's own (5 ms since Kafka
     * 4.0): records wait up to that long for more to share their batch; 0 sends at once.
     */
    public static final ConfigOption<Duration> SINK_LINGER =
            ConfigOptions.key("kafka.sink.linger")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "linger.ms of the sinks' producers: how long a record may wait for"
                                    + " others to share its request (0: sent at once, more and"
                                    + " smaller requests).");

    private KafkaOptions() {}

    /**
     * Checks the sink options: a delivery guarantee other than NONE, a transaction timeout in (0,
     * {@link #MAX_TRANSACTION_TIMEOUT}] and a non-blank transactional-id prefix.
     *
     * @throws IllegalArgumentException naming the option and its value
     */
    public static void checkSink(ReadableConfig conf) {
        DeliveryGuarantee guarantee = conf.get(DELIVERY);
        if (guarantee == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException(
                    "option "
                            + DELIVERY.key()
                            + " must be EXACTLY_ONCE or AT_LEAST_ONCE, got "
                            + guarantee.name());
        }
        Duration linger = conf.get(SINK_LINGER);
        if (linger.isNegative()) {
            throw new IllegalArgumentException(
                    "option " + SINK_LINGER.key() + " must not be negative, got " + linger);
        }
        Duration timeout = conf.get(TRANSACTION_TIMEOUT);
        if (timeout.isNegative()
                || timeout.isZero()
                || timeout.compareTo(MAX_TRANSACTION_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "option "
                            + TRANSACTION_TIMEOUT.key()
                            + " must be in (0, 15 min] (the"
                            + " broker's default transaction.max.timeout.ms), got "
                            + timeout);
        }
        String prefix = conf.get(TRANSACTIONAL_ID_PREFIX);
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException(
                    "option "
                            + TRANSACTIONAL_ID_PREFIX.key()
                            + " must not be blank, got \""
                            + prefix
                            + "\"");
        }
    }
}
