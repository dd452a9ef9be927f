package io.forecaster.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft combined mode, broker and controller in one process)
 * running inside this JVM: bound to 127.0.0.1 on free ports, its data in a temporary folder that
 * {@link #close()} removes. For tests and demos: no authentication, replication factor 1,
 * time-based retention off (so records with old event-time timestamps, such as 1961, are kept).
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     String bootstrap = kafka.bootstrapServers(); // 127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** Longest wait for the broker to answer after start. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** Longest wait for the broker to stop; past it the data folder is removed anyway. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private static final int BIND_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final Path dir;
    private final boolean deleteDir;
    private final int port;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dir, boolean deleteDir, int port) {
        this.server = server;
        this.dir = dir;
        this.deleteDir = deleteDir;
        this.port = port;
    }

    /** Starts a broker on a free port with its data in a new temporary folder. */
    public static EmbeddedKafkaBroker start() {
        return start(0, null, Map.of());
    }

    /**
     * Starts a broker.
     *
     * @param port the client port, or 0 for a free one
     * @param dataDir the data folder (kept on close), or null for a temporary one (removed)
     * @param overrides broker properties that replace the defaults
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir, Map<String, String> overrides) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            try {
                return startOnce(port, dataDir, overrides);
            } catch (RuntimeException e) {
                last = e;
                // A free port found by probing can be taken before Kafka binds it: retry.
                if (port != 0 || !mentionsBind(e)) {
                    throw e;
                }
                LOG.warn(
                        "Kafka broker could not bind (attempt {} of {}): {}",
                        attempt,
                        BIND_ATTEMPTS,
                        e.toString());
            }
        }
        throw last;
    }

    private static EmbeddedKafkaBroker startOnce(
            int wantedPort, Path dataDir, Map<String, String> overrides) {
        long t0 = System.nanoTime();
        boolean temp = dataDir == null;
        Path dir;
        try {
            dir =
                    temp
                            ? Files.createTempDirectory("embedded-kafka-")
                            : Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data folder " + dataDir, e);
        }
        int port = wantedPort == 0 ? freePort() : wantedPort;
        int controllerPort = freePort();
        Properties props = config(dir, port, controllerPort);
        props.putAll(overrides);
        KafkaRaftServer server = null;
        try {
            format(dir, props);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dir, temp, port);
            broker.awaitReady(t0);
            LOG.info(
                    "Kafka broker {} (KRaft) up at {} in {} ms, data in {}",
                    AppInfoParser.getVersion(),
                    broker.bootstrapServers(),
                    (System.nanoTime() - t0) / 1_000_000,
                    dir);
            return broker;
        } catch (RuntimeException e) {
            if (server != null) {
                stop(server);
            }
            if (temp) {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    /**
     * The single-node KRaft configuration this class runs (127.0.0.1 listeners, replication factor
     * 1 everywhere, retention off), for a broker in {@code dir}; also used by tests that run the
     * broker as a separate process.
     */
    public static Properties config(Path dir, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.retention.ms", "-1");
        p.setProperty("log.retention.bytes", "-1");
        p.setProperty("auto.create.topics.enable", "true");
        // Transactions: the broker default (15 min) is the limit the sinks stay under.
        p.setProperty("transaction.max.timeout.ms", "900000");
        return p;
    }

    private static void format(Path dir, Properties props) {
        Path file = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "embedded Kafka broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            rc =
                    StorageTool.execute(
                            new String[] {
                                "format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()
                            },
                            ps);
        }
        String output = text.toString(StandardCharsets.UTF_8).strip();
        if (rc != 0) {
            throw new IllegalStateException(
                    "formatting Kafka storage in " + dir + " failed (exit " + rc + "): " + output);
        }
        LOG.debug("Kafka storage formatted: {}", output);
    }

    private void awaitReady(long t0) {
        long deadline = t0 + START_TIMEOUT.toNanos();
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Kafka broker not ready yet: {}", e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Kafka broker at "
                                    + bootstrapServers()
                                    + " did not answer within "
                                    + START_TIMEOUT);
                }
                sleep(100);
            }
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The client port. */
    public int port() {
        return port;
    }

    /** The folder that holds the broker's configuration and data. */
    public Path directory() {
        return dir;
    }

    /** Stops the broker (at most {@link #STOP_TIMEOUT}) and removes a temporary data folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        boolean stopped = stop(server);
        if (deleteDir) {
            deleteRecursively(dir);
        }
        LOG.info(
                "Kafka broker at {} {} in {} ms{}",
                bootstrapServers(),
                stopped ? "stopped" : "did not stop",
                (System.nanoTime() - t0) / 1_000_000,
                deleteDir ? ", data removed" : "");
    }

    private static boolean stop(KafkaRaftServer server) {
        Thread stopper =
                new Thread(
                        () -> {
                            try {
                                server.shutdown();
                                server.awaitShutdown();
                            } catch (RuntimeException e) {
                                LOG.warn("error while stopping Kafka", e);
                            }
                        },
                        "embedded-kafka-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            LOG.warn("Kafka broker did not stop within {}", STOP_TIMEOUT);
            return false;
        }
        return true;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static boolean mentionsBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("bind") || m.contains("address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    LOG.warn("cannot delete {}: {}", p, e.toString());
                                }
                            });
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
