package io.forecaster.cli;

import io.forecaster.broker.Topics;
import io.forecaster.job.ForecastOptions;
import io.forecaster.job.ForecastRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code forecaster run}: runs the forecasting job in this JVM (a local Flink cluster) against a
 * Kafka cluster, until it is stopped or, with {@code --kafka.points.bounded true}, until the points
 * topic is read to its end.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the forecasting job on a local Flink cluster against Kafka: points topic in,"
                    + " forecasts and dead letters out (exactly once by default).",
            "Job options are given as --key value (or in a file: --config job.yaml); see below."
        },
        footerHeading = "%nJob options (--key value):%n")
public final class RunCommand implements Callable<Integer> {

    private CommandSpec spec;

    /** Picocli hands in the command's model; the option table becomes the help footer. */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.usageMessage().footer(optionTable().toArray(new String[0]));
    }

    @Option(
            names = "--parallelism",
            description = "Parallelism of the local job (default: ${DEFAULT-VALUE}).")
    int parallelism = 1;

    @Option(
            names = "--connect-timeout",
            defaultValue = "30s",
            paramLabel = "DURATION",
            description =
                    "Before starting, wait this long for a Kafka broker to answer (default:"
                            + " ${DEFAULT-VALUE}).")
    String connectTimeout;

    @Unmatched List<String> jobArgs = new ArrayList<>();

    /** The footer: every job option with its default and description. */
    public static List<String> optionTable() {
        List<String> lines = new ArrayList<>();
        for (ConfigOption<?> o : ForecastOptions.ALL) {
            String line =
                    "  --"
                            + o.key()
                            + "  ["
                            + ForecastOptions.defaultText(o)
                            + "]%n      "
                            + ForecastOptions.describe(o);
            lines.add(line.replace("%", "%%").replace("%%n", "%n"));
        }
        return lines;
    }

    /**
     * Bad job options and an unreadable model are usage errors (their messages name the option);
     * Kafka not answering and the job failing are failures while running.
     */
    @Override
    public Integer call() throws Exception {
        CliErrors.atLeast(spec, "--parallelism", parallelism, 1);
        Duration timeout = CliErrors.duration(spec, "--connect-timeout", connectTimeout);
        ForecastOptions options;
        try {
            options = ForecastOptions.fromArgs(jobArgs.toArray(new String[0]));
            ForecastRunner.checkModel(options);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Topics.awaitReachable(options.bootstrapServers(), timeout);
        Configuration conf = ForecastRunner.jobConfiguration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        spec.commandLine()
                .getOut()
                .printf(
                        "forecaster run: %s -> %s (dead letters: %s) at %s, %s mode, %s engine%n",
                        options.pointsTopic(),
                        options.forecastsTopic(),
                        options.deadLettersTopic(),
                        options.bootstrapServers(),
                        options.mode().label(),
                        options.engine());
        ForecastRunner.run(env, options);
        return 0;
    }
}
