package io.forecaster.testing;

import io.forecaster.broker.Topics;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 access to the one {@link TestKafka} of a test run: started by the first test class that
 * needs it, shared by every later one in the same JVM, stopped when the run ends.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
 * ...
 * String topic = KAFKA.createTopic("points", 4);     // unique name, 4 partitions
 * Properties p = KAFKA.producerProperties();         // bootstrap servers + byte[] serializers
 * }</pre>
 *
 * Because the cluster is shared, tests create their own topics through {@link #createTopic}.
 */
public final class KafkaExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaExtension.class);
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private volatile TestKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka =
                context.getRoot()
                        .getStore(NAMESPACE)
                        .getOrComputeIfAbsent(
                                "kafka", k -> new Shared(TestKafka.start()), Shared.class)
                        .kafka;
    }

    /** The cluster; available from {@code @BeforeAll} on. */
    public TestKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException(
                    "KafkaExtension not started: register it as a static @RegisterExtension field");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /**
     * Creates a topic with a unique name starting with {@code prefix} (time-based retention off),
     * waits until it is usable and returns its name.
     */
    public String createTopic(String prefix, int partitions) {
        String name =
                prefix + "-" + TOPICS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        Topics.create(bootstrapServers(), name, partitions, Map.of());
        return name;
    }

    /** Admin client properties. */
    public Properties adminProperties() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /**
     * Producer properties with byte[] serializers and one request in flight per connection. Tests
     * write to topics they have just created: a partition the broker has not opened yet refuses the
     * first batch (not the leader, retried), and with several requests in flight a later batch can
     * be appended before it, after which the idempotent producer's retried first batch is refused
     * as out of order and its records are lost. One request at a time keeps the retry first.
     */
    public Properties producerProperties() {
        Properties p = adminProperties();
        p.setProperty(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return p;
    }

    /** Consumer properties with byte[] deserializers, a fresh group, earliest, read_committed. */
    public Properties consumerProperties() {
        Properties p = adminProperties();
        p.setProperty(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.setProperty(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.setProperty(
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + TOPICS.incrementAndGet() + "-" + System.nanoTime());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    /** Closed by JUnit at the end of the run (stores close their AutoCloseable values). */
    private static final class Shared implements AutoCloseable {
        final TestKafka kafka;

        Shared(TestKafka kafka) {
            this.kafka = kafka;
        }

        @Override
        public void close() {
            kafka.close();
        }
    }
}
