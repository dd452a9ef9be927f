package io.forecaster.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code forecaster} command line: one entry point for every command, with one error convention
 * ({@link CliErrors}): usage errors exit 2, failures while running exit 1, each with one line on
 * stderr.
 */
@Command(
        name = "forecaster",
        mixinStandardHelpOptions = true,
        version = "forecaster 0.1.0",
        description = "Streaming Conv1D-LSTM forecaster on Flink and Kafka.",
        subcommands = {
            CommandLine.HelpCommand.class,
            io.forecaster.cli.RunCommand.class,
            io.forecaster.cli.kafka.BrokerCommand.class,
            io.forecaster.cli.kafka.ReplayCommand.class,
            io.forecaster.cli.kafka.TailCommand.class,
            io.forecaster.cli.kafka.ModelCommand.class,
            io.forecaster.cli.model.SummaryCommand.class,
            io.forecaster.cli.model.TrainCommand.class,
            io.forecaster.cli.model.EvaluateCommand.class,
            io.forecaster.cli.model.CalibrateCommand.class,
            io.forecaster.cli.model.ImportCommand.class,
            io.forecaster.cli.model.ExportCommand.class,
            io.forecaster.cli.model.PredictCommand.class,
            io.forecaster.cli.demo.DemoCommand.class,
            io.forecaster.cli.bench.E2eBenchCommand.class,
            io.forecaster.cli.sql.SqlCommand.class,
        })
public final class ForecasterCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The root command line with every subcommand and the error handlers installed. */
    public static CommandLine commandLine() {
        return CliErrors.install(new CommandLine(new ForecasterCli()));
    }
}
