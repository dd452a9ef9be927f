package io.forecaster.training.data;

/**
 * Where a series is cut into training and validation: either an index (points {@code [0, index)}
 * train, the rest validate) or a fraction of each series' length (0.7 = the first 70%).
 */
public record Split(int index, double fraction) {

    public Split {
        if (index < 0 && !(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "split fraction must lie strictly between 0 and 1, got " + fraction);
        }
    }

    /** Split at a fixed index. */
    public static Split atIndex(int index) {
        if (index < 1) {
            throw new IllegalArgumentException("split index must be at least 1, got " + index);
        }
        return new Split(index, Double.NaN);
    }

    /** Split at {@code floor(fraction * length)} of each series. */
    public static Split atFraction(double fraction) {
        return new Split(-1, fraction);
    }

    /** Parses "3000" (an index) or "0.7" (a fraction); the error names the text. */
    public static Split parse(String text) {
        String t = text == null ? "" : text.trim();
        try {
            if (t.matches("\\d+")) {
                return atIndex(Integer.parseInt(t));
            }
            return atFraction(Double.parseDouble(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid split '"
                            + text
                            + "': give an index (e.g. 3000) or a fraction (e.g. 0.7)");
        }
    }

    /** The index where a series of {@code length} points is cut; the error names both. */
    public int at(int length) {
        int at = index >= 0 ? index : (int) Math.floor(fraction * length);
        if (at < 1 || at >= length) {
            throw new IllegalArgumentException(
                    "split "
                            + this
                            + " leaves no training or no validation points in a series of "
                            + length
                            + " points");
        }
        return at;
    }

    @Override
    public String toString() {
        return index >= 0 ? Integer.toString(index) : Double.toString(fraction);
    }
}
