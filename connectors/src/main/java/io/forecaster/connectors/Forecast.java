package io.forecaster.connectors;

/**
 * The model's output for one window of one sensor.
 *
 * @param sensorId the sensor (Kafka key)
 * @param windowStart event time of the window's first point, epoch ms
 * @param windowEnd event time of the window's last point, epoch ms
 * @param points number of points in the window
 * @param predictions one prediction per window step (step t forecasts the value at t+1)
 * @param next the forecast of the point after the window (the last prediction)
 * @param modelId the model bundle's id
 * @param mode "window" or "stateful"
 * @param createdAt wall-clock time the forecast was made, epoch ms
 * @param nextTime with a time grid ({@code series.interval}): event time of the slot {@code next}
 *     forecasts; null without a grid
 * @param filled with a time grid: how many of the window's inputs were filled slots (no point);
 *     null without a grid
 * @param ahead with {@code forecast.horizon} above 1 or interval levels: the next H values, their
 *     slot times and their prediction intervals; null otherwise
 * @param modelName with models from the models topic: the name of the model that made it (null when
 *     the job serves {@code model.path} alone)
 * @param modelVersion with models from the models topic: that model's version (null otherwise)
 */
public record Forecast(
        String sensorId,
        long windowStart,
        long windowEnd,
        int points,
        double[] predictions,
        double next,
        String modelId,
        String mode,
        long createdAt,
        Long nextTime,
        Integer filled,
        Ahead ahead,
        String modelName,
        Long modelVersion) {

    /**
     * The forecast's next H values past its newest point ({@code values[0] == next}), by recursive
     * rollout, with symmetric prediction intervals.
     *
     * @param values the H forecasts, one per step
     * @param times with a time grid, each step's slot time; null without a grid
     * @param levels the interval levels (e.g. 0.8, 0.95); empty when none are asked for
     * @param lower {@code [level][step]} lower bounds; NaN where the step has no interval yet
     * @param upper {@code [level][step]} upper bounds; NaN where the step has no interval yet
     * @param source where the intervals came from: "online" (the key's own scored errors),
     *     "calibration" (the bundle's, while the key warms up), "none" (some step has no interval),
     *     or null without levels
     */
    public record Ahead(
            double[] values,
            long[] times,
            double[] levels,
            double[][] lower,
            double[][] upper,
            String source) {}

    /** A forecast of a job that serves {@code model.path} alone (no model name or version). */
    public Forecast(
            String sensorId,
            long windowStart,
            long windowEnd,
            int points,
            double[] predictions,
            double next,
            String modelId,
            String mode,
            long createdAt,
            Long nextTime,
            Integer filled,
            Ahead ahead) {
        this(
                sensorId,
                windowStart,
                windowEnd,
                points,
                predictions,
                next,
                modelId,
                mode,
                createdAt,
                nextTime,
                filled,
                ahead,
                null,
                null);
    }

    /** A forecast of one step ahead, with or without a time grid. */
    public Forecast(
            String sensorId,
            long windowStart,
            long windowEnd,
            int points,
            double[] predictions,
            double next,
            String modelId,
            String mode,
            long createdAt,
            Long nextTime,
            Integer filled) {
        this(
                sensorId,
                windowStart,
                windowEnd,
                points,
                predictions,
                next,
                modelId,
                mode,
                createdAt,
                nextTime,
                filled,
                null);
    }

    /** A forecast made without a time grid (no {@code nextTime}, no {@code filled}). */
    public Forecast(
            String sensorId,
            long windowStart,
            long windowEnd,
            int points,
            double[] predictions,
            double next,
            String modelId,
            String mode,
            long createdAt) {
        this(
                sensorId,
                windowStart,
                windowEnd,
                points,
                predictions,
                next,
                modelId,
                mode,
                createdAt,
                null,
                null,
                null);
    }
}
