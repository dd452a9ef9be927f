package io.forecaster.job;

import io.forecaster.connectors.SensorPoint;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * A micro benchmark of the ordering and windowing step alone ({@link OrderedSlidingWindow}, or
 * {@link GridSlidingWindow} on a time grid, in Flink's keyed operator test harness, on the HashMap
 * or the RocksDB state backend): the time per point, for hot keys (a few keys, points 1 ms apart,
 * shuffled within 4 s blocks, 5 s out-of-orderness, so each key holds about 5,000 pending points)
 * or for many keys in order. Watermarks follow the bounded out-of-orderness rule every 200 points,
 * as a source would.
 *
 * <p>Not a test: run it with the job module's test class path, e.g.
 *
 * <pre>
 * java -cp job/target/test-classes:job/target/classes:$(cat cp.txt) \
 *     io.forecaster.job.OrderingCostBench hot rocksdb window 10 20
 * </pre>
 *
 * Arguments: scenario ({@code hot} or {@code spread}), backend ({@code hashmap}, {@code rocksdb} or
 * {@code rocksdb-heap-timers}: RocksDB with the timers on the heap), mode ({@code window} or {@code
 * stateful}), slide, seconds to measure (after as long a warm-up, on a fresh harness), and
 * optionally a grid interval ({@code series.interval}, e.g. {@code 1s}: the grid's ordering step).
 * Prints one line: points measured, seconds, ns per point, points/s, the measuring thread's CPU
 * seconds and CPU-ns per point (steadier than wall time on a shared machine), outputs and dead
 * letters.
 */
public final class OrderingCostBench {

    private OrderingCostBench() {}

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        String backend = args[1];
        String mode = args[2];
        int slide = Integer.parseInt(args[3]);
        double seconds = Double.parseDouble(args[4]);
        String grid = args.length > 5 ? args[5] : null;
        boolean hot = scenario.equals("hot");
        int keys = hot ? 4 : 10_000;
        long spacing = hot ? 1 : 1000;
        int block = hot ? 4000 : 1;
        long outOfOrderness = hot ? 5000 : 0;
        Map<String, String> o = new HashMap<>();
        o.put("model.path", "unused.zip");
        o.put("mode", mode);
        o.put("window.size", "60");
        o.put("window.slide", Integer.toString(slide));
        o.put("watermark.out-of-orderness", outOfOrderness + " ms");
        if (grid != null) {
            o.put("series.interval", grid);
            o.put("gap.fill", "none");
        }
        ForecastOptions options = ForecastOptions.fromMap(o);

        run(options, backend, keys, spacing, block, outOfOrderness, seconds, false);
        Result r = run(options, backend, keys, spacing, block, outOfOrderness, seconds, true);
        System.out.printf(
                Locale.ROOT,
                "scenario=%s backend=%s mode=%s slide=%d grid=%s keys=%d: %,d points in %.1f s,"
                        + " %,.0f ns/point, %,.0f points/s; thread CPU %.1f s, %,.0f CPU-ns/point;"
                        + " %,d outputs, %,d dead letters%n",
                scenario,
                backend,
                mode,
                slide,
                grid == null ? "none" : grid,
                keys,
                r.points,
                r.seconds,
                r.seconds * 1e9 / r.points,
                r.points / r.seconds,
                r.cpuSeconds,
                r.cpuSeconds * 1e9 / r.points,
                r.outputs,
                r.deadLetters);
    }

    /** Points, wall seconds, this thread's CPU seconds, outputs, dead letters. */
    private record Result(
            long points, double seconds, double cpuSeconds, long outputs, long deadLetters) {}

    private static Result run(
            ForecastOptions options,
            String backend,
            int keys,
            long spacing,
            int block,
            long outOfOrderness,
            double seconds,
            boolean measured)
            throws Exception {
        StateBackend sb;
        if (backend.startsWith("rocksdb")) {
            EmbeddedRocksDBStateBackend rocksdb = new EmbeddedRocksDBStateBackend();
            if (backend.equals("rocksdb-heap-timers")) {
                // state.backend.rocksdb.timer-service.factory: HEAP
                rocksdb.setPriorityQueueStateType(
                        EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
            }
            sb = rocksdb;
        } else {
            sb = new HashMapStateBackend();
        }
        String[] sensors = new String[keys];
        for (int k = 0; k < keys; k++) {
            sensors[k] = String.format(Locale.ROOT, "s%06d", k);
        }
        Random random = new Random(42);
        int[] order = new int[keys * block];
        long points = 0;
        long outputs = 0;
        long deadLetters = 0;
        long maxSeen = Long.MIN_VALUE;
        long start = 1_767_225_600_000L;
        try (var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        OrderedSlidingWindowOperator.of(options.windowSettings()),
                        SensorPoint::sensorId,
                        Types.STRING)) {
            ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig())
                    .setGenericTypes(false);
            h.setStateBackend(sb);
            h.open();
            java.lang.management.ThreadMXBean threads =
                    java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            outer:
            for (long first = 0; ; first += block) {
                for (int j = 0; j < order.length; j++) {
                    order[j] = j;
                }
                for (int j = order.length - 1; j > 0; j--) {
                    int r = random.nextInt(j + 1);
                    int x = order[j];
                    order[j] = order[r];
                    order[r] = x;
                }
                for (int j = 0; j < order.length; j++) {
                    int k = order[j] % keys;
                    long i = first + order[j] / keys;
                    long t = start + i * spacing;
                    h.processElement(new SensorPoint(sensors[k], t, 100 + (i % 97)), t);
                    maxSeen = Math.max(maxSeen, t);
                    points++;
                    if (points % 200 == 0) {
                        h.processWatermark(maxSeen - outOfOrderness - 1);
                        outputs += h.getOutput().size();
                        h.getOutput().clear();
                        var side = h.getSideOutput(OrderedSlidingWindow.DEAD_LETTERS);
                        if (side != null) {
                            deadLetters += side.size();
                            side.clear();
                        }
                        if (System.nanoTime() >= end) {
                            break outer;
                        }
                    }
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            return new Result(points, s, cpu, outputs, deadLetters);
        }
    }
}
