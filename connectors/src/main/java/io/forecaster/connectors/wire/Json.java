package io.forecaster.connectors.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/** The shared, thread-safe Jackson objects of the wire format. */
final class Json {

    /**
     * Strict about structure (duplicate fields, trailing tokens are errors), lenient about {@code
     * NaN}/{@code Infinity} literals so that they are reported as bad values, not as malformed
     * JSON. Numbers are read and written with Jackson's fast (and exact) algorithms: on Java 17,
     * {@code Double.toString} costs several times Schubfach's, and a forecast carries 60 numbers.
     */
    static final ObjectMapper MAPPER =
            JsonMapper.builder(new JsonFactory())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    static final ObjectReader READER = MAPPER.reader();

    /**
     * As {@link #READER}, without duplicate-field detection (a hash set per object): for readers
     * that check their few known fields themselves and leave anything else to {@link #READER}.
     */
    static final ObjectReader FLAT_READER =
            READER.without(
                    com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Self-described CBOR (the value starts with tag 55799, {@code d9 d9 f7}, so a reader tells it
     * from JSON), strict about structure as {@link #MAPPER}.
     */
    static final ObjectMapper CBOR =
            CBORMapper.builder()
                    .enable(CBORGenerator.Feature.WRITE_TYPE_HEADER)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    static final ObjectReader CBOR_READER = CBOR.reader();

    private Json() {}
}
