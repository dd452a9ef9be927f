package io.forecaster.cli.kafka;

import io.forecaster.broker.EmbeddedKafkaBroker;
import io.forecaster.broker.Topics;
import io.forecaster.cli.CliErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forecaster broker}: the embedded Kafka broker in the foreground, for trying things out.
 */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a single-node Kafka 4.2 broker (KRaft) in the foreground on 127.0.0.1 until"
                    + " Ctrl-C,",
            "and creates the project's topics. For demos and manual tests, not for production.",
        })
public final class BrokerCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = {"-p", "--port"},
            defaultValue = "9092",
            description = "Client port on 127.0.0.1, 0 = any free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--data-dir",
            description =
                    "Keep the data in this folder (default: a temporary folder removed on exit).")
    Path dataDir;

    @Option(
            names = "--topics",
            split = ",",
            defaultValue = "sensor-points,forecasts,dead-letters,accuracy,model-events",
            description =
                    "Topics to create (default ${DEFAULT-VALUE}); the compacted models topic"
                            + " (models, 1 partition) is always created.")
    List<String> topics;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of each topic (default ${DEFAULT-VALUE}).")
    int partitions;

    /**
     * Checks the options (usage errors), then that the port is free (a failure if not: nothing is
     * wrong with the option, something else holds the port), then starts the broker.
     */
    @Override
    public Integer call() throws InterruptedException, IOException {
        if (port < 0 || port > 65535) {
            throw CliErrors.usage(spec, "--port", "'" + port + "' must be in 0-65535");
        }
        CliErrors.atLeast(spec, "--partitions", partitions, 1);
        for (String t : topics) {
            if (!t.isBlank() && !org.apache.kafka.common.internals.Topic.isValid(t.strip())) {
                throw CliErrors.usage(spec, "--topics", "'" + t + "' is not a valid topic name");
            }
        }
        if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw CliErrors.usage(spec, "--data-dir", "not a folder: " + dataDir);
        }
        if (port != 0) {
            CliErrors.portFree("--port", port);
        }
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, dataDir, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    broker.close();
                                    out.println(
                                            "Kafka broker at "
                                                    + broker.bootstrapServers()
                                                    + " stopped"
                                                    + (dataDir == null
                                                            ? ", its data removed."
                                                            : ", data kept in " + dataDir + "."));
                                    out.flush();
                                    stopped.countDown();
                                },
                                "broker-stop"));
        for (String t : topics) {
            if (!t.isBlank()) {
                Topics.create(broker.bootstrapServers(), t.strip(), partitions, Map.of());
            }
        }
        // The models topic is compacted: the latest record of each model name is the table.
        Topics.create(broker.bootstrapServers(), "models", 1, Map.of("cleanup.policy", "compact"));
        out.println(
                "Kafka broker up at "
                        + broker.bootstrapServers()
                        + ", topics "
                        + topics
                        + " ("
                        + partitions
                        + " partitions). Ctrl-C stops it.");
        out.println("export KAFKA_BOOTSTRAP_SERVERS=" + broker.bootstrapServers());
        out.flush();
        stopped.await();
        return 0;
    }
}
