package io.forecaster.connectors.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The sinks' producer settings, from the options. */
class KafkaConnectorsTest {

    @Test
    void sinkProducersLingerAsTheOptionSaysAndWaitForEveryReplica() {
        Properties defaults = KafkaConnectors.producerProperties(new Configuration());
        assertThat(defaults.getProperty("linger.ms")).isEqualTo("5");
        assertThat(defaults.getProperty("acks")).isEqualTo("all");
        assertThat(defaults.getProperty("transaction.timeout.ms")).isEqualTo("600000");

        Configuration conf = new Configuration();
        conf.set(KafkaOptions.SINK_LINGER, Duration.ZERO);
        conf.set(KafkaOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(2));
        Properties now = KafkaConnectors.producerProperties(conf);
        assertThat(now.getProperty("linger.ms")).isEqualTo("0");
        assertThat(now.getProperty("transaction.timeout.ms")).isEqualTo("120000");
    }

    @Test
    void aNegativeLingerStopsTheSinkNamingTheOption() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.SINK_LINGER, Duration.ofMillis(-1));
        assertThatThrownBy(() -> KafkaOptions.checkSink(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.sink.linger");
    }
}
