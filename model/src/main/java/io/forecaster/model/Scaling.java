package io.forecaster.model;

/**
 * Affine scaling fitted on training data only: the network sees {@code (x - offset) / scale} and
 * its outputs are mapped back with {@code y * scale + offset}. {@link #IDENTITY} leaves values as
 * they are (the course feeds raw sunspot numbers and lets the ×400 output layer bring them back).
 */
public record Scaling(double offset, double scale) {

    public static final Scaling IDENTITY = new Scaling(0.0, 1.0);

    public Scaling {
        if (!Double.isFinite(offset)) {
            throw new IllegalArgumentException("scaling offset must be finite, got " + offset);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException(
                    "scaling scale must be a positive finite number, got " + scale);
        }
    }

    /** A raw value as the network sees it. */
    public double toModel(double raw) {
        return (raw - offset) / scale;
    }

    /** A network output as a raw value. */
    public double fromModel(double model) {
        return model * scale + offset;
    }
}
