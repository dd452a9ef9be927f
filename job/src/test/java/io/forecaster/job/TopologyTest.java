package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The Kafka job's graph: every operator has a fixed uid, so savepoints survive refactoring. */
class TopologyTest {

    @Test
    void everyOperatorOfTheKafkaJobHasAUid() {
        ForecastOptions options =
                ForecastOptions.fromMap(Map.of("model.path", "unused.zip", "mode", "stateful"));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        ForecastRunner.build(env, options);
        StreamGraph graph = env.getStreamGraph();

        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotBlank();
        }
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getTransformationUID)
                .contains(
                        ForecastRunner.SOURCE,
                        ForecastJob.SPLIT,
                        ForecastJob.ORDER_AND_WINDOW,
                        ForecastJob.FORECAST)
                .anySatisfy(uid -> assertThat(uid).startsWith(ForecastRunner.FORECASTS_SINK))
                .anySatisfy(uid -> assertThat(uid).startsWith(ForecastRunner.DEAD_LETTERS_SINK));
        assertThat(graph.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getTransformationUID)
                .doesNotHaveDuplicates();
    }

    /** The job built on an environment with the job's configuration plus {@code extra}. */
    private static StreamExecutionEnvironment built(
            ForecastOptions options, java.util.function.Consumer<Configuration> extra) {
        Configuration conf = ForecastRunner.jobConfiguration();
        extra.accept(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ForecastRunner.build(env, options);
        return env;
    }

    @Test
    void recordsPassBetweenChainedOperatorsWithoutACopyUnlessConfigured() {
        ForecastOptions options = ForecastOptions.fromMap(Map.of("model.path", "unused.zip"));
        assertThat(built(options, conf -> {}).getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(
                        built(options, conf -> conf.set(PipelineOptions.OBJECT_REUSE, false))
                                .getConfig()
                                .isObjectReuseEnabled())
                .isFalse();
    }

    @Test
    void networkBufferTimeoutIsShortUnlessConfigured() {
        ForecastOptions options = ForecastOptions.fromMap(Map.of("model.path", "unused.zip"));
        StreamExecutionEnvironment plain = built(options, conf -> {});
        assertThat(plain.getStreamGraph().getStreamNodes())
                .allSatisfy(
                        n ->
                                assertThat(n.getBufferTimeout())
                                        .as(n.getOperatorName())
                                        .isEqualTo(
                                                ForecastRunner.DEFAULT_BUFFER_TIMEOUT.toMillis()));

        StreamExecutionEnvironment configured =
                built(
                        options,
                        conf -> conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(70)));
        StreamGraph configuredGraph = configured.getStreamGraph();
        assertThat(configuredGraph.getStreamNodes())
                .allSatisfy(n -> assertThat(n.getBufferTimeout()).isEqualTo(70L));
        assertThat(configured.getConfig().getAutoWatermarkInterval()).isEqualTo(200L);
        // the default profile leaves checkpoints aligned
        assertThat(configuredGraph.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isFalse();
    }

    @Test
    void theLowLatencyProfileShortensBufferTimeoutAndWatermarkIntervalUnlessConfigured() {
        ForecastOptions options =
                ForecastOptions.fromMap(
                        Map.of("model.path", "unused.zip", "profile", "low-latency"));
        StreamExecutionEnvironment plain =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        ForecastRunner.jobConfiguration());
        ForecastRunner.build(plain, options);
        assertThat(plain.getConfig().getAutoWatermarkInterval()).isEqualTo(10L);
        StreamGraph plainGraph = plain.getStreamGraph();
        assertThat(plainGraph.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isTrue();
        assertThat(plainGraph.getStreamNodes())
                .allSatisfy(
                        n ->
                                assertThat(n.getBufferTimeout())
                                        .as(n.getOperatorName())
                                        .isEqualTo(options.profile().bufferTimeout().toMillis()));
        assertThat(options.profile().bufferTimeout())
                .isLessThan(ForecastRunner.DEFAULT_BUFFER_TIMEOUT);

        // Flink's own setting of the buffer timeout wins over the profile; an explicit
        // watermark.interval over the profile's
        Configuration conf = ForecastRunner.jobConfiguration();
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(70));
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, false);
        StreamExecutionEnvironment configured =
                StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ForecastRunner.build(
                configured,
                ForecastOptions.fromMap(
                        Map.of(
                                "model.path",
                                "unused.zip",
                                "profile",
                                "low-latency",
                                "watermark.interval",
                                "30 ms")));
        StreamGraph configuredGraph = configured.getStreamGraph();
        assertThat(configuredGraph.getStreamNodes())
                .allSatisfy(n -> assertThat(n.getBufferTimeout()).isEqualTo(70L));
        assertThat(configured.getConfig().getAutoWatermarkInterval()).isEqualTo(30L);
        assertThat(configuredGraph.getCheckpointConfig().isUnalignedCheckpointsEnabled()).isFalse();
    }
}
