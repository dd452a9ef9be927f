package io.forecaster.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Tests for {@link EmbeddedKafkaBroker}: a real broker that starts, serves and cleans up. */
class EmbeddedKafkaBrokerITCase {

    @Test
    void startsServesAndRemovesItsDataOnClose() throws Exception {
        Path dir;
        long t1975 = 157_766_400_000L; // old: retention is off
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            dir = kafka.directory();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(Files.isDirectory(dir.resolve("data"))).isTrue();

            Properties pp = new Properties();
            pp.put("bootstrap.servers", kafka.bootstrapServers());
            try (KafkaProducer<String, String> p =
                    new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                p.send(new ProducerRecord<>("smoke", null, t1975, "VAL", "hello")).get();
            }
            Properties cp = new Properties();
            cp.put("bootstrap.servers", kafka.bootstrapServers());
            cp.put("auto.offset.reset", "earliest");
            cp.put("group.id", "smoke");
            try (KafkaConsumer<String, String> c =
                    new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of("smoke"));
                ConsumerRecord<String, String> r = null;
                long deadline = System.currentTimeMillis() + 30_000;
                while (r == null && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, String> x : c.poll(Duration.ofMillis(500))) {
                        r = x;
                    }
                }
                assertThat(r).isNotNull();
                assertThat(r.key()).isEqualTo("VAL");
                assertThat(r.value()).isEqualTo("hello");
                assertThat(r.timestamp()).isEqualTo(t1975);
            }
        }
        assertThat(Files.exists(dir)).as("data folder %s removed", dir).isFalse();
    }

    @Test
    void keepsAGivenDataFolder(@org.junit.jupiter.api.io.TempDir Path tmp) {
        Path data = tmp.resolve("kafka");
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start(0, data, Map.of())) {
            assertThat(kafka.directory()).isEqualTo(data);
        }
        assertThat(Files.isDirectory(data.resolve("data"))).isTrue();
    }
}
