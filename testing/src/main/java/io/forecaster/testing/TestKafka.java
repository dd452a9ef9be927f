package io.forecaster.testing;

import io.forecaster.broker.EmbeddedKafkaBroker;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster for integration tests, chosen once for every test: an external cluster when
 * {@code -Dkafka.bootstrap.servers=host:port} (or {@code KAFKA_BOOTSTRAP_SERVERS}) is given, else
 * Testcontainers' Kafka when Testcontainers is on the class path and a Docker engine answers, else
 * the {@link EmbeddedKafkaBroker}. {@code -Dkafka.test.broker=embedded|docker|external} forces a
 * choice. Tests normally get one through {@link KafkaExtension}.
 */
public interface TestKafka extends AutoCloseable {

    /**
     * System property (and, upper-cased with underscores, environment variable) of an external
     * cluster.
     */
    String BOOTSTRAP_PROPERTY = "kafka.bootstrap.servers";

    /** System property that forces the kind: embedded, docker or external. */
    String KIND_PROPERTY = "kafka.test.broker";

    /** The image Testcontainers runs: the broker version the project uses. */
    String IMAGE = "apache/kafka:4.2.0";

    /** host:port[,host:port...] to give clients. */
    String bootstrapServers();

    /** "external", "docker" or "embedded". */
    String kind();

    /** Stops what {@link #start()} started; an external cluster is left alone. */
    @Override
    void close();

    /** Starts (or connects to) the chosen cluster. */
    static TestKafka start() {
        Logger log = LoggerFactory.getLogger(TestKafka.class);
        String external =
                System.getProperty(BOOTSTRAP_PROPERTY, System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
        String forced = System.getProperty(KIND_PROPERTY, "").strip().toLowerCase(Locale.ROOT);
        if (!forced.isEmpty()
                && !forced.equals("embedded")
                && !forced.equals("docker")
                && !forced.equals("external")) {
            throw new IllegalArgumentException(
                    KIND_PROPERTY
                            + " must be embedded, docker or external, got \""
                            + forced
                            + "\"");
        }
        if (forced.equals("external")
                || (forced.isEmpty() && external != null && !external.isBlank())) {
            if (external == null || external.isBlank()) {
                throw new IllegalArgumentException(
                        KIND_PROPERTY + "=external needs -D" + BOOTSTRAP_PROPERTY + "=host:port");
            }
            log.info("Integration tests use the external Kafka cluster at {}", external);
            return new External(external.strip());
        }
        if (forced.equals("docker") || (forced.isEmpty() && DockerKafka.available())) {
            return DockerKafka.start();
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        log.info(
                "Integration tests use the embedded Kafka broker at {}", broker.bootstrapServers());
        return new Embedded(broker);
    }

    /** A cluster someone else runs. */
    record External(String bootstrapServers) implements TestKafka {
        @Override
        public String kind() {
            return "external";
        }

        @Override
        public void close() {}
    }

    /** The in-process broker. */
    record Embedded(EmbeddedKafkaBroker broker) implements TestKafka {
        @Override
        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public String kind() {
            return "embedded";
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}
