package io.forecaster.job.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code forecaster} command line: one entry point for every module's commands. Each module
 * owns its subcommands; this class only lists them.
 */
@Command(
        name = "forecaster",
        mixinStandardHelpOptions = true,
        version = "forecaster 0.1.0",
        description = "Streaming Conv1D-LSTM forecaster on Flink and Kafka.",
        subcommands = {
            CommandLine.HelpCommand.class,
            io.forecaster.job.cli.RunCommand.class,
            io.forecaster.connectors.cli.BrokerCommand.class,
            io.forecaster.connectors.cli.ReplayCommand.class,
            io.forecaster.connectors.cli.TailCommand.class,
            io.forecaster.model.cli.SummaryCommand.class,
            io.forecaster.model.cli.TrainCommand.class,
            io.forecaster.model.cli.EvaluateCommand.class,
            io.forecaster.model.keras.ImportCommand.class,
            io.forecaster.model.cli.PredictCommand.class,
            io.forecaster.job.demo.DemoCommand.class,
            io.forecaster.job.bench.E2eBenchCommand.class,
        })
public final class ForecasterCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new ForecasterCli()).execute(args));
    }
}
