package io.forecaster.bench;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.ForecastFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one forecast record costs the job's sink to write ({@link ForecastCodec#encode}) and a
 * reader to read ({@link ForecastCodec#read}) in each value format ({@code
 * kafka.forecasts.format}): 1,024 different forecasts of the stateful sunspots job's shape (60
 * float32 predictions of the model, 10,000 sensors, no horizon or grid), one record per invocation.
 * Reports records/s per thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC"})
@State(Scope.Thread)
public class ForecastCodecBenchmark {

    private static final int RECORDS = 1024;

    @Param({"JSON", "CBOR"})
    public ForecastFormat format;

    private Forecast[] forecasts;
    private byte[][] values;
    private int next;

    @Setup
    public void encode() {
        forecasts = new Forecast[RECORDS];
        values = new byte[RECORDS][];
        float[] series = BenchModels.series(11, RECORDS + 60);
        long start = 1_700_000_000_000L;
        for (int i = 0; i < RECORDS; i++) {
            double[] predictions = new double[60];
            for (int j = 0; j < 60; j++) {
                // a model's output: float32 values with all their digits
                predictions[j] = (float) (series[i + j] * 1.0123f + 0.37f);
            }
            forecasts[i] =
                    new Forecast(
                            String.format("sensor-%05d", (i * 7919) % 10_000),
                            start + 1000L * i,
                            start + 1000L * (i + 59),
                            60,
                            predictions,
                            predictions[59],
                            "sunspots-3f2a9c",
                            "stateful",
                            start + 1000L * (i + 60));
            values[i] = ForecastCodec.encode(forecasts[i], format);
        }
    }

    @Benchmark
    public byte[] write() {
        return ForecastCodec.encode(forecasts[next++ & (RECORDS - 1)], format);
    }

    @Benchmark
    public Forecast read() {
        return ForecastCodec.read(values[next++ & (RECORDS - 1)]);
    }
}
