package io.forecaster.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link TestKafka}'s choice that need no broker. */
class TestKafkaTest {

    @AfterEach
    void clear() {
        System.clearProperty(TestKafka.BOOTSTRAP_PROPERTY);
        System.clearProperty(TestKafka.KIND_PROPERTY);
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
