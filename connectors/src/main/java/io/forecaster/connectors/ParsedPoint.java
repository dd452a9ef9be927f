package io.forecaster.connectors;

import java.util.Objects;

/**
 * The result of reading one input record: either a {@link SensorPoint} or, when the record could
 * not be read, a {@link DeadLetter}. Exactly one of the two is non-null.
 *
 * <p>A plain record of two nullable fields, so Flink serializes it with its POJO serializer (no
 * Kryo). Split it in the job with {@link #isPoint()}: points go on, dead letters to a side output.
 *
 * @param point the point, or null
 * @param deadLetter the dead letter, or null
 */
public record ParsedPoint(SensorPoint point, DeadLetter deadLetter) {

    public ParsedPoint {
        if ((point == null) == (deadLetter == null)) {
            throw new IllegalArgumentException(
                    "exactly one of point and deadLetter must be set, got point="
                            + point
                            + " deadLetter="
                            + deadLetter);
        }
    }

    /** A successfully read point. */
    public static ParsedPoint of(SensorPoint point) {
        return new ParsedPoint(Objects.requireNonNull(point, "point"), null);
    }

    /** A record that could not be read. */
    public static ParsedPoint of(DeadLetter deadLetter) {
        return new ParsedPoint(null, Objects.requireNonNull(deadLetter, "deadLetter"));
    }

    /** True for a point, false for a dead letter. */
    public boolean isPoint() {
        return point != null;
    }
}
