package io.forecaster.cli.sql;

import io.forecaster.broker.EmbeddedKafkaBroker;
import io.forecaster.broker.Topics;
import io.forecaster.cli.CliErrors;
import io.forecaster.cli.kafka.ReplayCommand;
import io.forecaster.job.ForecastRunner;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forecaster sql -f FILE.sql}: runs a Flink SQL script on a local Flink cluster in this JVM,
 * with the {@code FORECAST} function registered and, unless {@code -b} names a Kafka cluster, an
 * embedded Kafka broker holding the project's topics.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a Flink SQL script on a local Flink cluster, statement by statement: the"
                    + " FORECAST function is registered, an embedded Kafka broker is started"
                    + " (unless -b names one) and ${bootstrap} in the script is its address.",
            "INSERT statements run to their end (bounded sources) or until Ctrl-C; SELECT"
                    + " results are printed."
        })
public final class SqlCommand implements Callable<Integer> {

    /** The class {@code FORECAST} is registered as. */
    public static final String FUNCTION_CLASS = "io.forecaster.job.sql.ForecastFunction";

    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");

    @Spec CommandSpec spec;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "FILE.sql",
            description = "The script.")
    Path file;

    @Option(
            names = {"-b", "--bootstrap-servers"},
            paramLabel = "HOST:PORT",
            description = "A Kafka cluster to use instead of starting the embedded broker.")
    String bootstrap;

    @Option(
            names = "--replay",
            paramLabel = "FILE",
            description =
                    "Before the script, replay this CSV or JSON-lines file of points into"
                            + " --replay-topic (as `forecaster replay` does; repeatable).")
    List<Path> replay = new ArrayList<>();

    @Option(
            names = "--replay-topic",
            defaultValue = "sensor-points",
            description = "Topic for --replay (default: ${DEFAULT-VALUE}).")
    String replayTopic;

    @Option(
            names = {"-D", "--define"},
            paramLabel = "NAME=VALUE",
            description = "A variable for ${NAME} in the script (repeatable).")
    Map<String, String> defines = new LinkedHashMap<>();

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description =
                    "Default parallelism of the statements' jobs (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "2s",
            description =
                    "Checkpoint interval (Kafka sinks commit on checkpoints; default:"
                            + " ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Override
    public Integer call() throws Exception {
        CliErrors.inputFile(spec, "--file", file);
        for (Path p : replay) {
            CliErrors.inputFile(spec, "--replay", p);
        }
        CliErrors.atLeast(spec, "--parallelism", parallelism, 1);
        Duration interval = CliErrors.duration(spec, "--checkpoint-interval", checkpointInterval);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("bootstrap", bootstrap == null ? "(embedded broker)" : bootstrap);
        variables.put("pwd", Path.of("").toAbsolutePath().toString());
        variables.putAll(defines);
        try {
            SqlScript.statements(text, variables); // usage errors before anything starts
        } catch (IllegalArgumentException e) {
            throw CliErrors.usage(spec, "--file", file + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafkaBroker broker = null;
        try {
            if (bootstrap == null) {
                broker = EmbeddedKafkaBroker.start();
                for (String t : List.of("sensor-points", "forecasts", "dead-letters")) {
                    Topics.create(broker.bootstrapServers(), t, 4, Map.of());
                }
                variables.put("bootstrap", broker.bootstrapServers());
                out.println(
                        "forecaster sql: embedded Kafka broker at " + broker.bootstrapServers());
            } else {
                Topics.awaitReachable(bootstrap, Duration.ofSeconds(30));
            }
            out.flush();
            for (Path p : replay) {
                replay(variables.get("bootstrap"), p);
            }
            run(SqlScript.statements(text, variables), interval, out);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        return 0;
    }

    private void replay(String servers, Path points) {
        int code =
                new CommandLine(new ReplayCommand())
                        .execute(
                                "-b",
                                servers,
                                "-t",
                                replayTopic,
                                "--no-progress",
                                points.toString());
        if (code != 0) {
            throw new IllegalStateException("replay of " + points + " failed (exit " + code + ")");
        }
    }

    private void run(List<String> statements, Duration interval, PrintWriter out) throws Exception {
        Configuration conf = ForecastRunner.jobConfiguration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.setString("execution.checkpointing.interval", interval.toMillis() + " ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION FORECAST AS '" + FUNCTION_CLASS + "'");
        for (String statement : statements) {
            String first = statement.lines().findFirst().orElse("").strip();
            out.println("forecaster sql> " + first + (statement.contains("\n") ? " ..." : ""));
            out.flush();
            Matcher set = SET.matcher(statement);
            if (set.matches()) {
                tEnv.getConfig().getConfiguration().setString(set.group(1), set.group(2));
                continue;
            }
            long start = System.nanoTime();
            TableResult result = tEnv.executeSql(statement);
            if (result.getJobClient().isPresent()
                    && !statement.strip().toUpperCase(Locale.ROOT).startsWith("SELECT")) {
                out.printf(
                        "forecaster sql: job %s running%n", result.getJobClient().get().getJobID());
                out.flush();
                result.await();
                out.printf(
                        "forecaster sql: job finished in %.1f s%n",
                        (System.nanoTime() - start) / 1e9);
            } else if (result.getResultKind() == ResultKind.SUCCESS_WITH_CONTENT) {
                result.print();
            }
            out.flush();
        }
    }
}
