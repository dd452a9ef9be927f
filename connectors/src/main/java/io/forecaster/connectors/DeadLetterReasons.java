package io.forecaster.connectors;

/**
 * The values of {@link DeadLetter#reason()}: short, stable, machine-readable classes. The {@link
 * DeadLetter#detail()} names the field and the bad value.
 */
public final class DeadLetterReasons {

    /** The value is not well-formed JSON (or not a JSON object, or not UTF-8). */
    public static final String MALFORMED_JSON = "malformed-json";

    /** The value is not a well-formed CSV line of {@code sensor,time,value}. */
    public static final String MALFORMED_CSV = "malformed-csv";

    /** The value is not the 17 bytes of a binary point (version, time, value). */
    public static final String MALFORMED_BINARY = "malformed-binary";

    /** The record has no value (null or zero bytes). */
    public static final String EMPTY = "empty";

    /** The value is longer than the parser's limit. */
    public static final String TOO_LARGE = "too-large";

    /** A required field is absent. */
    public static final String MISSING_FIELD = "missing-field";

    /** The format version field {@code v} is not one this code reads. */
    public static final String BAD_VERSION = "bad-version";

    /** The measured value is not a finite number. */
    public static final String BAD_VALUE = "bad-value";

    /** The event time cannot be read or is out of range. */
    public static final String BAD_TIME = "bad-time";

    /** The key (sensor id) is empty, too long, or disagrees with the value's sensor field. */
    public static final String BAD_KEY = "bad-key";

    /** Used by the job: the point arrived after its key's watermark. */
    public static final String LATE = "late";

    /** Used by the job: a second point with the same key and event time. */
    public static final String DUPLICATE = "duplicate";

    /**
     * Used by the job: the model's output for the point is not finite (an extreme but representable
     * input overflowed inside the network); in stateful mode the key's state was reset.
     */
    public static final String NON_FINITE_OUTPUT = "non-finite-output";

    private DeadLetterReasons() {}
}
