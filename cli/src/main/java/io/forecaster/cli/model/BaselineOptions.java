package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.model.grid.TimeGrid;
import io.forecaster.training.eval.Baselines;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The naive forecasts {@code train} and {@code evaluate} print beside the model on the same points:
 * last-value always, seasonal-naive with a season ({@code --season}, or guessed from the time
 * grid); and {@code --require-beat-baseline}, which makes a model that does not beat them a failure
 * (exit 1), for pipelines.
 */
public final class BaselineOptions {

    @Option(
            names = "--season",
            paramLabel = "N",
            description =
                    "Season length in steps for the seasonal-naive baseline (forecast t by t-N)"
                            + " (default: guessed from --interval: 24 hourly, 7 daily, 52 weekly,"
                            + " 12 monthly; none without a grid).")
    Integer season;

    @Option(
            names = "--require-beat-baseline",
            description =
                    "Exit with code 1 (after printing and saving) when the model does not beat"
                            + " last-value and seasonal-naive on the scored points.")
    boolean requireBeat;

    /** The season to use: the one given, else guessed from {@code grid}, else 0 (none). */
    int season(CommandSpec spec, TimeGrid grid) {
        if (season != null) {
            return (int) CliErrors.atLeast(spec, "--season", season, 1);
        }
        return grid == null ? 0 : Baselines.guessSeason(grid.intervalMs());
    }

    /** Why there is no seasonal-naive figure, for the line that says it is skipped. */
    private static String why(TimeGrid grid, int season) {
        if (season > 0) {
            return "a scored point has no value "
                    + season
                    + " steps before it (the season reaches before the series)";
        }
        if (grid == null) {
            return "no --season and no time grid (--interval) to guess it from";
        }
        return "no season known for " + grid.intervalMs() + " ms slots; give --season N";
    }

    /**
     * Prints the model beside the baselines on the same points and whether it beats each; with
     * {@code --require-beat-baseline} a model that does not beat one is a failure.
     *
     * @param what the points, e.g. "test (points from the split on)"
     * @param seasonal the seasonal-naive MAE, NaN when not defined
     */
    void report(
            PrintWriter out,
            String what,
            double mae,
            double lastValue,
            double seasonal,
            int season,
            TimeGrid grid) {
        out.printf(
                Locale.ROOT,
                "%s: model MAE %s, last-value MAE %s%s%n",
                what,
                fmt(mae),
                fmt(lastValue),
                Double.isNaN(seasonal)
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", seasonal-naive (%d) MAE %s",
                                season,
                                fmt(seasonal)));
        List<String> lost = new ArrayList<>();
        String v = Baselines.verdict("last-value", mae, lastValue);
        out.println(v);
        if (!(mae < lastValue)) {
            lost.add(v);
        }
        if (Double.isNaN(seasonal)) {
            out.println("seasonal-naive skipped: " + why(grid, season));
        } else {
            String s = Baselines.verdict("seasonal-naive (" + season + ")", mae, seasonal);
            out.println(s);
            if (!(mae < seasonal)) {
                lost.add(s);
            }
        }
        out.flush();
        if (requireBeat && !lost.isEmpty()) {
            throw new IllegalStateException(
                    String.join("; ", lost) + " on the " + what + " (--require-beat-baseline)");
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.4f" : "%.2f", v);
    }
}
