package io.forecaster.connectors;

/**
 * An input record that could not be used, kept whole so nothing is lost.
 *
 * @param sourceTopic topic the record was read from
 * @param partition its partition (-1 if unknown)
 * @param offset its offset (-1 if unknown)
 * @param key the raw Kafka key as text (null if none)
 * @param raw the record's value bytes, unchanged
 * @param reason a short machine-readable class, e.g. "malformed-json", "missing-field",
 *     "bad-value", "bad-time", "bad-key", "late", "duplicate", "non-finite-output"
 * @param detail a human-readable message naming the field and the bad value
 * @param time wall-clock time the record was dead-lettered, epoch ms
 */
public record DeadLetter(
        String sourceTopic,
        int partition,
        long offset,
        String key,
        byte[] raw,
        String reason,
        String detail,
        long time) {}
