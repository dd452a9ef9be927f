package io.forecaster.training.eval;

import java.util.Collection;

/**
 * Validation figures of one series (or several pooled), scored as the course scores them.
 *
 * @param points number of validation points (windows whose last target lies at index >= split)
 * @param mae mean absolute error of each window's last-step prediction (the course's figure)
 * @param baselineMae the same points forecast by the previous value (last-value baseline)
 * @param allStepsMae mean absolute error over every step of the same windows
 */
public record ValidationScore(int points, double mae, double baselineMae, double allStepsMae) {

    /** Figures over all points of several series pooled (weighted by their point counts). */
    public static ValidationScore pooled(Collection<ValidationScore> scores) {
        int n = 0;
        double mae = 0, base = 0, all = 0;
        for (ValidationScore s : scores) {
            n += s.points;
            mae += s.mae * s.points;
            base += s.baselineMae * s.points;
            all += s.allStepsMae * s.points;
        }
        if (n == 0) {
            throw new IllegalArgumentException("no validation points to pool");
        }
        return new ValidationScore(n, mae / n, base / n, all / n);
    }
}
