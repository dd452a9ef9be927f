package io.forecaster.bench;

import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import java.util.Random;
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
 * What reading one point record costs the job's source in each value format: {@link
 * PointParser#parse} on the key and value bytes of 4,096 different points (10,000 sensors, times a
 * second apart, values with a few decimals), one record per invocation. Reports records/s per
 * thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-XX:+UseParallelGC"})
@State(Scope.Thread)
public class PointParseBenchmark {

    private static final int RECORDS = 4096;

    @Param({"JSON", "CSV", "BINARY"})
    public PointFormat format;

    private PointParser parser;
    private byte[][] keys;
    private byte[][] values;
    private int next;

    @Setup
    public void encode() {
        parser = new PointParser(format);
        keys = new byte[RECORDS][];
        values = new byte[RECORDS][];
        Random random = new Random(7);
        long start = 1_700_000_000_000L;
        for (int i = 0; i < RECORDS; i++) {
            SensorPoint p =
                    new SensorPoint(
                            String.format("sensor-%05d", random.nextInt(10_000)),
                            start + 1000L * i,
                            Math.round(random.nextGaussian() * 1e4) / 1e2);
            keys[i] = PointCodec.key(p);
            values[i] = PointCodec.value(p, format);
        }
    }

    @Benchmark
    public ParsedPoint parse() {
        int i = next++ & (RECORDS - 1);
        return parser.parse("sensor-points", 0, i, keys[i], values[i]);
    }
}
