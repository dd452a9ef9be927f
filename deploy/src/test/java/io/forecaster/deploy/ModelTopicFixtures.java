package io.forecaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.ModelRecord;
import io.forecaster.connectors.wire.ModelEventCodec;
import io.forecaster.connectors.wire.ModelRecordCodec;
import io.forecaster.deploy.ReliabilityFixtures.Received;
import io.forecaster.model.ModelBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the cluster tests that serve models from the models topic share: publishing and events. */
final class ModelTopicFixtures {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTopicFixtures.class);

    private ModelTopicFixtures() {}

    /**
     * Which version made the forecasts: per key the window end of each version's first forecast,
     * each key's last version, and the forecasts per key and version.
     */
    record Versions(
            Map<Long, Map<String, Long>> first,
            Map<String, Long> last,
            Map<String, Map<Long, Integer>> perVersion) {

        /** Per key, the window end of the first forecast of {@code version}. */
        Map<String, Long> firstOf(long version) {
            return first.getOrDefault(version, Map.of());
        }
    }

    /**
     * Reads the versions off the forecasts {@code got} (in the order read, per key in order) of
     * model {@code name}; adds to {@code problems} every forecast that names another model or a
     * version not in {@code known}, and every one that goes back to an older version than its key
     * had.
     */
    static Versions versions(
            List<Received<Forecast>> got, String name, Set<Long> known, List<String> problems) {
        Map<Long, Map<String, Long>> first = new TreeMap<>();
        Map<String, Long> last = new HashMap<>();
        Map<String, Map<Long, Integer>> perVersion = new TreeMap<>();
        for (Received<Forecast> r : got) {
            Forecast f = r.value();
            String id = ReliabilityFixtures.id(f.sensorId(), f.windowEnd());
            if (!name.equals(f.modelName()) || f.modelVersion() == null) {
                problems.add(id + ": made by " + f.modelName() + " v" + f.modelVersion());
                continue;
            }
            long v = f.modelVersion();
            if (!known.contains(v)) {
                problems.add(id + ": made by version " + v);
                continue;
            }
            Long before = last.put(f.sensorId(), v);
            if (before != null && before > v) {
                problems.add(id + ": v" + v + " after v" + before);
            }
            first.computeIfAbsent(v, x -> new HashMap<>()).putIfAbsent(f.sensorId(), f.windowEnd());
            perVersion
                    .computeIfAbsent(f.sensorId(), k -> new TreeMap<>())
                    .merge(v, 1, Integer::sum);
        }
        return new Versions(first, last, perVersion);
    }

    /**
     * What each forecast of {@code got} must be: the offline forecast (by id) of the version it
     * names, from {@code offline}; ids no forecast has (a missing one) expect version {@code
     * otherwise}'s, so that {@link ReliabilityFixtures#compare} reports them missing.
     */
    static Map<String, double[]> expectedByVersion(
            List<Received<Forecast>> got,
            Map<Long, Map<String, double[]>> offline,
            long otherwise) {
        Map<String, double[]> expected = new HashMap<>();
        for (Received<Forecast> r : got) {
            Forecast f = r.value();
            Map<String, double[]> of =
                    f.modelVersion() == null ? null : offline.get(f.modelVersion());
            String id = ReliabilityFixtures.id(f.sensorId(), f.windowEnd());
            if (of != null && of.containsKey(id)) {
                expected.putIfAbsent(id, of.get(id));
            }
        }
        offline.get(otherwise).forEach(expected::putIfAbsent);
        return expected;
    }

    /** Publishes version {@code version} of model {@code name} (the default model, no routes). */
    static void publish(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            String name,
            long version,
            Path bundle,
            String sha256)
            throws Exception {
        ModelRecord r =
                ModelRecord.of(
                        name,
                        version,
                        bundle.toUri().toString(),
                        sha256,
                        null,
                        null,
                        null,
                        0,
                        true,
                        System.currentTimeMillis());
        producer.send(
                        new ProducerRecord<>(
                                topic,
                                name.getBytes(StandardCharsets.UTF_8),
                                ModelRecordCodec.toJson(r)))
                .get();
        LOG.info("published {} ({})", r.label(), bundle.getFileName());
    }

    /** The sha256 of {@code file}, as a model record carries it. */
    static String sha256(Path file) throws Exception {
        return ModelBundle.sha256(Files.readAllBytes(file));
    }

    /** Reads the model-events topic read_committed from the beginning in a thread of its own. */
    static final class EventReader implements AutoCloseable {
        private final List<ModelEvent> events = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;
        private final AtomicInteger errors = new AtomicInteger();

        EventReader(String bootstrap, String topic) {
            Properties p = new Properties();
            p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.setProperty(
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            p.setProperty(
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            thread =
                    new Thread(
                            () -> {
                                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
                                    List<TopicPartition> tp = List.of(new TopicPartition(topic, 0));
                                    c.assign(tp);
                                    c.seekToBeginning(tp);
                                    while (running) {
                                        for (ConsumerRecord<byte[], byte[]> r :
                                                c.poll(Duration.ofMillis(200))) {
                                            events.add(ModelEventCodec.fromJson(r.value()));
                                        }
                                    }
                                } catch (Throwable t) {
                                    errors.incrementAndGet();
                                    LOG.error("model-events reader failed", t);
                                }
                            },
                            "model-events-reader");
            thread.setDaemon(true);
            thread.start();
        }

        List<ModelEvent> events() {
            assertThat(errors.get()).as("model-events reader errors").isZero();
            return List.copyOf(events);
        }

        /** How many distinct subtasks reported {@code event} for {@code version}. */
        long subtasks(String event, long version) {
            return events().stream()
                    .filter(e -> e.event().equals(event) && e.version() == version)
                    .map(ModelEvent::subtask)
                    .distinct()
                    .count();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
