package io.forecaster.cli.bench;

import io.forecaster.job.ForecastOptions;
import io.forecaster.job.ForecastRunner;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The job on a Flink MiniCluster in this process (2 slots, parallelism 2, web UI/REST on). */
final class MiniClusterTarget implements JobTarget {

    private static final Logger LOG = LoggerFactory.getLogger(MiniClusterTarget.class);

    private final Path checkpoints;
    private final Duration watermarkInterval;
    private final int parallelism;
    private StreamExecutionEnvironment env;
    private JobClient job;
    private FlinkRest rest;

    private final java.util.Map<String, String> flinkConf;
    private final boolean sql;

    MiniClusterTarget(
            Path checkpoints,
            Duration watermarkInterval,
            int parallelism,
            java.util.Map<String, String> flinkConf,
            boolean sql) {
        this.flinkConf = flinkConf;
        this.sql = sql;
        this.checkpoints = checkpoints;
        this.watermarkInterval = watermarkInterval;
        this.parallelism = parallelism;
    }

    @Override
    public String start(String name, ForecastOptions options, String backend) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Configuration conf = ForecastRunner.jobConfiguration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, port);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, watermarkInterval);
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpoints.resolve(name).toUri().toString());
        conf.addAll(Configuration.fromMap(flinkConf));
        env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(parallelism);
        ForecastRunner.checkModel(options);
        if (sql) {
            job = SqlForecasts.start(env, options, "e2e-bench " + name);
        } else {
            ForecastRunner.build(env, options);
            job = env.executeAsync("e2e-bench " + name);
        }
        rest = new FlinkRest("http://127.0.0.1:" + port);
        LOG.info("job {} ({}) on a MiniCluster, REST {}", job.getJobID(), name, rest.base());
        return job.getJobID().toString();
    }

    @Override
    public FlinkRest rest() {
        return rest;
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public void close() throws Exception {
        try {
            if (job != null) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("cancelling the benchmark job: {}", e.toString());
        } finally {
            if (env != null) {
                env.close();
            }
        }
    }
}
