package io.forecaster.model.grid;

import java.util.Locale;

/** How missing slots between two slots with values are filled (up to the maximum fill). */
public enum GapFill {
    /** Nothing is filled: every gap restarts the key. */
    NONE,
    /** Each missing slot takes the value of the slot before the gap. */
    HOLD,
    /** The missing slots lie on the straight line between the slots around the gap. */
    LINEAR;

    /** The lowercase name users type ("none", "hold", "linear"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a name case-insensitively; the error lists the names. */
    public static GapFill parse(String text) {
        for (GapFill f : values()) {
            if (f.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not one of " + Aggregate.labels(values()));
    }
}
