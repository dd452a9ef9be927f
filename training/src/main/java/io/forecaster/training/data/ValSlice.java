package io.forecaster.training.data;

/**
 * The validation slice carved from the end of each series' training range: what model selection
 * (early stopping, the best epoch) looks at, so the test points after the split are never used for
 * it. Either a count of points or a fraction of the training points; a fraction gives at least one
 * window of W + 1 points. {@link #NONE} (0) carves nothing: no selection, the last epoch is kept.
 *
 * @param count points in the slice ({@code -1} when given as a fraction)
 * @param fraction fraction of the training points (NaN when given as a count)
 */
public record ValSlice(int count, double fraction) {

    /** The default: the last 10% of each series' training points, at least one window. */
    public static final ValSlice DEFAULT = new ValSlice(-1, 0.1);

    /** No validation slice. */
    public static final ValSlice NONE = new ValSlice(0, Double.NaN);

    public ValSlice {
        if (count < 0 && !(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must lie strictly between 0 and 1, got " + fraction);
        }
    }

    /** Parses "0" (none), "300" (a count) or "0.1" (a fraction); the error names the text. */
    public static ValSlice parse(String text) {
        String t = text == null ? "" : text.trim();
        try {
            if (t.matches("\\d+")) {
                return new ValSlice(Integer.parseInt(t), Double.NaN);
            }
            return new ValSlice(-1, Double.parseDouble(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid validation slice '"
                            + text
                            + "': give a count of points (e.g. 300), a fraction of the training"
                            + " points (e.g. 0.1) or 0 for none");
        }
    }

    /** Whether this slice is empty (no selection). */
    public boolean none() {
        return count == 0;
    }

    /** Points in the slice of a training range of {@code trainPoints}, windows of W. */
    public int size(int trainPoints, int window) {
        if (count >= 0) {
            return count;
        }
        return Math.max((int) Math.floor(fraction * trainPoints), window + 1);
    }

    /**
     * Where the slice starts in a training range {@code [0, trainPoints)}: training windows lie in
     * {@code [0, start)}, which must hold one window of W + 1 points; the error names the slice.
     */
    public int start(int trainPoints, int window) {
        int start = trainPoints - size(trainPoints, window);
        if (!none() && start < window + 1) {
            throw new IllegalArgumentException(
                    "validation slice "
                            + this
                            + " ("
                            + size(trainPoints, window)
                            + " points) of "
                            + trainPoints
                            + " training points leaves "
                            + Math.max(0, start)
                            + " to train on, fewer than one window of "
                            + (window + 1)
                            + " points");
        }
        return start;
    }

    @Override
    public String toString() {
        return count >= 0 ? Integer.toString(count) : Double.toString(fraction);
    }
}
