package io.forecaster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link TestKafka}'s choice that need no broker. */
class TestKafkaTest {

    private final String kind = System.getProperty(TestKafka.KIND_PROPERTY);

    @BeforeEach
    void noChoiceFromTheCommandLine() {
        System.clearProperty(TestKafka.KIND_PROPERTY);
    }

    @AfterEach
    void clear() {
        if (kind != null) {
            System.setProperty(TestKafka.KIND_PROPERTY, kind);
        } else {
            System.clearProperty(TestKafka.KIND_PROPERTY);
        }
        System.clearProperty(TestKafka.BOOTSTRAP_PROPERTY);
        System.clearProperty(TestKafka.IMAGE_PROPERTY);
    }

    @Test
    void runsTheLocallyBuiltImageOfTheClientsKafkaVersionUnlessOneIsNamed() {
        assertThat(TestKafka.image()).isEqualTo("forecaster/kafka:" + AppInfoParser.getVersion());
        System.setProperty(TestKafka.IMAGE_PROPERTY, "apache/kafka:4.2.0");
        assertThat(TestKafka.image()).isEqualTo("apache/kafka:4.2.0");
    }

    @Test
    void dockerForcedWithoutAnEngineFailsNamingTheReason() {
        assumeFalse(DockerKafka.available(), "a Docker engine answers here");
        System.setProperty(TestKafka.KIND_PROPERTY, "docker");
        assertThatThrownBy(TestKafka::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kafka.test.broker=docker")
                .hasMessageContaining("Docker engine");
    }

    @Test
    void usesTheExternalClusterWhenItsAddressIsGiven() {
        System.setProperty(TestKafka.BOOTSTRAP_PROPERTY, " kafka-1:9092,kafka-2:9092 ");
        try (TestKafka k = TestKafka.start()) {
            assertThat(k.kind()).isEqualTo("external");
            assertThat(k.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        }
    }

    @Test
    void rejectsAnUnknownKindAndExternalWithoutAnAddress() {
        System.setProperty(TestKafka.KIND_PROPERTY, "zookeeper");
        assertThatThrownBy(TestKafka::start).hasMessageContaining("\"zookeeper\"");
        System.setProperty(TestKafka.KIND_PROPERTY, "external");
        if (System.getenv("KAFKA_BOOTSTRAP_SERVERS") == null) {
            assertThatThrownBy(TestKafka::start).hasMessageContaining(TestKafka.BOOTSTRAP_PROPERTY);
        }
    }
}
