package io.forecaster.cli.kafka;

import io.forecaster.broker.Topics;
import io.forecaster.cli.CliErrors;
import io.forecaster.connectors.ModelRecord;
import io.forecaster.connectors.wire.ModelRecordCodec;
import io.forecaster.model.ModelBundle;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forecaster model publish|list|retire}: the models topic the job serves models from. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = {
            "Publishes, lists and retires the model versions a running job serves, on its"
                    + " compacted",
            "models topic (the job's kafka.models.topic).",
            "",
            "Examples:",
            "  model publish --name wind --bundle /shared/models/wind-2.zip --default",
            "  model publish --name coast --bundle s3://models/coast.zip --sha256 <hex> --prefix"
                    + " C-",
            "  model list",
            "  model retire coast",
        },
        subcommands = {
            ModelCommand.Publish.class,
            ModelCommand.ListModels.class,
            ModelCommand.Retire.class
        })
public final class ModelCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw CliErrors.usage(spec, "model", "give a subcommand: publish, list or retire");
    }

    /** The shared options of the subcommands. */
    static final class TopicOption {
        @Option(
                names = {"-t", "--topic"},
                defaultValue = "models",
                description = "Models topic (default ${DEFAULT-VALUE}).")
        String topic;
    }

    /** {@code model publish}. */
    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Publishes a version of a named model: the job loads it, checks it (sha256, window",
                "size, engine) and serves it to the keys its routes match, replacing the name's",
                "previous version between two batches; a version that fails a check is refused",
                "(see the job's model-events topic) and the previous one serves on.",
            })
    static final class Publish implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin KafkaCli kafka;
        @Mixin TopicOption topic;

        @Option(names = "--name", required = true, description = "Model name.")
        String name;

        @Option(
                names = "--bundle",
                required = true,
                description =
                        "Bundle location every TaskManager can read: a path or a URI (file://,"
                                + " s3://, hdfs://).")
        String bundle;

        @Option(
                names = "--version",
                description = "Version (default: the name's latest version on the topic plus 1).")
        Long version;

        @Option(
                names = "--sha256",
                description = "The bundle's sha256 (default: computed from a local bundle).")
        String sha256;

        @Option(names = "--key", split = ",", description = "Keys it serves (exact).")
        List<String> keys = List.of();

        @Option(names = "--prefix", split = ",", description = "Key prefixes it serves.")
        List<String> prefixes = List.of();

        @Option(names = "--regex", description = "A regular expression over whole keys.")
        String regex;

        @Option(
                names = "--priority",
                defaultValue = "0",
                description = "Routes are tried from the highest priority down (default 0).")
        int priority;

        @Option(
                names = "--default",
                description = "The default model: serves the keys no route matches.")
        boolean isDefault;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            String location = bundle.strip();
            Path local = localPath(location);
            String hash = sha256;
            if (local != null) {
                if (!Files.isRegularFile(local)) {
                    throw CliErrors.usage(spec, "--bundle", "no such file: " + local);
                }
                byte[] bytes = Files.readAllBytes(local);
                String actual = ModelBundle.sha256(bytes);
                if (hash != null && !hash.equals(actual)) {
                    throw CliErrors.usage(
                            spec, "--sha256", hash + " differs from the file's " + actual);
                }
                hash = actual;
                ModelBundle b = ModelBundle.fromBytes(bytes, local.toString());
                out.printf(
                        "bundle %s: model id %s, window size %d%n",
                        local, b.metadata().modelId(), b.metadata().windowSize());
                location = local.toAbsolutePath().toUri().toString();
            } else if (hash == null) {
                throw CliErrors.usage(
                        spec, "--sha256", "is required for a bundle that is not a local file");
            }
            kafka.awaitReachable();
            String servers = kafka.bootstrapServers();
            Topics.create(servers, topic.topic, 1, Map.of("cleanup.policy", "compact"));
            long v = version != null ? version : latest(servers, topic.topic, name) + 1;
            ModelRecord r;
            try {
                r =
                        ModelRecord.of(
                                name,
                                v,
                                location,
                                hash,
                                keys.toArray(String[]::new),
                                prefixes.toArray(String[]::new),
                                regex,
                                priority,
                                isDefault,
                                System.currentTimeMillis());
            } catch (IllegalArgumentException e) {
                throw CliErrors.usage(spec, "--name", e.getMessage());
            }
            try (KafkaProducer<byte[], byte[]> p =
                    Producers.idempotent(servers, "forecaster-model-publish")) {
                p.send(
                                new ProducerRecord<>(
                                        topic.topic,
                                        name.getBytes(StandardCharsets.UTF_8),
                                        ModelRecordCodec.toJson(r)))
                        .get(60, TimeUnit.SECONDS);
            }
            out.printf(
                    "published %s (%s, sha256 %s) to %s%n", r.label(), location, hash, topic.topic);
            out.flush();
            return 0;
        }

        private static Path localPath(String location) {
            if (location.startsWith("file:")) {
                return Path.of(URI.create(location));
            }
            return location.contains("://") ? null : Path.of(location);
        }
    }

    /** {@code model list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the latest record of every model name on the models topic.")
    static final class ListModels implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin KafkaCli kafka;
        @Mixin TopicOption topic;

        @Override
        public Integer call() {
            kafka.awaitReachable();
            PrintWriter out = spec.commandLine().getOut();
            Map<String, ModelRecord> table = read(kafka.bootstrapServers(), topic.topic);
            out.printf(
                    "%-16s %8s %8s %-8s %-40s %s%n",
                    "model", "version", "priority", "default", "routes", "bundle");
            for (ModelRecord r : table.values()) {
                if (r.retired()) {
                    continue;
                }
                if (r.problem() != null) {
                    out.printf("%-16s unreadable: %s%n", r.name(), r.problem());
                    continue;
                }
                List<String> routes = new ArrayList<>();
                for (String k : r.keys()) {
                    routes.add("key " + k);
                }
                for (String p : r.prefixes()) {
                    routes.add("prefix " + p);
                }
                if (r.regex() != null) {
                    routes.add("regex " + r.regex());
                }
                out.printf(
                        "%-16s %8d %8d %-8s %-40s %s (published %s)%n",
                        r.name(),
                        r.version(),
                        r.priority(),
                        r.isDefault() ? "yes" : "",
                        String.join(", ", routes),
                        r.location(),
                        Instant.ofEpochMilli(r.publishedAt()));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code model retire}. */
    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = {
                "Retires a model name (a tombstone on the models topic): the job stops serving it",
                "and its keys go to the next matching route or the default model.",
            })
    static final class Retire implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin KafkaCli kafka;
        @Mixin TopicOption topic;

        @Parameters(paramLabel = "NAME", description = "Model name.")
        String name;

        @Override
        public Integer call() throws Exception {
            kafka.awaitReachable();
            String servers = kafka.bootstrapServers();
            if (!read(servers, topic.topic).containsKey(name)) {
                throw CliErrors.usage(spec, "NAME", "no model '" + name + "' on " + topic.topic);
            }
            try (KafkaProducer<byte[], byte[]> p =
                    Producers.idempotent(servers, "forecaster-model-retire")) {
                p.send(
                                new ProducerRecord<>(
                                        topic.topic, name.getBytes(StandardCharsets.UTF_8), null))
                        .get(60, TimeUnit.SECONDS);
            }
            spec.commandLine().getOut().printf("retired %s on %s%n", name, topic.topic);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** The name's latest version on the topic (0 when none). */
    static long latest(String servers, String topic, String name) {
        ModelRecord r = read(servers, topic).get(name);
        return r == null || !r.isVersion() ? 0 : r.version();
    }

    /** The topic's latest record per name (a tombstone for a retired one), by name. */
    static Map<String, ModelRecord> read(String servers, String topic) {
        Map<String, ModelRecord> table = new TreeMap<>();
        if (!Topics.exists(servers, topic)) {
            return table;
        }
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : c.partitionsFor(topic)) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    ModelRecord m = ModelRecordCodec.read(r.key(), r.value());
                    if (m.name() != null) {
                        table.put(m.name(), m);
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read " + topic + ": " + e.getMessage(), e);
        }
        return table;
    }
}
