package io.forecaster.job;

import io.forecaster.connectors.ModelRecord;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.flink.KafkaConnectors;
import io.forecaster.model.ModelBundle;
import java.io.IOException;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the forecasting job against Kafka: points topic in, forecasts and dead-letter topics out,
 * exactly once by default. {@link #main} is the entry point for {@code flink run}.
 */
public final class ForecastRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastRunner.class);

    /** Name and uid of the Kafka points source. */
    public static final String SOURCE = "sensor-points-source";

    /** Name and uid of the forecasts sink. */
    public static final String FORECASTS_SINK = "forecasts-sink";

    /** Name and uid of the dead-letters sink. */
    public static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    /** Default job name. */
    public static final String JOB_NAME = "forecaster";

    private ForecastRunner() {}

    /**
     * Network buffer timeout unless {@code execution.buffer-timeout.interval} is configured:
     * Flink's 100 ms default holds a half-full buffer between the source and the windowing vertex
     * for up to 100 ms, which at moderate rates is most of a forecast's latency
     * (docs/benchmarks.md, "End to end"). 10 ms costs no measurable throughput here: at high rates
     * buffers fill before it expires.
     */
    public static final java.time.Duration DEFAULT_BUFFER_TIMEOUT = java.time.Duration.ofMillis(10);

    /**
     * The network buffer timeout the job runs with: {@code execution.buffer-timeout.interval} when
     * the Flink configuration sets it, else the profile's ({@link
     * ForecastOptions.Profile#bufferTimeout}), else {@link #DEFAULT_BUFFER_TIMEOUT}.
     */
    static java.time.Duration bufferTimeout(
            org.apache.flink.configuration.ReadableConfig flink, ForecastOptions options) {
        java.time.Duration profile = options.profile().bufferTimeout();
        return flink.getOptional(ExecutionOptions.BUFFER_TIMEOUT)
                .orElse(profile != null ? profile : DEFAULT_BUFFER_TIMEOUT);
    }

    /** {@code flink run ... --model.path m.zip [--config job.yaml] [--key value ...]}. */
    public static void main(String[] args) throws Exception {
        ForecastOptions options = ForecastOptions.fromArgs(args);
        run(StreamExecutionEnvironment.getExecutionEnvironment(jobConfiguration()), options);
    }

    /** Flink settings every run of this job needs (no Kryo fallback). */
    public static Configuration jobConfiguration() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return conf;
    }

    /** Checks the model, builds the job on {@code env} and runs it until it ends or fails. */
    public static JobExecutionResult run(StreamExecutionEnvironment env, ForecastOptions options)
            throws Exception {
        checkModel(options);
        build(env, options);
        LOG.info("starting job {} with {}", JOB_NAME, options);
        return env.execute(JOB_NAME);
    }

    /**
     * Fails at start, naming the file, when the model bundle cannot be read (the TaskManagers load
     * it again in {@code open}).
     */
    public static ModelBundle checkModel(ForecastOptions options) {
        if (options.modelPath() == null) {
            return null; // models come from the models topic alone
        }
        try {
            return ModelBundle.load(options.modelPath());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "option " + ForecastOptions.MODEL_PATH.key() + ": " + e.getMessage(), e);
        }
    }

    /** Adds checkpointing, the Kafka source, the topology and both Kafka sinks to {@code env}. */
    public static void build(StreamExecutionEnvironment env, ForecastOptions options) {
        build(env, options, UnaryOperator.identity());
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, ForecastOptions)}, with {@code afterSource}
     * applied to the parsed records before the topology (tests inject failures there).
     */
    static void build(
            StreamExecutionEnvironment env,
            ForecastOptions options,
            UnaryOperator<DataStream<ParsedPoint>> afterSource) {
        env.enableCheckpointing(
                options.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setBufferTimeout(bufferTimeout(env.getConfiguration(), options).toMillis());
        if (options.profile().unalignedCheckpoints()
                && env.getConfiguration()
                        .getOptional(
                                org.apache.flink.configuration.CheckpointingOptions
                                        .ENABLE_UNALIGNED)
                        .isEmpty()) {
            env.getCheckpointConfig().enableUnalignedCheckpoints();
        }
        if (env.getConfiguration().getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
            // Safe: every operator of the job emits a new record and never changes one it has
            // emitted or received, so records pass between chained operators without a copy.
            env.getConfig().enableObjectReuse();
        }
        if (options.watermarkInterval() != null) {
            env.getConfig().setAutoWatermarkInterval(options.watermarkInterval().toMillis());
        }
        Configuration kafka = options.toConfiguration();
        // Watermarks per Kafka partition, at the source: a partition that lags behind the
        // others (or is idle) is accounted for before its points are mixed with theirs.
        DataStream<ParsedPoint> parsed =
                env.fromSource(
                                KafkaConnectors.pointSource(kafka),
                                ForecastJob.watermarks(options, ForecastRunner::eventTime),
                                SOURCE)
                        .uid(SOURCE);
        DataStream<ModelRecord> models = null;
        if (options.modelsTopic() != null) {
            // No watermarks: the models input never holds back event time (the operator ignores
            // it).
            models =
                    env.fromSource(
                                    KafkaConnectors.modelSource(kafka),
                                    WatermarkStrategy.noWatermarks(),
                                    ForecastJob.MODELS_SOURCE)
                            .uid(ForecastJob.MODELS_SOURCE)
                            .setParallelism(1);
        }
        ForecastJob.Outputs out = ForecastJob.topology(afterSource.apply(parsed), models, options);
        if (models != null) {
            out.modelEvents()
                    .sinkTo(KafkaConnectors.modelEventSink(kafka))
                    .name(MODEL_EVENTS_SINK)
                    .uid(MODEL_EVENTS_SINK);
        }
        out.forecasts()
                .sinkTo(KafkaConnectors.forecastSink(kafka))
                .name(FORECASTS_SINK)
                .uid(FORECASTS_SINK);
        out.deadLetters()
                .sinkTo(KafkaConnectors.deadLetterSink(kafka))
                .name(DEAD_LETTERS_SINK)
                .uid(DEAD_LETTERS_SINK);
        if (options.accuracyTopic() != null) {
            out.accuracy()
                    .sinkTo(KafkaConnectors.accuracySink(kafka))
                    .name(ACCURACY_SINK)
                    .uid(ACCURACY_SINK);
        }
    }

    /** Name and uid of the model-events sink (only with {@code kafka.models.topic}). */
    public static final String MODEL_EVENTS_SINK = "model-events-sink";

    /** Name and uid of the accuracy sink (only with {@code kafka.accuracy.topic}). */
    public static final String ACCURACY_SINK = "accuracy-sink";

    /** A parsed record's event time; unreadable records never move the watermark. */
    static long eventTime(ParsedPoint p, long kafkaTimestamp) {
        return p.isPoint() ? p.point().eventTime() : Long.MIN_VALUE;
    }
}
