package io.forecaster.cli.bench;

import io.forecaster.job.ForecastOptions;

/** Where the benchmark runs the job: a MiniCluster in this process or a standalone cluster. */
interface JobTarget extends AutoCloseable {

    /** Starts the job with these options and state backend; returns its id. */
    String start(String name, ForecastOptions options, String backend) throws Exception;

    /** The Flink REST API of the cluster running the job. */
    FlinkRest rest();

    /** True when the job's threads live in this process (so they can be sampled). */
    boolean inProcess();

    /** Cancels the job and releases the cluster. */
    @Override
    void close() throws Exception;
}
