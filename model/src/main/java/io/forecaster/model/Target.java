package io.forecaster.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What the network's output stands for, stored in the bundle ({@code target} in {@code
 * bundle.json}; bundles without it are {@link #LEVEL}).
 *
 * <ul>
 *   <li>{@link #LEVEL}: the next value itself, {@code x[t+1] = unscale(out[t])} (the course's
 *       model, and every bundle made before the field existed).
 *   <li>{@link #CHANGE}: the change from the last input, {@code x[t+1] = x[t] + out[t] * scale}:
 *       the output (after the output scale) is a change in the units the network sees, so unscaling
 *       it multiplies by the scaling's scale and adds no offset. At every step t, not only the
 *       last.
 * </ul>
 *
 * Every engine maps its network's outputs through {@link #toRaw}, so callers see forecasts of the
 * value whatever the target.
 */
public enum Target {
    LEVEL,
    CHANGE;

    /**
     * The raw forecast of the next value from the network's output {@code model} (after the output
     * scale) at a step whose input was {@code lastRaw}.
     */
    public double toRaw(Scaling scaling, double model, double lastRaw) {
        return this == CHANGE ? lastRaw + model * scaling.scale() : scaling.fromModel(model);
    }

    /** The name in {@code bundle.json} and on the command line: {@code level} or {@code change}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code level} or {@code change} (any case); null is {@link #LEVEL}. */
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
        throw new IllegalArgumentException("unknown target '" + text + "'; choose level or change");
    }
}
