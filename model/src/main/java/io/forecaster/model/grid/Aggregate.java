package io.forecaster.model.grid;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the points of one grid slot are combined into the slot's value. */
public enum Aggregate {
    /** The arithmetic mean, summed in time order. */
    MEAN,
    /** The newest point. */
    LAST,
    /** The oldest point. */
    FIRST,
    /** The largest value. */
    MAX,
    /** The smallest value. */
    MIN,
    /** The sum, in time order. */
    SUM;

    /**
     * The slot value of {@code values[0, n)}, the slot's points in event-time order ({@code n >=
     * 1}).
     */
    public double of(double[] values, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a slot needs at least one point");
        }
        switch (this) {
            case LAST:
                return values[n - 1];
            case FIRST:
                return values[0];
            default:
                break;
        }
        double acc = values[0];
        for (int i = 1; i < n; i++) {
            double v = values[i];
            acc =
                    switch (this) {
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                        default -> acc + v;
                    };
        }
        return this == MEAN ? acc / n : acc;
    }

    /** The lowercase name users type ("mean", "last", ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a name case-insensitively; the error lists the names. */
    public static Aggregate parse(String text) {
        for (Aggregate a : values()) {
            if (a.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + labels(values()));
    }

    static String labels(Enum<?>[] values) {
        return Arrays.stream(values)
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }
}
