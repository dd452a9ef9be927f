package io.forecaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.deploy.ReliabilityFixtures.OutputReader;
import io.forecaster.deploy.ReliabilityFixtures.Received;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.testing.KafkaExtension;
import io.forecaster.training.data.SeriesCsv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines that load native libraries (onnx: ONNX Runtime; dl4j: ND4J and OpenBLAS through
 * JavaCPP) on a real standalone cluster started with {@code cluster.sh start --onnx --dl4j}: the
 * engines and their natives on the cluster's class path, loaded parent-first, and not in the job
 * jar. For each engine the same job serving the sunspots model ({@code models/sunspots-onnx.zip}
 * for onnx, {@code models/sunspots.zip} for dl4j) is submitted, run to its expected forecasts and
 * cancelled {@code cluster.runs} (default 5) times on the one TaskManager both engines share. Each
 * run's forecasts equal the offline predictor's of the same engine; the TaskManager maps the
 * engine's native library from one file (a library loaded again by a job's classloader would be
 * extracted to, and mapped from, another file, or refused with "already loaded in another
 * classloader"); no log has an {@code UnsatisfiedLinkError}; no cancelled job's classloader is
 * alive after its run; and the TaskManager's heap after a full GC, metaspace and resident set (read
 * after a full GC and a trim of the native heap) grow from the engine's base run (the second; the
 * third for dl4j) to the last by less than the bounds below. The cluster runs with two glibc malloc
 * arenas ({@code cluster.sh} with {@code --dl4j}). The figures go to {@code
 * target/engine-cluster/resubmissions-ENGINE.csv}.
 */
class EngineClusterITCase {

    private static final Logger LOG = LoggerFactory.getLogger(EngineClusterITCase.class);

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Path ROOT = StandaloneCluster.ROOT;
    private static final Path SUNSPOTS =
            ROOT.getParent().resolve("shared/data/sunspots/Sunspots.csv");

    /**
     * An engine under test: the bundle its job serves, the native library it loads (null: none),
     * the {@code cluster.sh start} option that puts it on the cluster's class path, and the run
     * whose figures the growth is measured from (the runs before load what stays: the engine's
     * library, arenas, JIT code; ND4J's first two runs grow the resident set by ~150 MB each).
     */
    record Engine(String name, Path model, String library, String startOption, int baseRun) {

        static Engine of(String name) {
            return switch (name) {
                case Engines.ONNX ->
                        new Engine(
                                name,
                                ROOT.resolve("models/sunspots-onnx.zip"),
                                "libonnxruntime.so",
                                "--onnx",
                                2);
                case "dl4j" ->
                        new Engine(
                                name,
                                ROOT.resolve("models/sunspots.zip"),
                                "libnd4jcpu.so",
                                "--dl4j",
                                3);
                case Engines.FAST ->
                        new Engine(name, ROOT.resolve("models/sunspots.zip"), null, null, 2);
                default ->
                        throw new IllegalArgumentException(
                                "cluster.engines: unknown engine '" + name + "'");
            };
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * {@code -Dcluster.engines=fast} runs the same resubmissions with the fast engine and the
     * params bundle on a cluster started without {@code --onnx} or {@code --dl4j}: the figures of
     * the job alone, to hold the others beside (the build runs onnx and dl4j).
     */
    static final List<Engine> ENGINES =
            Arrays.stream(System.getProperty("cluster.engines", "onnx,dl4j").split(","))
                    .map(String::trim)
                    .map(Engine::of)
                    .toList();

    private static final String KEY = "sunspots";
    private static final int W = ReliabilityFixtures.W;
    private static final int POINTS = 160;

    /** Resubmissions per engine ({@code -Dcluster.runs}; at least 3: growth is from run 2). */
    static final int RUNS = Integer.getInteger("cluster.runs", 5);

    /**
     * Growth of the resident set outside the Java heap allowed from the engine's base run's figures
     * to the last's (two or three resubmissions). A job that loaded ONNX Runtime again would map
     * another ~20 MB library and its arenas, ND4J another 320 MB. The heap's own pages are left
     * out: Flink starts the TaskManager with -Xms equal to -Xmx, so each page the allocator has
     * touched once stays resident up to the heap's size (dl4j's runs touched 40-80 MB more of it
     * each, which scattered the whole resident set's growth from 59 to 312 MB); what the heap holds
     * is checked after a full GC instead.
     */
    static final long NATIVE_GROWTH_BOUND_KB = 64 * 1024;

    static final long HEAP_GROWTH_BOUND_KB = 16 * 1024;

    static final long METASPACE_GROWTH_BOUND_KB = 8 * 1024;

    /** Longest wait for a cancelled job's classloader to be collected. */
    static final int RELEASE_WAIT_S = 5;

    @TempDir static Path work;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster =
                StandaloneCluster.start(
                        work,
                        2,
                        Map.of("metrics.fetcher.update-interval", "500 ms"),
                        ENGINES.stream().map(Engine::startOption).filter(o -> o != null).toList());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One line of figures: the TaskManager after a resubmission's job was cancelled. */
    record Figures(
            int run,
            long rssKb,
            long heapResidentKb,
            long heapUsedKb,
            long metaspaceUsedKb,
            long directUsed,
            long classesLoaded,
            long classesUnloaded,
            int jobClassLoaders,
            String jobClassLoaderIds,
            int libraryFiles) {

        static final String HEADER =
                "run,rss_kb,heap_resident_kb,heap_used_after_gc_kb,metaspace_used_kb,direct_used_bytes,"
                    + "classes_loaded,classes_unloaded,job_classloaders_alive,job_classloader_ids,"
                    + "native_library_files";

        /** The resident set outside the Java heap's reservation. */
        long nativeKb() {
            return rssKb - heapResidentKb;
        }

        String csv() {
            return run
                    + ","
                    + rssKb
                    + ","
                    + heapResidentKb
                    + ","
                    + heapUsedKb
                    + ","
                    + metaspaceUsedKb
                    + ","
                    + directUsed
                    + ","
                    + classesLoaded
                    + ","
                    + classesUnloaded
                    + ","
                    + jobClassLoaders
                    + ","
                    + jobClassLoaderIds
                    + ","
                    + libraryFiles;
        }
    }

    static List<Engine> engines() {
        return ENGINES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void resubmissionsReuseTheEnginesNativesOfTheTaskManager(Engine engine) throws Exception {
        ModelBundle bundle = ModelBundle.load(engine.model());
        double[] values =
                Arrays.copyOf(
                        SeriesCsv.read(SUNSPOTS, "Monthly Mean Total Sunspot Number"), POINTS);
        long[] times = new long[POINTS];
        for (int i = 0; i < POINTS; i++) {
            times[i] = ReliabilityFixtures.day(i);
        }
        // every window but the last, which waits for a later point to pass the watermark
        Map<String, double[]> expected =
                ReliabilityFixtures.expected(
                        engine.name(),
                        bundle,
                        Map.of(KEY, times),
                        Map.of(KEY, values),
                        times[POINTS - 2],
                        false);
        assertThat(expected).hasSize(POINTS - W);

        List<Long> tms = cluster.taskManagerPids();
        assertThat(tms).as("TaskManager processes").hasSize(1);
        long tm = tms.get(0);
        String tmId = cluster.rest("/taskmanagers").path("taskmanagers").get(0).path("id").asText();

        List<Figures> figures = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            String points = KAFKA.createTopic(engine.name() + "-points-" + run, 1);
            produce(points, times, values);
            ReliabilityFixtures.Job job =
                    ReliabilityFixtures.Job.submit(
                            cluster,
                            StandaloneCluster.jobJar(),
                            engine.model(),
                            KAFKA.bootstrapServers(),
                            points,
                            1,
                            "window",
                            List.of("--engine", engine.name(), "--watermark.idleness", "1 s"));
            try (OutputReader reader =
                    new OutputReader(
                            KAFKA.bootstrapServers(),
                            List.of(job.forecasts()),
                            List.of(job.deadLetters()),
                            1)) {
                ReliabilityFixtures.await(
                        "run " + run + ": " + expected.size() + " forecasts",
                        Duration.ofMinutes(2),
                        () -> reader.forecasts(job.forecasts()).size() >= expected.size());
                List<Received<Forecast>> got = reader.forecasts(job.forecasts());
                assertThat(ReliabilityFixtures.compare(got, expected))
                        .as("run %d: forecasts against the offline %s predictor", run, engine)
                        .isEmpty();
                assertThat(got).allSatisfy(f -> assertThat(f.value().modelId()).isEqualTo(KEY));
                assertThat(reader.deadLetters(job.deadLetters())).as("dead letters").isEmpty();
            }
            cluster.cancel(job.id());
            figures.add(measure(run, tm, tmId, engine.library()));
            LOG.info("{} after run {}: {}", engine, run, figures.get(figures.size() - 1));
        }
        write(engine, figures);

        assertThat(logProblems()).as("linkage problems in the cluster's logs").isEmpty();
        for (Figures f : figures) {
            // a job classloader of its own would extract and map the library once more per run
            assertThat(f.libraryFiles())
                    .as("run %d: files %s is mapped from", f.run(), engine.library())
                    .isEqualTo(engine.library() == null ? 0 : 1);
            // Nothing loaded parent-first (the engine's library, the engine, the runtime model)
            // keeps a cancelled job's classloader: ONNX Runtime's shutdown hook, made in a job's
            // task, would keep the first job's for the life of the TaskManager (OnnxSessions.env).
            assertThat(f.jobClassLoaders())
                    .as("run %d: job classloaders alive after the cancel", f.run())
                    .isZero();
        }
        // from the engine's base run on (the runs before load what stays)
        int base = engine.baseRun();
        assertThat(RUNS).as("cluster.runs").isGreaterThan(base);
        Figures from = figures.get(base - 1);
        Figures last = figures.get(figures.size() - 1);
        assertThat(last.nativeKb() - from.nativeKb())
                .as(
                        "TaskManager resident set outside the Java heap, growth from run %d to run"
                                + " %d (KB)",
                        base, RUNS)
                .isLessThan(NATIVE_GROWTH_BOUND_KB);
        assertThat(last.heapUsedKb() - from.heapUsedKb())
                .as(
                        "TaskManager heap after a full GC, growth from run %d to run %d (KB)",
                        base, RUNS)
                .isLessThan(HEAP_GROWTH_BOUND_KB);
        assertThat(last.metaspaceUsedKb() - from.metaspaceUsedKb())
                .as("TaskManager metaspace growth from run %d to run %d (KB)", base, RUNS)
                .isLessThan(METASPACE_GROWTH_BOUND_KB);
    }

    private static void produce(String topic, long[] times, double[] values) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(KAFKA.producerProperties())) {
            for (int i = 0; i < values.length; i++) {
                SensorPoint p = new SensorPoint(KEY, times[i], values[i]);
                producer.send(new ProducerRecord<>(topic, PointCodec.key(p), PointCodec.json(p)));
            }
            producer.flush();
        }
    }

    /**
     * The TaskManager once the cancelled job's classloader is gone (full GCs with {@code jcmd
     * GC.run} until no {@code ChildFirstClassLoader} is left, at most {@value #RELEASE_WAIT_S} s):
     * resident set from {@code /proc/PID/status}; heap and metaspace used from {@code jcmd
     * GC.heap_info}; live job classloaders from {@code jcmd VM.classloader_stats}; direct memory
     * and class counts from the metrics REST API; and how many files the engine's native {@code
     * library} is mapped from ({@code /proc/PID/maps}; 0 when null).
     */
    private static Figures measure(int run, long pid, String tmId, String library)
            throws Exception {
        List<String> loaders;
        long deadline = System.nanoTime() + Duration.ofSeconds(RELEASE_WAIT_S).toNanos();
        while (true) {
            jcmd(pid, "GC.run");
            // the address of each live job classloader (the first column)
            loaders =
                    jcmd(pid, "VM.classloader_stats")
                            .lines()
                            .filter(l -> l.endsWith(".ChildFirstClassLoader"))
                            .map(l -> l.split("\\s+")[0])
                            .toList();
            if (loaders.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(1000);
        }
        // glibc's malloc keeps what was freed in its arenas (ND4J and OpenBLAS free a job's
        // buffers once the GC has run): hand it back, so the resident set is what is still held
        jcmd(pid, "System.trim_native_heap");
        String heapInfo = jcmd(pid, "GC.heap_info");
        // heap used, and the heap's address range
        Matcher heap =
                Pattern.compile(
                                "heap\\s+total \\d+K, used (\\d+)K \\[0x([0-9a-f]+),"
                                        + " 0x([0-9a-f]+)\\)")
                        .matcher(heapInfo);
        assertThat(heap.find()).as("the heap's use and address range in:%n%s", heapInfo).isTrue();
        long heapKb = Long.parseLong(heap.group(1));
        long metaspaceKb = kb(heapInfo, "Metaspace\\s+used (\\d+)K");
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < 2; i++) { // the first read may answer from the cache, then refresh it
            Thread.sleep(600);
            for (JsonNode n :
                    cluster.rest(
                            "/taskmanagers/"
                                    + tmId
                                    + "/metrics?get=Status.JVM.Memory.Direct.MemoryUsed,"
                                    + "Status.JVM.ClassLoader.ClassesLoaded,"
                                    + "Status.JVM.ClassLoader.ClassesUnloaded")) {
                m.put(n.path("id").asText(), (long) Double.parseDouble(n.path("value").asText()));
            }
        }
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        // the pages of the Java heap's reservation that are resident: Flink starts the TaskManager
        // with -Xms = -Xmx, so every page the allocator has touched once stays in the resident set
        long heapStart = Long.parseUnsignedLong(heap.group(2), 16);
        long heapEnd = Long.parseUnsignedLong(heap.group(3), 16);
        long heapResident = 0;
        boolean inHeap = false;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
            Matcher vma = VMA.matcher(line);
            if (vma.lookingAt()) {
                long start = Long.parseUnsignedLong(vma.group(1), 16);
                inHeap = start >= heapStart && start < heapEnd;
            } else if (inHeap && line.startsWith("Rss:")) {
                heapResident += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        Set<String> libraryFiles = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            int slash = line.indexOf('/');
            if (library != null && slash >= 0 && line.substring(slash).endsWith("/" + library)) {
                libraryFiles.add(line.substring(slash));
            }
        }
        return new Figures(
                run,
                rss,
                heapResident,
                heapKb,
                metaspaceKb,
                m.getOrDefault("Status.JVM.Memory.Direct.MemoryUsed", -1L),
                m.getOrDefault("Status.JVM.ClassLoader.ClassesLoaded", -1L),
                m.getOrDefault("Status.JVM.ClassLoader.ClassesUnloaded", -1L),
                loaders.size(),
                String.join(";", loaders),
                libraryFiles.size());
    }

    /** The first line of a mapping in {@code /proc/PID/smaps}: its start address. */
    private static final Pattern VMA = Pattern.compile("([0-9a-f]+)-[0-9a-f]+ ");

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("jcmd %d %s", pid, command).isZero();
        return out;
    }

    private static long kb(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("/%s/ in:%n%s", regex, text).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Lines of the cluster's logs that tell of a native library loaded twice or not at all. */
    private static List<String> logProblems() throws IOException {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> logs = Files.list(cluster.logDir())) {
            for (Path f : logs.toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.contains("UnsatisfiedLinkError")
                            || line.contains("already loaded in another classloader")) {
                        problems.add(f.getFileName() + ": " + line);
                    }
                }
            }
        }
        return problems;
    }

    private static void write(Engine engine, List<Figures> figures) throws IOException {
        Path dir = StandaloneCluster.DEPLOY.resolve("target/engine-cluster");
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>(List.of(Figures.HEADER));
        figures.forEach(f -> lines.add(f.csv()));
        Files.write(dir.resolve("resubmissions-" + engine + ".csv"), lines);
        LOG.info("figures in {}:\n{}", dir, String.join("\n", lines));
    }
}
