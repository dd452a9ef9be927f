package io.forecaster.connectors.wire;

/** How a point's Kafka value is written: a JSON object or a CSV line. */
public enum PointFormat {
    /** {@code {"v":1,"sensor":"VAL","time":"1961-01-01T00:00:00Z","value":13.67}}. */
    JSON,
    /** {@code VAL,1961-01-01T00:00:00Z,13.67} (sensor, time, value; no header). */
    CSV
}
