package io.forecaster.training.eval;

import java.util.Collection;

/**
 * Figures of one series (or several pooled) on a range of scored points, scored as the course
 * scores them.
 *
 * @param points number of scored points (windows whose last target lies in the range)
 * @param mae mean absolute error of each window's last-step prediction (the course's figure)
 * @param baselineMae the same points forecast by the previous value (last-value baseline)
 * @param allStepsMae mean absolute error over every step of the same windows
 * @param seasonalMae the same points forecast by the value a season before (seasonal-naive); NaN
 *     without a season or when a point has no value a season before it
 */
public record ValidationScore(
        int points, double mae, double baselineMae, double allStepsMae, double seasonalMae) {

    /** Figures without a seasonal-naive baseline. */
    public ValidationScore(int points, double mae, double baselineMae, double allStepsMae) {
        this(points, mae, baselineMae, allStepsMae, Double.NaN);
    }

    /** Figures over all points of several series pooled (weighted by their point counts). */
    public static ValidationScore pooled(Collection<ValidationScore> scores) {
        int n = 0;
        double mae = 0, base = 0, all = 0, seasonal = 0;
        for (ValidationScore s : scores) {
            n += s.points;
            mae += s.mae * s.points;
            base += s.baselineMae * s.points;
            all += s.allStepsMae * s.points;
            seasonal += s.seasonalMae * s.points;
        }
        if (n == 0) {
            throw new IllegalArgumentException("no validation points to pool");
        }
        return new ValidationScore(n, mae / n, base / n, all / n, seasonal / n);
    }
}
