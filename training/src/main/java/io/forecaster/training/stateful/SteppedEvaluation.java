package io.forecaster.training.stateful;

import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;

/**
 * Scores a model in the stateful mode: one key stepped through the whole series from the zero
 * state, so the state entering the validation split is the one the training split left; each point
 * from {@code split} on is forecast from everything before it.
 */
public final class SteppedEvaluation {

    private SteppedEvaluation() {}

    /**
     * Mean absolute error of the one-step-ahead forecasts of {@code series[split..n)}.
     *
     * @param stepper the engine to step with
     * @param series raw values; the forecast of point t is the prediction after stepping t-1
     * @param split first point scored, at least 1
     */
    public static double mae(Stepper stepper, float[] series, int split) {
        checkSplit(series, split);
        StepState[] state = {stepper.newState()};
        float[] point = new float[1];
        float[] forecast = new float[1];
        double sum = 0;
        for (int t = 0; t < series.length - 1; t++) {
            point[0] = series[t];
            stepper.step(state, point, 1, forecast);
            if (t + 1 >= split) {
                sum += Math.abs(forecast[0] - series[t + 1]);
            }
        }
        return sum / (series.length - split);
    }

    /** The last-value baseline on the same points: forecast of t is the value at t-1. */
    public static double lastValueMae(float[] series, int split) {
        checkSplit(series, split);
        double sum = 0;
        for (int t = split; t < series.length; t++) {
            sum += Math.abs(series[t] - series[t - 1]);
        }
        return sum / (series.length - split);
    }

    private static void checkSplit(float[] series, int split) {
        if (split < 1 || split >= series.length) {
            throw new IllegalArgumentException(
                    "split must be in [1, " + series.length + "), got " + split);
        }
    }
}
