package io.forecaster.connectors.flink;

import io.forecaster.connectors.wire.WireFormat;
import java.util.Locale;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Where a source starts reading: {@code earliest}, {@code latest}, {@code committed} or a time.
 *
 * @param kind which of the four
 * @param timeMs the time for {@link Kind#TIMESTAMP}, epoch ms; else 0
 */
public record StartPosition(Kind kind, long timeMs) {

    /** The kinds of start position. */
    public enum Kind {
        EARLIEST,
        LATEST,
        COMMITTED,
        TIMESTAMP
    }

    /**
     * Parses {@code earliest}, {@code latest}, {@code committed}, or a time (ISO-8601 or epoch ms).
     *
     * @throws IllegalArgumentException naming the text
     */
    public static StartPosition parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "earliest":
                return new StartPosition(Kind.EARLIEST, 0);
            case "latest":
                return new StartPosition(Kind.LATEST, 0);
            case "committed":
                return new StartPosition(Kind.COMMITTED, 0);
            default:
                try {
                    return new StartPosition(Kind.TIMESTAMP, WireFormat.parseTime(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "start position must be earliest, latest, "
                                    + "committed or a time, got \""
                                    + text
                                    + "\" ("
                                    + e.getMessage()
                                    + ")");
                }
        }
    }

    /** The Flink offsets initializer for this position. */
    @SuppressWarnings("deprecation") // OffsetResetStrategy: still the connector's API in 5.0
    public OffsetsInitializer toOffsetsInitializer() {
        switch (kind) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            case COMMITTED:
                return OffsetsInitializer.committedOffsets(
                        org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST);
            default:
                return OffsetsInitializer.timestamp(timeMs);
        }
    }
}
