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
        Integer filled) {

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
                null);
    }
}
