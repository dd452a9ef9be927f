package io.forecaster.cli.bench;

import io.forecaster.broker.Topics;
import io.forecaster.connectors.ModelRecord;
import io.forecaster.connectors.wire.ModelRecordCodec;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The models of a {@code models=N} case: N copies of the bench model, each its own bundle file (its
 * model id says which, so its sha256 differs from the others'), published on a compacted models
 * topic. Model {@code i} serves the i-th of N contiguous ranges of the keys, by key prefix, and
 * every other model by the equivalent regular expression.
 */
final class BenchModels {

    private final String bootstrap;
    private final String topic;
    private final ModelBundle bundle;
    private final Path dir;
    private final int keys;
    private final int count;

    private BenchModels(
            String bootstrap, String topic, ModelBundle bundle, Path dir, int keys, int count) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.bundle = bundle;
        this.dir = dir;
        this.keys = keys;
        this.count = count;
    }

    /** Creates the compacted models topic and the model-events topic; publishes nothing yet. */
    static BenchModels create(
            String bootstrap,
            String topic,
            String eventsTopic,
            Path model,
            Path dir,
            int keys,
            int count)
            throws IOException {
        Topics.create(bootstrap, topic, 1, Map.of("cleanup.policy", "compact"));
        Topics.create(bootstrap, eventsTopic, 1, Map.of());
        Files.createDirectories(dir);
        return new BenchModels(bootstrap, topic, ModelBundle.load(model), dir, keys, count);
    }

    String topic() {
        return topic;
    }

    int count() {
        return count;
    }

    /** The name of model {@code i}. */
    static String name(int i) {
        return "bench-" + i;
    }

    /**
     * Writes version {@code version} of every model (a bundle file of its own each) and publishes
     * their records; returns the wall-clock time the last record was acknowledged.
     */
    long publish(long version) throws IOException {
        List<ModelRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve(name(i) + "-v" + version + ".zip");
            BundleMetadata m = bundle.metadata();
            new ModelBundle(
                            new BundleMetadata(
                                    m.formatVersion(),
                                    m.modelId() + "-" + name(i) + "-v" + version,
                                    m.hyperParams(),
                                    m.windowSize(),
                                    m.mode(),
                                    m.scaling(),
                                    m.trainingDataSha256(),
                                    m.source(),
                                    m.evaluation(),
                                    m.createdAt(),
                                    m.format(),
                                    m.calibration(),
                                    m.target()),
                            bundle.params(),
                            bundle.graphs())
                    .save(file);
            String sha = ModelBundle.sha256(Files.readAllBytes(file));
            List<String> prefixes = prefixes(i);
            boolean byRegex = i % 2 == 1;
            records.add(
                    ModelRecord.of(
                            name(i),
                            version,
                            file.toUri().toString(),
                            sha,
                            null,
                            byRegex ? null : prefixes.toArray(String[]::new),
                            byRegex ? regexOf(prefixes) : null,
                            10,
                            false,
                            System.currentTimeMillis()));
        }
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (ModelRecord r : records) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                r.name().getBytes(StandardCharsets.UTF_8),
                                ModelRecordCodec.toJson(r)));
            }
            producer.flush();
        }
        return System.currentTimeMillis();
    }

    /** The key prefixes of model {@code i}: its range of the key indexes. */
    List<String> prefixes(int i) {
        return prefixes((int) ((long) i * keys / count), (int) ((long) (i + 1) * keys / count));
    }

    /**
     * The fewest prefixes of {@link SyntheticPoints#sensor} ids that cover key indexes [from, to)
     * exactly (ids are "s" and six digits below a million keys).
     */
    static List<String> prefixes(int from, int to) {
        List<String> out = new ArrayList<>();
        int lo = from;
        while (lo < to) {
            int digits = 0;
            int span = 1;
            while (digits < 6 && lo % (span * 10) == 0 && lo + span * 10 <= to) {
                span *= 10;
                digits++;
            }
            String id = SyntheticPoints.sensor(lo);
            out.add(id.substring(0, id.length() - digits));
            lo += span;
        }
        return out;
    }

    /** A regular expression matching exactly the keys with one of {@code prefixes}. */
    static String regexOf(List<String> prefixes) {
        return "(?:" + String.join("|", prefixes) + ")[0-9]*";
    }
}
