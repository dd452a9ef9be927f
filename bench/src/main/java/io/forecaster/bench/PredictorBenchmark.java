package io.forecaster.bench;

import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Windows per second of a {@link Predictor}: each invocation predicts {@code batch} windows of
 * {@code window} steps. Each benchmark thread owns its predictor (as each Flink subtask does), so
 * {@code -t 2} measures two instances on two threads. The "windows" counter is windows/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-modules",
            "jdk.incubator.vector",
            "-Xss4m",
            "-XX:+UseParallelGC",
            "-Xmn1g",
            "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"
        })
@State(Scope.Thread)
public class PredictorBenchmark {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Param({"fast", "onnx", "dl4j"})
    public String engine;

    @Param({"30", "60"})
    public int window;

    @Param({"1", "16", "128", "1024"})
    public int batch;

    private Predictor predictor;
    private float[] windows;
    private float[] out;

    /** Counts windows, so JMH reports windows/s beside calls/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Windows {
        public long windows;

        /**
         * CPU time this thread got, in ns per wall-clock second (1e9 when it had a core to itself):
         * the share of a core the machine's other load left it. Windows per CPU-second is {@code
         * windows / (cpuNanos / 1e9)}.
         */
        public long cpuNanos;
    }

    @Setup(Level.Trial)
    public void open() {
        predictor = Engines.open(engine, BenchModels.bundle(engine));
        float[] s = BenchModels.series(Thread.currentThread().getId(), batch + window);
        windows = new float[batch * window];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(s, b, windows, b * window, window);
        }
        out = new float[batch * window];
    }

    @TearDown(Level.Trial)
    public void close() {
        predictor.close();
    }

    @Benchmark
    public float[] predict(Windows counter) {
        long cpu = CPU.getCurrentThreadCpuTime();
        predictor.predict(windows, batch, window, out);
        counter.cpuNanos += CPU.getCurrentThreadCpuTime() - cpu;
        counter.windows += batch;
        return out;
    }
}
