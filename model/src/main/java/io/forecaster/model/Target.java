package io.forecaster.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What the network sees and what its output stands for, stored in the bundle ({@code target} in
 * {@code bundle.json}; bundles without it are {@link #LEVEL}).
 *
 * <ul>
 *   <li>{@link #LEVEL}: inputs are the scaled values, the output is the next value itself, {@code
 *       x[t+1] = unscale(out[t])} (the course's model, and every bundle made before the field
 *       existed).
 *   <li>{@link #CHANGE}: inputs are the scaled values, the output is the change from the last
 *       input, {@code x[t+1] = x[t] + out[t] * scale}: the output (after the output scale) is a
 *       change in the units the network sees, so unscaling it multiplies by the scaling's scale and
 *       adds no offset. At every step t, not only the last.
 *   <li>{@link #DIFFERENCES}: as {@link #CHANGE}, but the inputs are the changes between
 *       consecutive points too, {@code in[t] = (x[t] - x[t-1]) / scale}, so nothing the network
 *       sees or forecasts depends on the series' level: a series that drifts above its training
 *       range looks like its training range. The first step of a window, and of a key stepped from
 *       the zero state, has no point before it and sees 0.
 * </ul>
 *
 * Every engine encodes its inputs through {@link #encode}/{@link #input} and maps its network's
 * outputs through {@link #toRaw}, so callers see forecasts of the value whatever the target.
 */
public enum Target {
    LEVEL,
    CHANGE,
    DIFFERENCES;

    /**
     * Whether the output is the change from the step's input ({@link #CHANGE}, {@link
     * #DIFFERENCES}).
     */
    public boolean forecastsChange() {
        return this != LEVEL;
    }

    /** Whether the inputs are the changes between consecutive points ({@link #DIFFERENCES}). */
    public boolean differencedInputs() {
        return this == DIFFERENCES;
    }

    /**
     * The raw forecast of the next value from the network's output {@code model} (after the output
     * scale) at a step whose input was {@code lastRaw}.
     */
    public double toRaw(Scaling scaling, double model, double lastRaw) {
        return this == LEVEL ? scaling.fromModel(model) : lastRaw + model * scaling.scale();
    }

    /**
     * The network's input at a step whose raw point is {@code raw}; {@code previous} is the raw
     * point before it, used only by {@link #DIFFERENCES} and only when {@code hasPrevious}.
     */
    public float input(Scaling scaling, double raw, double previous, boolean hasPrevious) {
        if (this != DIFFERENCES) {
            return (float) scaling.toModel(raw);
        }
        return hasPrevious ? (float) ((raw - previous) / scaling.scale()) : 0f;
    }

    /**
     * The network's inputs for the raw window {@code raw[from, from + length)}, into {@code dst[at,
     * at + length)}.
     */
    public void encode(Scaling scaling, float[] raw, int from, int length, float[] dst, int at) {
        for (int t = 0; t < length; t++) {
            double previous = t > 0 ? raw[from + t - 1] : Double.NaN;
            dst[at + t] = input(scaling, raw[from + t], previous, t > 0);
        }
    }

    /**
     * The network's inputs for a window already in model scale ({@code scaled[from, from +
     * length)}, as training holds them): the values, or for {@link #DIFFERENCES} their changes (0
     * at the first step). Equals {@link #encode} on the raw window up to rounding, since the
     * scaling's offset cancels in a difference.
     */
    public void encodeScaled(float[] scaled, int from, int length, float[] dst, int at) {
        for (int t = 0; t < length; t++) {
            dst[at + t] =
                    this != DIFFERENCES
                            ? scaled[from + t]
                            : t > 0 ? scaled[from + t] - scaled[from + t - 1] : 0f;
        }
    }

    /**
     * The training label at step t of a scaled window of W + 1 points: the next value or its
     * change.
     */
    public float label(float[] scaled, int t) {
        return forecastsChange() ? scaled[t + 1] - scaled[t] : scaled[t + 1];
    }

    /**
     * The name in {@code bundle.json} and on the command line: {@code level}, {@code change} or
     * {@code differences}.
     */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code level}, {@code change} or {@code differences} (any case); null is {@link #LEVEL}. */
    @JsonCreator
    public static Target parse(String text) {
        if (text == null) {
            return LEVEL;
        }
        for (Target t : values()) {
            if (t.id().equalsIgnoreCase(text.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown target '" + text + "'; choose level, change or differences");
    }
}
