package io.forecaster.connectors.wire;

/**
 * How a forecast's Kafka value is written ({@link ForecastCodec}): the same fields either way.
 * Readers ({@link ForecastCodec#read}) tell the two apart by the first bytes.
 */
public enum ForecastFormat {
    /** A JSON object; predictions in the shortest decimal form that reads back as the float32. */
    JSON,
    /**
     * The same object in CBOR (RFC 8949), self-described (the value starts with the tag bytes
     * {@code d9 d9 f7}): predictions, {@code next} and bounds as 4-byte floats, so nothing is
     * formatted as decimal text; levels as 8-byte floats, times as the same ISO-8601 strings.
     */
    CBOR
}
