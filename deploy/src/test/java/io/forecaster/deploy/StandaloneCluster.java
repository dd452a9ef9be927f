package io.forecaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone Flink session cluster for one test class, run by {@code deploy/cluster.sh} with
 * its own copy of {@code deploy/conf} (free ports, its own work folder): JobManager and
 * TaskManagers are separate processes, which {@link #killTaskManagers()} kills with SIGKILL.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final Path DEPLOY = Path.of("").toAbsolutePath();
    static final Path ROOT = DEPLOY.getParent();

    /** The shaded job jar the build made (its name comes from the pom via {@code job.jar}). */
    static Path jobJar() {
        Path jar = ROOT.resolve("job/target/" + System.getProperty("job.jar"));
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "no job jar at " + jar + ": build the job module first");
        }
        return jar;
    }

    private final Path work;
    private final Path conf;
    private final String rest;
    private final HttpClient http = HttpClient.newHttpClient();
    private boolean started;

    private StandaloneCluster(Path work, Path conf, String rest) {
        this.work = work;
        this.conf = conf;
        this.rest = rest;
    }

    /**
     * Starts a JobManager and one TaskManager.
     *
     * @param work the test's temporary folder (config, logs, pids, checkpoints)
     * @param slots task slots per TaskManager
     * @param extraConfig flat {@code key: value} lines appended to the config; {@code
     *     state.backend.type} (e.g. {@code rocksdb}) replaces the config's hashmap backend
     */
    static StandaloneCluster start(Path work, int slots, Map<String, String> extraConfig)
            throws Exception {
        return start(work, slots, extraConfig, List.of());
    }

    /**
     * As {@link #start(Path, int, Map)} with options of {@code cluster.sh start} (e.g. {@code
     * --onnx}: the onnx engine and ONNX Runtime on the cluster's class path).
     */
    static StandaloneCluster start(
            Path work, int slots, Map<String, String> extraConfig, List<String> startOptions)
            throws Exception {
        Path conf = work.resolve("conf");
        Files.createDirectories(conf);
        for (String f : List.of("log4j.properties", "log4j-cli.properties")) {
            Files.copy(DEPLOY.resolve("conf").resolve(f), conf.resolve(f));
        }
        int restPort = freePort();
        String base = Files.readString(DEPLOY.resolve("conf/config.yaml"));
        Map<String, String> replacements =
                Map.of(
                        "port: 8081", "port: " + restPort,
                        "port: 6123", "port: " + freePort(),
                        "numberOfTaskSlots: 2", "numberOfTaskSlots: " + slots,
                        "interval: 10s", "interval: 2s",
                        "/tmp/forecaster-cluster", work.toString());
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            if (!base.contains(r.getKey())) {
                throw new IllegalStateException(
                        "deploy/conf/config.yaml no longer contains \""
                                + r.getKey()
                                + "\"; update StandaloneCluster");
            }
            base = base.replace(r.getKey(), r.getValue());
        }
        // The state backend is set in the nested form; a flat key as well would be ambiguous.
        String backend = "state:\n  backend:\n    type: hashmap\n";
        if (!base.contains(backend)) {
            throw new IllegalStateException(
                    "deploy/conf/config.yaml no longer sets state.backend.type to hashmap as"
                            + " expected; update StandaloneCluster");
        }
        String stateBackend = extraConfig.get("state.backend.type");
        if (stateBackend != null) {
            base = base.replace(backend, backend.replace("hashmap", stateBackend));
        }
        StringBuilder config = new StringBuilder(base);
        extraConfig.forEach(
                (k, v) -> {
                    if (!k.equals("state.backend.type")) {
                        config.append(k).append(": ").append(v).append('\n');
                    }
                });
        Files.writeString(conf.resolve("config.yaml"), config);
        StandaloneCluster cluster =
                new StandaloneCluster(work, conf, "http://127.0.0.1:" + restPort);
        cluster.started = true;
        try {
            List<String> command = new ArrayList<>(List.of("start"));
            command.addAll(startOptions);
            cluster.run(Duration.ofMinutes(3), command);
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Submits the job jar with Flink's CLI and returns the job id. */
    String submit(Path jar, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("submit", jar.toString()));
        command.addAll(args);
        return match(run(Duration.ofMinutes(3), command), "JobID ([0-9a-f]{32})");
    }

    /** GET on the REST API, as JSON. */
    JsonNode rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(rest + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** True when the job is RUNNING and so is every task of every vertex. */
    boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = rest("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The job state (RUNNING, RESTARTING, FAILED, ...). */
    String jobState(String jobId) throws IOException, InterruptedException {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    /** The job's {@code numRestarts} metric (the REST metric cache may lag a second). */
    long numRestarts(String jobId) throws IOException, InterruptedException {
        for (JsonNode m : rest("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            return m.path("value").asLong();
        }
        throw new IOException("no numRestarts metric for job " + jobId);
    }

    /** Failures the JobManager recorded for the job (exception history), newest first. */
    List<String> failures(String jobId) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode e :
                rest("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
            out.add(
                    e.path("timestamp").asLong()
                            + " "
                            + e.path("exceptionName").asText()
                            + " on "
                            + e.path("taskManagerId").asText("?")
                            + ": "
                            + firstLine(e.path("stacktrace").asText()));
        }
        return out;
    }

    /** Timestamps (epoch ms) of the failures the JobManager recorded, newest first. */
    List<Long> failureTimes(String jobId) throws IOException, InterruptedException {
        List<Long> out = new ArrayList<>();
        for (JsonNode e :
                rest("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
            out.add(e.path("timestamp").asLong());
        }
        return out;
    }

    /**
     * The sum over all subtasks of the operator metric {@code name} (e.g. a gauge registered as
     * {@code name} in some operator), over every vertex of the job; the REST metric cache may lag a
     * second ({@code metrics.fetcher.update-interval}). Fails when no operator has it.
     */
    long operatorMetricSum(String jobId, String name) throws IOException, InterruptedException {
        long sum = 0;
        boolean found = false;
        for (JsonNode v : rest("/jobs/" + jobId).path("vertices")) {
            String base =
                    "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : rest(base)) {
                String id = m.path("id").asText();
                if (id.equals(name) || id.endsWith("." + name)) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            for (JsonNode m : rest(base + "?agg=sum&get=" + String.join(",", ids))) {
                sum += (long) m.path("sum").asDouble();
                found = true;
            }
        }
        if (!found) {
            throw new IOException("no operator metric " + name + " in job " + jobId);
        }
        return sum;
    }

    /** Completed checkpoints of the job. */
    long completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return rest("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** Kills every live TaskManager process with {@code kill -9}; returns their pids. */
    List<Long> killTaskManagers() throws Exception {
        List<Long> killed = new ArrayList<>();
        try (Stream<Path> pids = Files.list(work.resolve("cluster/pid"))) {
            for (Path f :
                    pids.filter(p -> p.getFileName().toString().startsWith("taskmanager-"))
                            .toList()) {
                long pid = Long.parseLong(Files.readString(f).strip());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    sigkill(pid);
                    killed.add(pid);
                }
                Files.delete(f);
            }
        }
        assertThat(killed).as("live TaskManagers to kill").isNotEmpty();
        LOG.info("killed TaskManager(s) {} with SIGKILL", killed);
        return killed;
    }

    /** The pids of the live TaskManager processes. */
    List<Long> taskManagerPids() throws IOException {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> pids = Files.list(work.resolve("cluster/pid"))) {
            for (Path f :
                    pids.filter(p -> p.getFileName().toString().startsWith("taskmanager-"))
                            .toList()) {
                long pid = Long.parseLong(Files.readString(f).strip());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    out.add(pid);
                }
            }
        }
        return out;
    }

    /** The folder of the cluster processes' logs. */
    Path logDir() {
        return work.resolve("cluster/log");
    }

    /** Cancels the job through the REST API (no savepoint) and waits until it is CANCELED. */
    void cancel(String jobId) throws Exception {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "?mode=cancel"))
                                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IOException("cancel " + jobId + " -> " + r.statusCode() + ": " + r.body());
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!"CANCELED".equals(jobState(jobId))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("job " + jobId + " not CANCELED after 1 minute");
            }
            Thread.sleep(200);
        }
    }

    /** Starts one more TaskManager ({@code cluster.sh start-taskmanager}). */
    void startTaskManager() throws Exception {
        run(Duration.ofMinutes(1), "start-taskmanager");
    }

    /** Sends SIGKILL with {@code kill -9} and waits until the process is gone. */
    static void sigkill(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -9 " + pid).isZero();
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
    }

    String run(Duration timeout, String... args) throws Exception {
        return run(timeout, List.of(args));
    }

    /**
     * Runs deploy/cluster.sh with this cluster's config and work folder; fails on a non-zero exit.
     */
    String run(Duration timeout, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(DEPLOY.resolve("cluster.sh").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("FLINK_CONF_DIR", conf.toString());
        env.put("FORECASTER_CLUSTER_DIR", work.resolve("cluster").toString());
        env.put("REST", rest);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("cluster.sh " + args + " timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        LOG.info("cluster.sh {} ->\n{}", args.get(0), text);
        assertThat(p.exitValue())
                .as("cluster.sh " + args + " exit code; output:\n" + text)
                .isZero();
        return text;
    }

    /** Stops every process the cluster script started (also after a failed start). */
    @Override
    public void close() throws Exception {
        if (started) {
            started = false;
            try {
                run(Duration.ofMinutes(2), "stop");
            } finally {
                keepLogs();
            }
        }
    }

    /** Copies the cluster's logs to target/reliability/logs-* for a look after the run. */
    private void keepLogs() {
        Path from = work.resolve("cluster/log");
        Path to = DEPLOY.resolve("target/reliability/logs-" + work.getFileName());
        try (Stream<Path> logs = Files.list(from)) {
            Files.createDirectories(to);
            for (Path f : logs.toList()) {
                Files.copy(
                        f,
                        to.resolve(f.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.info("cluster logs kept in {}", to);
        } catch (IOException e) {
            LOG.warn("cannot keep the cluster logs of {}: {}", from, e.toString());
        }
    }

    static String match(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertThat(m.find()).as("/" + regex + "/ in:\n" + output).isTrue();
        return m.group(1);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
