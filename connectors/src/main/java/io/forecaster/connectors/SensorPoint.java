package io.forecaster.connectors;

/**
 * One measurement of one sensor: the Kafka key is the sensor id.
 *
 * @param sensorId the sensor (Kafka key), non-empty
 * @param eventTime event time, epoch milliseconds
 * @param value the measured value, finite
 */
public record SensorPoint(String sensorId, long eventTime, double value) {}
