package io.forecaster.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Where the time goes in this process while the job runs on the in-process MiniCluster: CPU time
 * per group of threads (Flink source tasks, window/inference tasks, Kafka broker, the benchmark's
 * own producer and reader, ...), and a sampling of the running Flink task threads' stacks, each
 * sample put in the first matching category (inference, parsing, state, Kafka client, ...).
 */
final class StackSampler implements AutoCloseable {

    /** Categories by priority: a stack counts for the first whose frames it contains. */
    private static final List<Map.Entry<String, Predicate<String>>> CATEGORIES =
            List.of(
                    Map.entry(
                            "inference",
                            c ->
                                    c.startsWith("io.forecaster.model.")
                                            || c.startsWith("org.nd4j.")
                                            || c.startsWith("org.deeplearning4j.")
                                            || c.startsWith("org.bytedeco.")
                                            || c.startsWith("jdk.incubator.vector.")),
                    Map.entry(
                            "parsing points",
                            c ->
                                    c.startsWith("io.forecaster.connectors.wire.Point")
                                            || c.startsWith(
                                                    "io.forecaster.connectors.flink.PointDeserialization")),
                    Map.entry(
                            "writing forecasts (JSON)",
                            c ->
                                    c.startsWith("io.forecaster.connectors.wire.Forecast")
                                            || c.startsWith(
                                                    "io.forecaster.connectors.flink.ForecastSerialization")),
                    Map.entry(
                            "state and timers",
                            c ->
                                    c.startsWith("org.rocksdb.")
                                            || c.startsWith("org.apache.flink.state.")
                                            || c.startsWith("org.apache.flink.runtime.state.")
                                            || c.startsWith(
                                                    "org.apache.flink.streaming.api.operators.InternalTimer")
                                            || c.startsWith(
                                                    "org.apache.flink.streaming.api.operators.HeapInternalTimer")),
                    Map.entry("Kafka client", c -> c.startsWith("org.apache.kafka.")),
                    Map.entry(
                            "Flink serialization and network",
                            c ->
                                    c.startsWith("org.apache.flink.api.common.typeutils.")
                                            || c.startsWith("org.apache.flink.api.java.typeutils.")
                                            || c.startsWith("org.apache.flink.runtime.io.network.")
                                            || c.startsWith("org.apache.flink.runtime.plugable.")
                                            || c.startsWith("org.apache.flink.core.memory.")),
                    Map.entry(
                            "checkpointing",
                            c ->
                                    c.startsWith("org.apache.flink.runtime.checkpoint.")
                                            || c.contains("SubtaskCheckpointCoordinator")),
                    Map.entry(
                            "job operators (ordering, windows, batching)",
                            c -> c.startsWith("io.forecaster.job.")));

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> cpuStart = new HashMap<>();
    private final Map<Long, String> groupOf = new HashMap<>();
    private final Map<String, Long> categories = new TreeMap<>();
    private final Thread sampler;
    private long samples;
    private long runnable;
    private volatile boolean stop;
    private final long t0 = System.nanoTime();
    private final long gcStartMs = gcMillis();
    private final long processCpuStart = processCpuNanos();
    private final long jitStartMs = jitMillis();
    private final long[] machineStart = machineTicks();

    /** Time the JIT compilers spent compiling so far (wall time of the compiler threads), or -1. */
    static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime()
                : -1;
    }

    /**
     * CPU time of this whole JVM (every thread, including GC, JIT and threads that ended), or -1.
     */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }

    /** {busy, total} jiffies of all CPUs from /proc/stat, or null where there is none. */
    static long[] machineTicks() {
        try {
            String cpu =
                    java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
            return busyAndTotal(cpu);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Parses /proc/stat's "cpu" line: busy = total - idle - iowait. */
    static long[] busyAndTotal(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu") || f.length < 5) {
            throw new IllegalArgumentException("not a /proc/stat cpu line: " + cpuLine);
        }
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) { // user .. steal; guest is inside user
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {total - idle, total};
    }

    private static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    StackSampler(long intervalMs) {
        for (ThreadInfo ti : mx.dumpAllThreads(false, false)) {
            cpuStart.put(ti.getThreadId(), Math.max(0, mx.getThreadCpuTime(ti.getThreadId())));
            groupOf.put(ti.getThreadId(), group(ti.getThreadName()));
        }
        sampler =
                new Thread(
                        () -> {
                            while (!stop) {
                                sample();
                                PointProducer.sleepQuietly(intervalMs);
                            }
                        },
                        "e2e-bench-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The group a thread belongs to, by its name. */
    static String group(String name) {
        if (name.startsWith("e2e-bench") || name.contains("e2e-bench")) {
            return "benchmark load generator and reader";
        }
        if (name.startsWith("Source Data Fetcher")) {
            return "Flink Kafka source fetchers";
        }
        if (isTaskThread(name) && name.startsWith("Source:")) {
            return "Flink tasks: source + parsing";
        }
        if (isTaskThread(name)) {
            return "Flink tasks: ordering, windows, inference, sink";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return "Flink Kafka sink producers";
        }
        if (name.contains("data-plane")
                || name.contains("kafka-request-handler")
                || name.contains("RequestHandler")
                || name.startsWith("kafka-")
                || name.contains("raft")
                || name.contains("broker")
                || name.contains("controller")
                || name.contains("Log")
                || name.contains("ExpirationReaper")) {
            return "Kafka broker";
        }
        if (name.startsWith("flink-")
                || name.contains("pekko")
                || name.contains("Flink")
                || name.contains("Checkpoint")
                || name.contains("AsyncOperations")) {
            return "Flink runtime (RPC, checkpoints, metrics)";
        }
        return "other (GC threads are not counted)";
    }

    private void sample() {
        for (ThreadInfo ti : mx.dumpAllThreads(false, false)) {
            if (!isTaskThread(ti.getThreadName())) {
                continue;
            }
            synchronized (this) {
                samples++;
                if (ti.getThreadState() != Thread.State.RUNNABLE || idleLeaf(ti)) {
                    categories.merge("waiting (idle or back-pressured)", 1L, Long::sum);
                    continue;
                }
                runnable++;
                categories.merge(category(ti.getStackTrace()), 1L, Long::sum);
            }
        }
    }

    /** Flink names a task's thread "{task name} ({subtask}/{parallelism})#{attempt}". */
    private static final java.util.regex.Pattern TASK_THREAD =
            java.util.regex.Pattern.compile("^(Source: |order-and-window).* \\(\\d+/\\d+\\)#\\d+$");

    static boolean isTaskThread(String name) {
        return TASK_THREAD.matcher(name).matches();
    }

    private static boolean idleLeaf(ThreadInfo ti) {
        StackTraceElement[] st = ti.getStackTrace();
        if (st.length == 0) {
            return true;
        }
        String c = st[0].getClassName();
        return c.startsWith("sun.nio.ch.EPoll") || c.equals("jdk.internal.misc.Unsafe");
    }

    static String category(StackTraceElement[] stack) {
        for (Map.Entry<String, Predicate<String>> cat : CATEGORIES) {
            for (StackTraceElement f : stack) {
                if (cat.getValue().test(f.getClassName())) {
                    return cat.getKey();
                }
            }
        }
        return "Flink runtime, other";
    }

    /** Stops sampling and returns a readable profile. */
    Profile finish() {
        stop = true;
        try {
            sampler.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> cpu = new TreeMap<>();
        for (ThreadInfo ti : mx.dumpAllThreads(false, false)) {
            long id = ti.getThreadId();
            long now = mx.getThreadCpuTime(id);
            if (now < 0) {
                continue;
            }
            String g = groupOf.computeIfAbsent(id, x -> group(ti.getThreadName()));
            cpu.merge(g, (now - cpuStart.getOrDefault(id, 0L)) / 1e9, Double::sum);
        }
        Map<String, Double> cats = new LinkedHashMap<>();
        synchronized (this) {
            categories.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(
                            e -> cats.put(e.getKey(), 100.0 * e.getValue() / Math.max(1, samples)));
        }
        long processNow = processCpuNanos();
        double process =
                processNow < 0 || processCpuStart < 0
                        ? Double.NaN
                        : (processNow - processCpuStart) / 1e9;
        long[] machineNow = machineTicks();
        double machineBusy =
                machineNow == null || machineStart == null || machineNow[1] == machineStart[1]
                        ? Double.NaN
                        : 100.0
                                * (machineNow[0] - machineStart[0])
                                / (machineNow[1] - machineStart[1]);
        long jitNow = jitMillis();
        double jit = jitNow < 0 || jitStartMs < 0 ? Double.NaN : (jitNow - jitStartMs) / 1e3;
        return new Profile(
                wall,
                cpu,
                cats,
                samples,
                runnable,
                (gcMillis() - gcStartMs) / 1e3,
                process,
                machineBusy,
                jit);
    }

    @Override
    public void close() {
        stop = true;
    }

    /**
     * A profile.
     *
     * @param seconds wall time sampled
     * @param cpuSecondsByGroup CPU seconds per thread group over that time
     * @param taskSamplePercent share of Flink task-thread samples per category
     * @param samples task-thread samples taken
     * @param runnable of which running
     * @param gcSeconds time the JVM's collectors reported over the interval
     * @param processCpuSeconds CPU time of the whole JVM over the interval (NaN if unknown)
     * @param machineBusyPercent share of all the machine's CPU time not idle, every process (NaN if
     *     unknown)
     * @param jitSeconds time the JIT compilers spent compiling over the interval (NaN if unknown)
     */
    record Profile(
            double seconds,
            Map<String, Double> cpuSecondsByGroup,
            Map<String, Double> taskSamplePercent,
            long samples,
            long runnable,
            double gcSeconds,
            double processCpuSeconds,
            double machineBusyPercent,
            double jitSeconds) {

        /** One line: top categories, e.g. {@code inference 41%; state and timers 12%; ...}. */
        String summary() {
            StringBuilder sb = new StringBuilder();
            if (!Double.isNaN(machineBusyPercent)) {
                sb.append("machine CPU busy ").append(Math.round(machineBusyPercent)).append('%');
            }
            if (!Double.isNaN(jitSeconds)) {
                sb.append(sb.length() == 0 ? "" : "; ")
                        .append("JIT ")
                        .append(String.format(java.util.Locale.ROOT, "%.1f", jitSeconds))
                        .append(" s");
            }
            taskSamplePercent.forEach(
                    (k, v) -> {
                        if (v >= 1) {
                            sb.append(sb.length() == 0 ? "" : "; ")
                                    .append(k)
                                    .append(' ')
                                    .append(Math.round(v))
                                    .append('%');
                        }
                    });
            return sb.toString();
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            sb.append(
                    String.format(
                            "  CPU seconds per thread group over %.1f s wall (2 cores = %.1f s):%n",
                            seconds, 2 * seconds));
            cpuSecondsByGroup.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(
                            e ->
                                    sb.append(
                                            String.format(
                                                    "    %-50s %7.1f s  %5.1f%% of 2 cores%n",
                                                    e.getKey(),
                                                    e.getValue(),
                                                    100 * e.getValue() / (2 * seconds))));
            double listed = cpuSecondsByGroup.values().stream().mapToDouble(d -> d).sum();
            if (!Double.isNaN(processCpuSeconds)) {
                sb.append(
                        String.format(
                                "    %-50s %7.1f s  %5.1f%% of 2 cores%n",
                                "not in a live thread above (GC, JIT, ended threads)",
                                Math.max(0, processCpuSeconds - listed),
                                100 * Math.max(0, processCpuSeconds - listed) / (2 * seconds)));
                sb.append(
                        String.format(
                                "  this JVM in all: %.1f s CPU = %.1f%% of 2 cores%n",
                                processCpuSeconds, 100 * processCpuSeconds / (2 * seconds)));
            }
            if (!Double.isNaN(machineBusyPercent)) {
                sb.append(
                        String.format(
                                "  machine CPU busy (every process, /proc/stat): %.1f%%%n",
                                machineBusyPercent));
            }
            sb.append(
                    String.format(
                            "  garbage collection: %.1f s (collector time, JVM-wide)%n",
                            gcSeconds));
            if (!Double.isNaN(jitSeconds)) {
                sb.append(
                        String.format(
                                "  JIT compilation: %.1f s (compiler threads, JVM-wide;"
                                        + " still high = still warming up)%n",
                                jitSeconds));
            }
            sb.append(
                    String.format(
                            "  Flink task threads, %d stack samples (%d running):%n",
                            samples, runnable));
            taskSamplePercent.forEach(
                    (k, v) -> sb.append(String.format("    %-50s %5.1f%%%n", k, v)));
            return sb.toString();
        }
    }
}
