package io.forecaster.training.train;

import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import java.util.Collection;
import java.util.Locale;

/** How input scaling is fitted on the training split: none, by the maximum, or standardised. */
public enum ScalingMode {
    /** Raw values, as the course feeds them. */
    NONE,
    /** Divide by the largest absolute training value, so inputs lie in [-1, 1]. */
    MAX,
    /** Subtract the training mean and divide by the training standard deviation. */
    STANDARD;

    /**
     * The scaling fitted on the training parts only, for a network that sees {@code target}'s
     * inputs: for {@link Target#DIFFERENCES} the scale is fitted on the changes between consecutive
     * points within each part (their standard deviation, or their largest absolute value for {@link
     * #MAX}), since those are what the network sees and forecasts; the offset stays the values'
     * mean (it cancels in every difference and keeps the scaled values small).
     */
    public Scaling fit(Collection<double[]> trainingParts, Target target) {
        Scaling levels = fit(trainingParts);
        if (this == NONE || target == null || !target.differencedInputs()) {
            return levels;
        }
        double n = 0, sum = 0, sumSq = 0, maxAbs = 0;
        for (double[] part : trainingParts) {
            for (int i = 1; i < part.length; i++) {
                double d = part[i] - part[i - 1];
                if (!Double.isFinite(d)) {
                    continue;
                }
                n++;
                sum += d;
                sumSq += d * d;
                maxAbs = Math.max(maxAbs, Math.abs(d));
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException(
                    "no two consecutive training values to fit the scale of their changes on");
        }
        if (this == MAX) {
            return new Scaling(levels.offset(), maxAbs > 0 ? maxAbs : 1.0);
        }
        double mean = sum / n;
        double sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        return new Scaling(levels.offset(), sd > 0 ? sd : 1.0);
    }

    /** The scaling fitted on the training parts only. */
    public Scaling fit(Collection<double[]> trainingParts) {
        if (this == NONE) {
            return Scaling.IDENTITY;
        }
        double n = 0, sum = 0, sumSq = 0, maxAbs = 0;
        for (double[] part : trainingParts) {
            for (double v : part) {
                n++;
                sum += v;
                sumSq += v * v;
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no training values to fit a scaling on");
        }
        if (this == MAX) {
            return new Scaling(0.0, maxAbs > 0 ? maxAbs : 1.0);
        }
        double mean = sum / n;
        double sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        return new Scaling(mean, sd > 0 ? sd : 1.0);
    }

    public static ScalingMode parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "unknown scaling '" + name + "'; choose none, max or standard");
        }
    }
}
