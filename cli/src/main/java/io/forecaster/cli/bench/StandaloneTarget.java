package io.forecaster.cli.bench;

import io.forecaster.job.ForecastOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job on a real standalone Flink session cluster (JobManager and TaskManager processes) started
 * with {@code deploy/cluster.sh} from its own copy of {@code deploy/conf}, with free ports and the
 * case's state backend; the shaded job jar is submitted with Flink's CLI.
 */
final class StandaloneTarget implements JobTarget {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneTarget.class);
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    private final Path root;
    private final Path work;
    private final Duration watermarkInterval;
    private Path conf;
    private FlinkRest rest;
    private String jobId;
    private boolean started;

    private final Map<String, String> flinkConf;

    StandaloneTarget(
            Path root, Path work, Duration watermarkInterval, Map<String, String> flinkConf) {
        this.flinkConf = flinkConf;
        this.root = root;
        this.work = work;
        this.watermarkInterval = watermarkInterval;
    }

    /** The job jar {@code deploy/cluster.sh submit} sends. */
    Path jobJar() {
        return root.resolve("job/target/forecaster-job-0.1.0-SNAPSHOT-flink.jar");
    }

    @Override
    public String start(String name, ForecastOptions options, String backend) throws Exception {
        if (!Files.isRegularFile(jobJar())) {
            throw new IllegalStateException(
                    "job jar missing: "
                            + jobJar()
                            + " (build with ./mvnw -B -q install -DskipTests)");
        }
        Files.createDirectories(work);
        conf = work.resolve("conf");
        Files.createDirectories(conf);
        Path deployConf = root.resolve("deploy/conf");
        for (String f : List.of("log4j.properties", "log4j-cli.properties")) {
            Files.copy(
                    deployConf.resolve(f),
                    conf.resolve(f),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        int restPort = freePort();
        String config =
                Files.readString(deployConf.resolve("config.yaml"))
                                .replace("port: 8081", "port: " + restPort)
                                .replace("port: 6123", "port: " + freePort())
                                .replace("type: hashmap", "type: " + backend)
                                .replace(
                                        "generic-types: false",
                                        "generic-types: false\n  auto-watermark-interval: "
                                                + watermarkInterval.toMillis()
                                                + " ms")
                                .replace("/tmp/forecaster-cluster", work.toString())
                        + "metrics:\n  fetcher:\n    update-interval: 1 s\n";
        StringBuilder extra = new StringBuilder();
        flinkConf.forEach((k, v) -> extra.append(k).append(": ").append(v).append('\n'));
        config += extra;
        Files.writeString(conf.resolve("config.yaml"), config);
        rest = new FlinkRest("http://127.0.0.1:" + restPort);
        cluster(Duration.ofMinutes(3), List.of("start"));
        started = true;
        List<String> submit = new ArrayList<>(List.of("submit", jobJar().toString()));
        for (Map.Entry<String, String> e : options.explicitValues().entrySet()) {
            submit.add("--" + e.getKey());
            submit.add(e.getValue());
        }
        String out = cluster(Duration.ofMinutes(2), submit);
        Matcher m = JOB_ID.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no JobID in the submit output:\n" + out);
        }
        jobId = m.group(1);
        LOG.info("job {} ({}) on a standalone cluster, REST {}", jobId, name, rest.base());
        return jobId;
    }

    @Override
    public FlinkRest rest() {
        return rest;
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    @Override
    public void close() throws Exception {
        if (!started) {
            return;
        }
        try {
            if (jobId != null) {
                rest.cancel(jobId);
                for (int i = 0; i < 60 && !rest.jobState(jobId).equals("CANCELED"); i++) {
                    Thread.sleep(500);
                }
            }
        } catch (Exception e) {
            LOG.warn("cancelling {} on the standalone cluster: {}", jobId, e.toString());
        } finally {
            cluster(Duration.ofMinutes(2), List.of("stop"));
        }
    }

    private String cluster(Duration timeout, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("deploy/cluster.sh").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        pb.environment().put("FORECASTER_CLUSTER_DIR", work.toString());
        pb.environment().put("REST", rest.base());
        Path log = work.resolve("cluster-sh.log");
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long before = Files.exists(log) ? Files.size(log) : 0;
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroy();
            throw new IOException("cluster.sh " + args.get(0) + " timed out; see " + log);
        }
        String text = Files.readString(log).substring((int) before);
        if (p.exitValue() != 0) {
            throw new IOException(
                    "cluster.sh " + args.get(0) + " failed (" + p.exitValue() + "):\n" + text);
        }
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
