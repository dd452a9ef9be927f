package io.forecaster.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Testcontainers' Kafka, touched only through this class so that the Testcontainers classes (an
 * optional dependency) are loaded only when they are on the class path. The container publishes its
 * port on 127.0.0.1 only and is stopped by {@link TestKafka#close()}.
 */
final class DockerKafka {

    private static final Logger LOG = LoggerFactory.getLogger(DockerKafka.class);

    private DockerKafka() {}

    /** Whether Testcontainers is on the class path and a Docker engine answers. */
    static boolean available() {
        return unavailableReason() == null;
    }

    /** Why the Docker path cannot run, or null when it can. */
    static String unavailableReason() {
        try {
            Class.forName(
                    "org.testcontainers.kafka.KafkaContainer",
                    false,
                    DockerKafka.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "Testcontainers' Kafka module is not on the class path";
        }
        if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            // Otherwise Testcontainers first pulls its Ryuk image, retrying for minutes without a
            // registry; the tests stop their containers themselves.
            return "TESTCONTAINERS_RYUK_DISABLED is not true (the build's Surefire and Failsafe set"
                    + " it)";
        }
        if (!"127.0.0.1".equals(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"))) {
            // The port is published on 127.0.0.1 only; without the override Testcontainers would
            // advertise another address (inside a container, the bridge's gateway).
            return "TESTCONTAINERS_HOST_OVERRIDE is not 127.0.0.1 (the build's Surefire and"
                    + " Failsafe set it)";
        }
        try {
            return Probe.dockerAvailable()
                    ? null
                    : "no Docker engine answers (DOCKER_HOST or /var/run/docker.sock)";
        } catch (RuntimeException | LinkageError e) {
            return "no Docker engine answers: " + e;
        }
    }

    static TestKafka start(String image) {
        return Probe.start(image);
    }

    /** Holds the Testcontainers references. */
    private static final class Probe {
        static boolean dockerAvailable() {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        }

        static TestKafka start(String image) {
            var docker = org.testcontainers.DockerClientFactory.instance().client();
            boolean local;
            try {
                docker.inspectImageCmd(image).exec();
                local = true;
            } catch (com.github.dockerjava.api.exception.NotFoundException e) {
                local = false;
            }
            if (!local && image.startsWith(TestKafka.LOCAL_IMAGE_REPOSITORY)) {
                throw new IllegalStateException(
                        "Docker has no image "
                                + image
                                + ": build it with deploy/docker/build-images.sh, or name a"
                                + " registry image with -D"
                                + TestKafka.IMAGE_PROPERTY
                                + "=apache/kafka:<version>");
            }
            org.testcontainers.kafka.KafkaContainer c =
                    new org.testcontainers.kafka.KafkaContainer(
                                    org.testcontainers.utility.DockerImageName.parse(image)
                                            .asCompatibleSubstituteFor("apache/kafka"))
                            // The host reaches the broker on 127.0.0.1 only, at a port Docker
                            // picks.
                            .withCreateContainerCmdModifier(
                                    cmd ->
                                            cmd.getHostConfig()
                                                    .withPortBindings(
                                                            new com.github.dockerjava.api.model
                                                                    .PortBinding(
                                                                    com.github.dockerjava.api.model
                                                                            .Ports.Binding.bindIp(
                                                                            "127.0.0.1"),
                                                                    com.github.dockerjava.api.model
                                                                            .ExposedPort.tcp(
                                                                            9092))));
            long started = System.nanoTime();
            c.start();
            LOG.info(
                    "Integration tests use Testcontainers' Kafka: image {}, container {} ({}),"
                            + " at {}, started in {} ms",
                    image,
                    c.getContainerName(),
                    c.getContainerId().substring(0, 12),
                    c.getBootstrapServers(),
                    (System.nanoTime() - started) / 1_000_000);
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
                    LOG.info("Stopping Testcontainers' Kafka container {}", c.getContainerName());
                    c.stop();
                }
            };
        }
    }
}
