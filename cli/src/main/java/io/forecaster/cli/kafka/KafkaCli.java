package io.forecaster.cli.kafka;

import picocli.CommandLine.Option;

/** The option every Kafka command shares: where the cluster is. */
public final class KafkaCli {

    @Option(names = {"-b", "--bootstrap-servers"},
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    public String bootstrapServers() {
        return bootstrapServers;
    }
}
