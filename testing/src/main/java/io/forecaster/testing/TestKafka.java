package io.forecaster.testing;

import io.forecaster.broker.EmbeddedKafkaBroker;
import java.util.Locale;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster for integration tests, chosen once for every test: an external cluster when
 * {@code -Dkafka.bootstrap.servers=host:port} (or {@code KAFKA_BOOTSTRAP_SERVERS}) is given, else
 * the in-process {@link EmbeddedKafkaBroker}. {@code -Dkafka.test.broker=docker} runs the broker in
 * a container through Testcontainers instead (image {@code -Dkafka.test.image}, by default the one
 * {@code deploy/docker/build-images.sh} builds) and fails when no Docker engine answers; {@code
 * auto} takes Docker when an engine answers, else the embedded broker; {@code embedded} and {@code
 * external} force those. Tests normally get one through {@link KafkaExtension}.
 */
public interface TestKafka extends AutoCloseable {

    /**
     * System property (and, upper-cased with underscores, environment variable) of an external
     * cluster.
     */
    String BOOTSTRAP_PROPERTY = "kafka.bootstrap.servers";

    /** System property that chooses the kind: embedded, docker, auto or external. */
    String KIND_PROPERTY = "kafka.test.broker";

    /** System property naming the image Testcontainers runs. */
    String IMAGE_PROPERTY = "kafka.test.image";

    /** Repository of the Kafka image {@code deploy/docker/build-images.sh} builds. */
    String LOCAL_IMAGE_REPOSITORY = "forecaster/kafka";

    /**
     * The image Testcontainers runs: {@code -Dkafka.test.image}, else the locally built image of
     * the broker version the project uses (the Kafka client's version).
     */
    static String image() {
        String image = System.getProperty(IMAGE_PROPERTY, "").strip();
        return image.isEmpty() ? LOCAL_IMAGE_REPOSITORY + ":" + AppInfoParser.getVersion() : image;
    }

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
                && !forced.equals("auto")
                && !forced.equals("external")) {
            throw new IllegalArgumentException(
                    KIND_PROPERTY
                            + " must be embedded, docker, auto or external, got \""
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
        if (forced.equals("docker")) {
            String unavailable = DockerKafka.unavailableReason();
            if (unavailable != null) {
                throw new IllegalStateException(
                        KIND_PROPERTY + "=docker but " + unavailable + " (no broker started)");
            }
            return DockerKafka.start(image());
        }
        if (forced.equals("auto")) {
            String unavailable = DockerKafka.unavailableReason();
            if (unavailable == null) {
                return DockerKafka.start(image());
            }
            log.info("{}=auto: {}; using the embedded broker", KIND_PROPERTY, unavailable);
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
