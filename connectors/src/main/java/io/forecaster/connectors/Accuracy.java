package io.forecaster.connectors;

/**
 * How good one sensor's forecasts have been so far, scored live as each forecast step's actual
 * value arrived.
 *
 * @param sensorId the sensor (Kafka key)
 * @param time event time of the newest scored point, epoch ms
 * @param scored forecast steps scored (all horizon steps together)
 * @param mae the model's mean absolute error over them
 * @param baselineMae the last-value forecast's mean absolute error over the same steps
 * @param levels the interval levels
 * @param coverage per level, the share of scored steps with an interval whose actual fell inside
 *     (NaN while none had one)
 * @param modelId the model bundle's id
 * @param createdAt wall-clock time of the record, epoch ms
 */
public record Accuracy(
        String sensorId,
        long time,
        long scored,
        double mae,
        double baselineMae,
        double[] levels,
        double[] coverage,
        String modelId,
        long createdAt) {}
