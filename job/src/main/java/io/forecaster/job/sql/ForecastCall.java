package io.forecaster.job.sql;

import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.job.ForecastOptions;
import io.forecaster.job.SlidingCount;
import io.forecaster.model.grid.Aggregate;
import io.forecaster.model.grid.GapFill;
import io.forecaster.model.grid.TimeGrid;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.util.TimeUtils;

/**
 * The scalar arguments of one {@code FORECAST} call, checked: each problem is reported with the
 * argument's name and value ({@code mode => 'fast'}). Kept in the function's state as {@link
 * #text()}, so a timer that fires after a restore, before any row reached the function, knows the
 * call it belongs to.
 *
 * @param model the bundle's path or {@code file:} URI, readable where the function runs
 * @param mode window or stateful
 * @param windowSize W, or null: the bundle's window size
 * @param slide S: points between two forecasts of a key
 * @param valueColumn the input column with the values, or null: the column named {@code value}
 * @param horizon H: values forecast past each window's newest point
 * @param lateness how long a point is held after its event time before release
 * @param resetGap stateful mode: a gap longer than this restarts the key (zero: never)
 * @param quietTimeout a key's state is removed once the watermark passes its newest point by this
 * @param engine the inference engine's name
 * @param levels prediction-interval levels, sorted, each in (0, 1); empty: no intervals
 * @param intervalWarmup scored errors a key's horizon step needs before its own intervals
 * @param intervalGain the interval trackers' step size relative to the key's running MAE
 * @param seriesInterval the time grid's slot length, or null: no grid
 * @param seriesOrigin the grid's origin (an ISO-8601 time)
 * @param seriesAggregate how the points of one slot are combined
 * @param gapFill how missing slots are filled
 * @param gapMaxFill the longest gap (in slots) that is filled; longer ones restart the key
 */
public record ForecastCall(
        String model,
        ForecastOptions.Mode mode,
        Integer windowSize,
        int slide,
        String valueColumn,
        int horizon,
        Duration lateness,
        Duration resetGap,
        Duration quietTimeout,
        String engine,
        double[] levels,
        int intervalWarmup,
        double intervalGain,
        Duration seriesInterval,
        String seriesOrigin,
        Aggregate seriesAggregate,
        GapFill gapFill,
        int gapMaxFill)
        implements Serializable {

    static final String MODEL = "model";
    static final String MODE = "mode";
    static final String WINDOW_SIZE = "window_size";
    static final String SLIDE = "slide";
    static final String VALUE_COLUMN = "value_column";
    static final String HORIZON = "horizon";
    static final String LATENESS = "lateness";
    static final String RESET_GAP = "reset_gap";
    static final String QUIET_TIMEOUT = "quiet_timeout";
    static final String ENGINE = "engine";
    static final String INTERVAL_LEVELS = "interval_levels";
    static final String INTERVAL_WARMUP = "interval_warmup";
    static final String INTERVAL_GAIN = "interval_gain";
    static final String SERIES_INTERVAL = "series_interval";
    static final String SERIES_ORIGIN = "series_origin";
    static final String SERIES_AGGREGATE = "series_aggregate";
    static final String GAP_FILL = "gap_fill";
    static final String GAP_MAX_FILL = "gap_max_fill";

    /** The arguments as given (null: not given), checked; defaults as the job's options. */
    public static ForecastCall of(
            String model,
            String mode,
            Integer windowSize,
            Integer slide,
            String valueColumn,
            Integer horizon,
            String lateness,
            String resetGap,
            String quietTimeout,
            String engine,
            String intervalLevels,
            Integer intervalWarmup,
            String intervalGain,
            String seriesInterval,
            String seriesOrigin,
            String seriesAggregate,
            String gapFill,
            Integer gapMaxFill) {
        if (model == null || model.isBlank()) {
            throw bad(MODEL, model, "a model bundle is required");
        }
        if (windowSize != null && windowSize < 1) {
            throw bad(WINDOW_SIZE, windowSize, "must be at least 1");
        }
        int s = slide == null ? 1 : slide;
        if (s < 1) {
            throw bad(SLIDE, slide, "must be at least 1");
        }
        int h = horizon == null ? 1 : horizon;
        if (h < 1 || h > 1000) {
            throw bad(HORIZON, horizon, "must be between 1 and 1000");
        }
        Duration quiet = duration(QUIET_TIMEOUT, quietTimeout, Duration.ofDays(7));
        if (quiet.isZero()) {
            throw bad(QUIET_TIMEOUT, quietTimeout, "must be positive");
        }
        Duration interval = null;
        if (seriesInterval != null) {
            interval = duration(SERIES_INTERVAL, seriesInterval, null);
            if (interval.toMillis() < 1) {
                throw bad(SERIES_INTERVAL, seriesInterval, "must be at least 1 ms");
            }
        } else {
            String[] names = {SERIES_ORIGIN, SERIES_AGGREGATE, GAP_FILL, GAP_MAX_FILL};
            Object[] values = {seriesOrigin, seriesAggregate, gapFill, gapMaxFill};
            for (int i = 0; i < names.length; i++) {
                if (values[i] != null) {
                    throw bad(
                            names[i],
                            values[i],
                            "needs " + SERIES_INTERVAL + ": without a time grid it has no effect");
                }
            }
        }
        String origin = seriesOrigin == null ? "1970-01-01T00:00:00Z" : seriesOrigin;
        try {
            WireFormat.parseTime(origin);
        } catch (RuntimeException e) {
            throw bad(SERIES_ORIGIN, seriesOrigin, "not a time (e.g. '2024-01-01T00:00:00Z')");
        }
        Aggregate aggregate;
        try {
            aggregate = seriesAggregate == null ? Aggregate.MEAN : Aggregate.parse(seriesAggregate);
        } catch (IllegalArgumentException e) {
            throw bad(SERIES_AGGREGATE, seriesAggregate, e.getMessage());
        }
        GapFill fill;
        try {
            fill = gapFill == null ? GapFill.LINEAR : GapFill.parse(gapFill);
        } catch (IllegalArgumentException e) {
            throw bad(GAP_FILL, gapFill, e.getMessage());
        }
        int maxFill = gapMaxFill == null ? 3 : gapMaxFill;
        if (maxFill < 0) {
            throw bad(GAP_MAX_FILL, gapMaxFill, "must not be negative");
        }
        Duration late = duration(LATENESS, lateness, Duration.ZERO);
        if (interval != null) {
            if (interval.plus(late).compareTo(quiet) >= 0) {
                throw bad(
                        SERIES_INTERVAL,
                        seriesInterval,
                        "plus lateness ("
                                + late
                                + ") must be shorter than quiet_timeout ("
                                + quiet
                                + "): a key's state must outlive its open slot");
            }
            if (resetGap != null && !duration(RESET_GAP, resetGap, Duration.ZERO).isZero()) {
                throw bad(
                        RESET_GAP,
                        resetGap,
                        "cannot be combined with "
                                + SERIES_INTERVAL
                                + ": on a time grid, gaps longer than "
                                + GAP_MAX_FILL
                                + " slots restart the key");
            }
        }
        return new ForecastCall(
                model,
                mode(mode),
                windowSize,
                s,
                valueColumn,
                h,
                duration(LATENESS, lateness, Duration.ZERO),
                duration(RESET_GAP, resetGap, Duration.ZERO),
                quiet,
                engine == null ? "fast" : engine,
                levels(intervalLevels),
                warmup(intervalWarmup),
                gain(intervalGain),
                interval,
                origin,
                aggregate,
                fill,
                maxFill);
    }

    private static double[] levels(String text) {
        double[] levels;
        try {
            levels = ForecastOptions.parseLevels(text);
        } catch (IllegalArgumentException e) {
            throw bad(INTERVAL_LEVELS, text, e.getMessage() + "; expected levels like '0.8,0.95'");
        }
        for (double level : levels) {
            if (!(level > 0 && level < 1)) {
                throw bad(INTERVAL_LEVELS, text, "each level must be between 0 and 1");
            }
        }
        return levels;
    }

    private static int warmup(Integer warmup) {
        if (warmup == null) {
            return 50;
        }
        if (warmup < 0) {
            throw bad(INTERVAL_WARMUP, warmup, "must not be negative");
        }
        return warmup;
    }

    private static double gain(String text) {
        if (text == null) {
            return 0.1;
        }
        double gain;
        try {
            gain = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw bad(INTERVAL_GAIN, text, "not a number (e.g. '0.1')");
        }
        if (!(gain > 0) || Double.isInfinite(gain)) {
            throw bad(INTERVAL_GAIN, text, "must be a positive number");
        }
        return gain;
    }

    /** The levels as the {@code interval_levels} argument gives them ("0.8,0.95"). */
    String levelsText() {
        StringBuilder b = new StringBuilder();
        for (double level : levels) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(level);
        }
        return b.toString();
    }

    private static ForecastOptions.Mode mode(String mode) {
        if (mode == null) {
            return ForecastOptions.Mode.WINDOW;
        }
        for (ForecastOptions.Mode m : ForecastOptions.Mode.values()) {
            if (m.label().equals(mode.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw bad(MODE, mode, "unknown mode; expected 'window' or 'stateful'");
    }

    private static Duration duration(String argument, String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        Duration d;
        try {
            d = TimeUtils.parseDuration(text);
        } catch (RuntimeException e) {
            throw bad(argument, text, "not a duration (e.g. '0 ms', '2 min', '7 d')");
        }
        if (d.isNegative()) {
            throw bad(argument, text, "must not be negative");
        }
        return d;
    }

    /** The time grid, or null without {@code series_interval}. */
    TimeGrid grid() {
        return seriesInterval == null
                ? null
                : TimeGrid.of(
                        seriesInterval,
                        WireFormat.parseTime(seriesOrigin),
                        seriesAggregate,
                        gapFill,
                        gapMaxFill);
    }

    /** The sliding count window, once W is known. */
    SlidingCount window(int w) {
        return new SlidingCount(w, slide);
    }

    /** The model file: a {@code file:} URI or a plain path; other schemes are refused. */
    Path modelPath() {
        Path path;
        if (model.startsWith("file:")) {
            try {
                path = Path.of(URI.create(model));
            } catch (RuntimeException e) {
                throw bad(MODEL, model, "not a file URI: " + e.getMessage());
            }
        } else if (model.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*")) {
            throw bad(MODEL, model, "only local files (a path or file:///...) can be read");
        } else {
            path = Path.of(model);
        }
        if (!Files.isRegularFile(path)) {
            throw bad(MODEL, model, "no such file: " + path.toAbsolutePath());
        }
        return path;
    }

    /** A one-line form of these arguments that {@link #parse} reads back. */
    String text() {
        return String.join(
                "\u001f",
                model,
                mode.label(),
                windowSize == null ? "" : windowSize.toString(),
                Integer.toString(slide),
                valueColumn == null ? "" : valueColumn,
                Integer.toString(horizon),
                lateness.toMillis() + " ms",
                resetGap.toMillis() + " ms",
                quietTimeout.toMillis() + " ms",
                engine,
                levelsText(),
                Integer.toString(intervalWarmup),
                Double.toString(intervalGain),
                seriesInterval == null ? "" : seriesInterval.toMillis() + " ms",
                seriesOrigin,
                seriesAggregate.name(),
                gapFill.name(),
                Integer.toString(gapMaxFill));
    }

    /** Reads {@link #text()} back. */
    static ForecastCall parse(String text) {
        String[] f = text.split("\u001f", -1);
        return of(
                f[0],
                f[1],
                f[2].isEmpty() ? null : Integer.valueOf(f[2]),
                Integer.valueOf(f[3]),
                f[4].isEmpty() ? null : f[4],
                Integer.valueOf(f[5]),
                f[6],
                f[7],
                f[8],
                f[9],
                // calls stored before intervals were arguments have ten fields
                f.length > 10 ? f[10] : null,
                f.length > 11 ? Integer.valueOf(f[11]) : null,
                f.length > 12 ? f[12] : null,
                f.length > 13 && !f[13].isEmpty() ? f[13] : null,
                f.length > 13 && !f[13].isEmpty() ? f[14] : null,
                f.length > 13 && !f[13].isEmpty() ? f[15] : null,
                f.length > 13 && !f[13].isEmpty() ? f[16] : null,
                f.length > 13 && !f[13].isEmpty() ? Integer.valueOf(f[17]) : null);
    }

    /** An argument error that names the argument and its value. */
    static IllegalArgumentException bad(String argument, Object value, String why) {
        String shown = value instanceof String ? "'" + value + "'" : String.valueOf(value);
        return new IllegalArgumentException(
                "FORECAST argument " + argument + " => " + shown + ": " + why);
    }
}
