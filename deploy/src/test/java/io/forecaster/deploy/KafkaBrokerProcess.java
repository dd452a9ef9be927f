package io.forecaster.deploy;

import io.forecaster.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka 4 broker (KRaft combined mode) in a process of its own, started from the test
 * classpath with {@code kafka.Kafka}, so that a test can kill it with SIGKILL and start it again on
 * the same ports and data folder. Bound to 127.0.0.1; one node, replication factor 1.
 */
final class KafkaBrokerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerProcess.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final Path properties;
    private final int port;
    private Process process;
    private int starts;

    private KafkaBrokerProcess(Path dir, Path properties, int port) {
        this.dir = dir;
        this.properties = properties;
        this.port = port;
    }

    /** Formats the storage in {@code dir} and starts the broker; fails if it does not answer. */
    static KafkaBrokerProcess start(Path dir) throws Exception {
        Files.createDirectories(dir);
        int port = StandaloneCluster.freePort();
        int controllerPort = StandaloneCluster.freePort();
        Properties p = EmbeddedKafkaBroker.config(dir, port, controllerPort);
        p.setProperty("auto.create.topics.enable", "false");
        Path file = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Kafka broker process for the reliability tests");
        }
        Files.writeString(
                dir.resolve("log4j2.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = File",
                        "appender.file.name = File",
                        "appender.file.type = File",
                        "appender.file.append = true",
                        "appender.file.fileName = " + dir.resolve("broker.log"),
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                        ""));
        KafkaBrokerProcess broker = new KafkaBrokerProcess(dir, file, port);
        Process format =
                broker.java(
                                "kafka.tools.StorageTool",
                                "format",
                                "-t",
                                Uuid.randomUuid().toString(),
                                "-c",
                                file.toString())
                        .redirectOutput(dir.resolve("format.out").toFile())
                        .redirectErrorStream(true)
                        .start();
        if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException(
                    "formatting Kafka storage failed: "
                            + Files.readString(dir.resolve("format.out")));
        }
        try {
            broker.restart();
        } catch (Exception | AssertionError e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** Starts the broker process (again) on the same ports and data; waits until it answers. */
    synchronized void restart() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(
                    "the broker is still running (pid " + process.pid() + ")");
        }
        long t0 = System.nanoTime();
        starts++;
        process =
                java("kafka.Kafka", properties.toString())
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        dir.resolve("broker.out").toFile()))
                        .redirectErrorStream(true)
                        .start();
        awaitReady();
        LOG.info(
                "Kafka broker process {} (start {}) up at {} in {} ms",
                process.pid(),
                starts,
                bootstrapServers(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Kills the broker process with {@code kill -9}. */
    synchronized void kill() throws Exception {
        StandaloneCluster.sigkill(process.pid());
        LOG.info("killed the Kafka broker process {} with SIGKILL", process.pid());
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        command.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(p)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException(
                            "the Kafka broker process exited with "
                                    + process.exitValue()
                                    + "; see "
                                    + dir.resolve("broker.log"));
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("broker not ready yet: {}", e.toString());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "Kafka broker at "
                                    + bootstrapServers()
                                    + " did not answer within "
                                    + START_TIMEOUT);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public synchronized void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
