package io.forecaster.job;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A micro benchmark of the stateful inference operator alone ({@link BatchedInferenceOperator} in
 * Flink's keyed operator test harness, HashMap state): steps for many keys, in order, one point per
 * key in turn, so each batch holds {@code inference.batch-size} different keys as in the job.
 * Prints the measuring thread's CPU-ns per step. Run it with the {@code identity} engine beside the
 * model's to split the operator's own per-step work (state lookup, the key's prediction ring,
 * scoring, the forecast record) from the model's.
 *
 * <p>Not a test: run it with the job module's test class path, e.g.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector \
 *     -cp job/target/test-classes:job/target/classes:$(cat cp.txt) \
 *     io.forecaster.job.InferenceCostBench models/sunspots.zip fast 10000 10 20
 * </pre>
 *
 * Arguments: model bundle, engine ({@code fast}, {@code identity}, ...), keys, window slide,
 * seconds to measure (after as long a warm-up on a fresh harness), and optionally rounds (default
 * 1: the median of several is printed last).
 */
public final class InferenceCostBench {

    private InferenceCostBench() {}

    public static void main(String[] args) throws Exception {
        String model = args[0];
        String engine = args[1];
        int keys = Integer.parseInt(args[2]);
        int slide = Integer.parseInt(args[3]);
        double seconds = Double.parseDouble(args[4]);
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        Map<String, String> o = new HashMap<>();
        o.put("model.path", model);
        o.put("engine", engine);
        o.put("mode", "stateful");
        o.put("window.size", "60");
        o.put("window.slide", Integer.toString(slide));
        ForecastOptions options = ForecastOptions.fromMap(o);
        run(options, keys, seconds);
        double[] cpuNs = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double[] res = run(options, keys, seconds);
            cpuNs[r] = res[1] * 1e9 / res[0];
            System.out.printf(
                    Locale.ROOT,
                    "engine=%s keys=%d slide=%d round %d: %,.0f steps in %.1f s, %,.0f CPU-ns/step,"
                            + " %,.0f forecasts%n",
                    engine,
                    keys,
                    slide,
                    r + 1,
                    res[0],
                    res[2],
                    cpuNs[r],
                    res[3]);
        }
        java.util.Arrays.sort(cpuNs);
        System.out.printf(
                Locale.ROOT,
                "engine=%s keys=%d slide=%d: median %,.0f CPU-ns/step (%,.0f-%,.0f) over %d"
                        + " rounds%n",
                engine,
                keys,
                slide,
                cpuNs[rounds / 2],
                cpuNs[0],
                cpuNs[rounds - 1],
                rounds);
    }

    /** Steps, CPU seconds of this thread, wall seconds, forecasts. */
    private static double[] run(ForecastOptions options, int keys, double seconds)
            throws Exception {
        String[] sensors = new String[keys];
        for (int k = 0; k < keys; k++) {
            sensors[k] = String.format(Locale.ROOT, "s%06d", k);
        }
        long start = 1_767_225_600_000L;
        long steps = 0;
        long forecasts = 0;
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new BatchedInferenceOperator(options.inferenceSettings()),
                        (ModelInput in) -> in.sensorId,
                        Types.STRING)) {
            ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig())
                    .setGenericTypes(false);
            h.setStateBackend(new HashMapStateBackend());
            h.open();
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            for (long i = 0; ; i++) {
                long t = start + i * 1000;
                double value = 100 + (i % 97);
                for (int k = 0; k < keys; k++) {
                    h.processElement(ModelInput.step(sensors[k], t, value + k % 13, i == 0), t);
                }
                steps += keys;
                forecasts += h.getOutput().size();
                h.getOutput().clear();
                if (System.nanoTime() >= end) {
                    break;
                }
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            return new double[] {steps, cpu, wall, forecasts};
        }
    }
}
