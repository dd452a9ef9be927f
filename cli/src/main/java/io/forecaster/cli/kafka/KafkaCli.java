package io.forecaster.cli.kafka;

import io.forecaster.broker.Topics;
import io.forecaster.cli.CliErrors;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every Kafka command shares: where the cluster is, and how long to wait for it. */
public final class KafkaCli {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = {"-b", "--bootstrap-servers"},
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description =
                    "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or"
                            + " ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--connect-timeout",
            defaultValue = "30s",
            paramLabel = "DURATION",
            description =
                    "Give up when no Kafka broker answers within this long (default"
                            + " ${DEFAULT-VALUE}).")
    String connectTimeout;

    /** The bootstrap servers, checked to be host:port pairs (a usage error otherwise). */
    public String bootstrapServers() {
        return checkBootstrap(spec, "--bootstrap-servers", bootstrapServers);
    }

    /** The connect timeout (a usage error when it is no duration). */
    public Duration connectTimeout() {
        return CliErrors.duration(spec, "--connect-timeout", connectTimeout);
    }

    /** Waits for a broker to answer; a failure (not a usage error) when none does in time. */
    public void awaitReachable() {
        Topics.awaitReachable(bootstrapServers(), connectTimeout());
    }

    /** Checks that {@code servers} is a comma-separated list of host:port. */
    public static String checkBootstrap(CommandSpec spec, String option, String servers) {
        for (String s : servers.split(",", -1)) {
            String t = s.strip();
            int colon = t.lastIndexOf(':');
            boolean ok = colon > 0;
            if (ok) {
                try {
                    int port = Integer.parseInt(t.substring(colon + 1));
                    ok = port >= 1 && port <= 65535;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                throw CliErrors.usage(spec, option, "'" + servers + "' is not a list of host:port");
            }
        }
        return servers;
    }
}
