package io.forecaster.training.train;

import io.forecaster.model.Scaling;
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
