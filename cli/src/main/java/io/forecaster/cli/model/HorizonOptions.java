package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.job.ForecastOptions;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.IntervalCalibration;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of forecasts H steps ahead with prediction intervals, as the job's {@code
 * forecast.horizon}, {@code forecast.interval-levels}, {@code forecast.interval-warmup}, {@code
 * forecast.interval-gain} and {@code window.slide}, with the same defaults.
 */
public final class HorizonOptions {

    @Option(
            names = "--horizon",
            paramLabel = "H",
            description =
                    "Forecast H steps ahead by recursive rollout and score every step as the job"
                            + " does live (forecast.horizon).")
    Integer horizon;

    @Option(
            names = "--levels",
            paramLabel = "LEVELS",
            description =
                    "Prediction-interval levels, e.g. 0.8,0.95, each strictly between 0 and 1"
                            + " (forecast.interval-levels; default: none).")
    String levels;

    @Option(
            names = "--interval-warmup",
            paramLabel = "N",
            defaultValue = "50",
            description =
                    "Scored errors a key's horizon step needs before its own errors set its"
                            + " intervals; before that they come from the bundle's calibration"
                            + " (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--interval-gain",
            paramLabel = "G",
            defaultValue = "0.1",
            description =
                    "Interval trackers' step size relative to the key's running MAE (default:"
                            + " ${DEFAULT-VALUE}).")
    double gain;

    @Option(
            names = "--slide",
            paramLabel = "S",
            defaultValue = "1",
            description =
                    "A forecast every S points once W are present (default: ${DEFAULT-VALUE}).")
    int slide;

    /** Whether forecasts past the next step or intervals are asked for. */
    boolean asked() {
        return horizon != null || levels != null;
    }

    /** The horizon, 1 when only levels are given. */
    int horizon(CommandSpec spec) {
        return horizon == null ? 1 : (int) CliErrors.atLeast(spec, "--horizon", horizon, 1);
    }

    /** The levels, sorted; each must lie strictly between 0 and 1. */
    double[] levels(CommandSpec spec) {
        double[] parsed =
                CliErrors.option(spec, "--levels", () -> ForecastOptions.parseLevels(levels));
        for (double level : parsed) {
            if (!(level > 0 && level < 1)) {
                throw CliErrors.usage(
                        spec,
                        "--levels",
                        String.format(
                                Locale.ROOT,
                                "'%s' must lie strictly between 0 and 1 (e.g. 0.8,0.95)",
                                level));
            }
        }
        return parsed;
    }

    /** The scoring these options describe, from {@code calibration} (may be null). */
    ForecastScoring scoring(CommandSpec spec, IntervalCalibration calibration) {
        int h = horizon(spec);
        double[] l = levels(spec);
        CliErrors.atLeast(spec, "--interval-warmup", warmup, 0);
        CliErrors.above(spec, "--interval-gain", gain, 0);
        CliErrors.atLeast(spec, "--slide", slide, 1);
        return new ForecastScoring(h, l, calibration, warmup, gain);
    }
}
