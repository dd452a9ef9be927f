package io.forecaster.bench;

import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
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
 * Stateful key-steps per second of a {@link Stepper}: each invocation advances {@code batch} keys'
 * states by one new point each. Each thread owns its stepper and its keys. The "keySteps" counter
 * is key-steps/s.
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
public class StepperBenchmark {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private static final int SERIES = 4096;

    @Param({"fast", "onnx", "dl4j"})
    public String engine;

    @Param({"1", "16", "256", "1024"})
    public int batch;

    private Stepper stepper;
    private StepState[] states;
    private float[][] series; // [key][SERIES]
    private float[] points;
    private float[] out;
    private int t;

    /** Counts key-steps, so JMH reports key-steps/s beside calls/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class KeySteps {
        public long keySteps;

        /**
         * CPU time this thread got, in ns per wall-clock second (1e9 when it had a core to itself):
         * the share of a core the machine's other load left it. Key-steps per CPU-second is {@code
         * keySteps / (cpuNanos / 1e9)}.
         */
        public long cpuNanos;
    }

    @Setup(Level.Trial)
    public void open() {
        stepper = Engines.openStepper(engine, BenchModels.bundle(engine));
        states = new StepState[batch];
        series = new float[batch][];
        for (int k = 0; k < batch; k++) {
            states[k] = stepper.newState();
            series[k] = BenchModels.series(k * 7919L + Thread.currentThread().getId(), SERIES);
        }
        points = new float[batch];
        out = new float[batch];
    }

    @TearDown(Level.Trial)
    public void close() {
        stepper.close();
    }

    @Benchmark
    public float[] step(KeySteps counter) {
        int at = t++ & (SERIES - 1);
        for (int k = 0; k < batch; k++) {
            points[k] = series[k][at];
        }
        long cpu = CPU.getCurrentThreadCpuTime();
        stepper.step(states, points, batch, out);
        counter.cpuNanos += CPU.getCurrentThreadCpuTime() - cpu;
        counter.keySteps += batch;
        return out;
    }
}
