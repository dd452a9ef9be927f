package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tests for {@link StackSampler}'s thread groups and stack categories. */
class StackSamplerTest {

    @Test
    void tellsTaskThreadsFromTheirHelpers() {
        assertThat(
                        StackSampler.isTaskThread(
                                "Source: sensor-points-source -> split-dead-letters (1/2)#0"))
                .isTrue();
        assertThat(
                        StackSampler.isTaskThread(
                                "order-and-window -> forecast -> forecasts-sink: Writer (2/2)#0"))
                .isTrue();
        assertThat(
                        StackSampler.isTaskThread(
                                "Source Data Fetcher for Source: sensor-points-source (1/2)#0"))
                .isFalse();
        assertThat(StackSampler.group("kafka-producer-network-thread | e2e-bench-points"))
                .startsWith("benchmark");
    }

    @Test
    void stackGoesToItsFirstCategoryByPriority() {
        StackTraceElement[] stack = {
            new StackTraceElement(
                    "com.fasterxml.jackson.core.json.UTF8JsonGenerator", "w", null, 1),
            new StackTraceElement("io.forecaster.connectors.wire.ForecastCodec", "toJson", null, 1),
            new StackTraceElement(
                    "org.apache.kafka.clients.producer.KafkaProducer", "send", null, 1),
        };
        assertThat(StackSampler.category(stack)).isEqualTo("writing forecasts (JSON)");
    }

    @Test
    void machineBusyLeavesOutIdleAndIowait() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        long[] t = StackSampler.busyAndTotal("cpu  100 5 20 800 50 3 2 20 7 0");
        assertThat(t[1]).isEqualTo(100 + 5 + 20 + 800 + 50 + 3 + 2 + 20);
        assertThat(t[0]).isEqualTo(t[1] - 800 - 50);
        assertThatThrownBy(() -> StackSampler.busyAndTotal("cpu0 1 2 3 4 5"))
                .hasMessageContaining("cpu0 1 2 3 4 5");
    }
}
