package io.forecaster.bench;

import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StatefulRollout;
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
 * The cost of forecasting H steps ahead. {@code stateful}: {@link StatefulRollout} over {@code
 * batch} keys' states (a scratch copy of each, then H-1 steps on its own predictions); the
 * "keySteps" counter is rollout key-steps/s (batch × (H-1) per call), to set beside {@link
 * StepperBenchmark}'s key-steps/s. {@code window}: {@link Predictor#forecast} over {@code batch}
 * windows of 60 points; the "windows" counter is windows/s, to set beside horizon 1.
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
public class RolloutBenchmark {

    private static final int WINDOW = 60;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Param({"fast", "onnx"})
    public String engine;

    @Param({"1", "256"})
    public int batch;

    @Param({"1", "10"})
    public int horizon;

    private Stepper stepper;
    private StatefulRollout rollout;
    private StepState[] states;
    private float[] first;
    private Predictor predictor;
    private float[] windows;
    private float[] out;
    private float[] ahead;

    /** Counts rollout key-steps and windows, so JMH reports them per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public long keySteps;
        public long windows;

        /**
         * CPU time this thread got, in ns per wall-clock second: rates per CPU-second are {@code
         * keySteps} or {@code windows} divided by {@code cpuNanos / 1e9}.
         */
        public long cpuNanos;
    }

    @Setup(Level.Trial)
    public void open() {
        stepper = Engines.openStepper(engine, BenchModels.bundle(engine));
        rollout = new StatefulRollout(stepper, batch);
        states = new StepState[batch];
        first = new float[batch];
        float[] points = new float[batch];
        float[] series0 = BenchModels.series(17, WINDOW * batch);
        for (int k = 0; k < batch; k++) {
            states[k] = stepper.newState();
        }
        // a realistic state: each key stepped through 60 points
        for (int t = 0; t < WINDOW; t++) {
            for (int k = 0; k < batch; k++) {
                points[k] = series0[k * WINDOW + t];
            }
            stepper.step(states, points, batch, first);
        }
        predictor = Engines.open(engine, BenchModels.bundle(engine));
        windows = series0;
        out = new float[batch * WINDOW];
        ahead = new float[batch * horizon];
    }

    @TearDown(Level.Trial)
    public void close() {
        stepper.close();
        predictor.close();
    }

    @Benchmark
    public float[] stateful(Work work) {
        long cpu = CPU.getCurrentThreadCpuTime();
        rollout.rollout(states, first, batch, horizon, ahead);
        work.cpuNanos += CPU.getCurrentThreadCpuTime() - cpu;
        work.keySteps += (long) batch * (horizon - 1);
        return ahead;
    }

    @Benchmark
    public float[] window(Work work) {
        long cpu = CPU.getCurrentThreadCpuTime();
        predictor.forecast(windows, batch, WINDOW, horizon, out, ahead);
        work.cpuNanos += CPU.getCurrentThreadCpuTime() - cpu;
        work.windows += batch;
        return ahead;
    }
}
