package io.forecaster.connectors.wire;

/** How a point's Kafka value is written: a JSON object, a CSV line or 17 bytes. */
public enum PointFormat {
    /** {@code {"v":1,"sensor":"VAL","time":"1961-01-01T00:00:00Z","value":13.67}}. */
    JSON,
    /** {@code VAL,1961-01-01T00:00:00Z,13.67} (sensor, time, value; no header). */
    CSV,
    /**
     * 17 bytes: the format version (1, one byte), the event time in epoch milliseconds (8 bytes)
     * and the value as an IEEE 754 double (8 bytes), both big-endian; the sensor id is the Kafka
     * key, which is required. The cheapest to write and to read.
     */
    BINARY
}
