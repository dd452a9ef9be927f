package io.forecaster.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Testcontainers' Kafka, touched only through this class so that the Testcontainers classes (an
 * optional dependency) are loaded only when they are on the class path.
 */
final class DockerKafka {

    private static final Logger LOG = LoggerFactory.getLogger(DockerKafka.class);

    private DockerKafka() {}

    static boolean available() {
        try {
            Class.forName(
                    "org.testcontainers.kafka.KafkaContainer",
                    false,
                    DockerKafka.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.debug("Testcontainers' Kafka is not on the class path");
            return false;
        }
        try {
            boolean docker = Probe.dockerAvailable();
            LOG.info(
                    "Docker engine {}",
                    docker ? "available: using Testcontainers' Kafka" : "not available");
            return docker;
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Docker engine not available: {}", e.toString());
            return false;
        }
    }

    static TestKafka start() {
        return Probe.start();
    }

    /** Holds the Testcontainers references. */
    private static final class Probe {
        static boolean dockerAvailable() {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        }

        static TestKafka start() {
            org.testcontainers.kafka.KafkaContainer c =
                    new org.testcontainers.kafka.KafkaContainer(TestKafka.IMAGE);
            c.start();
            LOG.info(
                    "Integration tests use Testcontainers' Kafka ({}) at {}",
                    TestKafka.IMAGE,
                    c.getBootstrapServers());
            return new TestKafka() {
                @Override
                public String bootstrapServers() {
                    return c.getBootstrapServers();
                }

                @Override
                public String kind() {
                    return "docker";
                }

                @Override
                public void close() {
                    c.stop();
                }
            };
        }
    }
}
