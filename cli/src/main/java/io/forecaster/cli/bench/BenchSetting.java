package io.forecaster.cli.bench;

import io.forecaster.job.ForecastOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One way of running the job that the end-to-end benchmark measures: the mode, the slide and the
 * inference engine. {@link #BASELINE} is the job a typical user would write first: the same
 * topology calling the DL4J network one window at a time (batch size 1); {@link #BASELINE_BATCHED}
 * is the same job with DL4J batched across keys.
 */
public enum BenchSetting {
    /** Window mode, W=60, a forecast for every point (each point is a 60-step window). */
    WINDOW_S1("window-s1", ForecastOptions.Mode.WINDOW, 1, "fast", null),
    /** Window mode, W=60, a forecast every 10 points. */
    WINDOW_S10("window-s10", ForecastOptions.Mode.WINDOW, 10, "fast", null),
    /** Stateful mode: one model step per point, a forecast every 10 points. */
    STATEFUL_S10("stateful-s10", ForecastOptions.Mode.STATEFUL, 10, "fast", null),
    /** {@link #WINDOW_S1} with DL4J evaluating one window at a time. */
    BASELINE("baseline-dl4j-s1", ForecastOptions.Mode.WINDOW, 1, "dl4j", 1),
    /**
     * {@link #WINDOW_S1} with DL4J batched across keys like the fast engine (up to 256 windows a
     * call): the baseline for a user who already batches, so the speed-up it gives is the engine's
     * alone.
     */
    BASELINE_BATCHED("baseline-dl4j-b256-s1", ForecastOptions.Mode.WINDOW, 1, "dl4j", 256);

    private final String label;
    private final ForecastOptions.Mode mode;
    private final int slide;
    private final String engine;
    private final Integer batchSize;

    BenchSetting(String label, ForecastOptions.Mode mode, int slide, String engine, Integer batch) {
        this.label = label;
        this.mode = mode;
        this.slide = slide;
        this.engine = engine;
        this.batchSize = batch;
    }

    /** The name used on the command line, in CSV files and in case names. */
    public String label() {
        return label;
    }

    public ForecastOptions.Mode mode() {
        return mode;
    }

    public int slide() {
        return slide;
    }

    public String engine() {
        return engine;
    }

    /** True for the DL4J baselines (one window at a time, or batched). */
    public boolean isBaseline() {
        return this == BASELINE || this == BASELINE_BATCHED;
    }

    /** The setting this one is the baseline of, for speed-up ratios. */
    public static BenchSetting comparedWithBaseline() {
        return WINDOW_S1;
    }

    /** Job options for this setting (mode, slide, engine and, for the baseline, batch size). */
    public Map<String, String> jobOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ForecastOptions.MODE.key(), mode.label());
        m.put(ForecastOptions.WINDOW_SLIDE.key(), Integer.toString(slide));
        m.put(ForecastOptions.ENGINE.key(), engine);
        if (batchSize != null) {
            m.put(ForecastOptions.BATCH_SIZE.key(), Integer.toString(batchSize));
        }
        return m;
    }

    /** Parses a label such as {@code window-s1} (case-insensitive). */
    public static BenchSetting parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (BenchSetting s : values()) {
            if (s.label.equals(t)
                    || s.name().toLowerCase(Locale.ROOT).equals(t)
                    || (s == BASELINE && t.equals("baseline"))) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown setting '"
                        + text
                        + "'; known: "
                        + Arrays.stream(values())
                                .map(BenchSetting::label)
                                .collect(Collectors.joining(", ")));
    }
}
