package io.forecaster.cli.bench;

import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.connectors.wire.PointFormat;

/**
 * The benchmark's sensors and their values: {@code s000042}-style ids and a smooth, sunspot-like
 * series per key (the speed of the model does not depend on the values, but the values stay in the
 * range the model was trained on).
 */
public final class SyntheticPoints {

    private SyntheticPoints() {}

    /** The sensor id of key {@code k}. */
    public static String sensor(int k) {
        String d = Integer.toString(k);
        return d.length() >= 6 ? "s" + d : "s" + "000000".substring(d.length()) + d;
    }

    /** The key index of a sensor id written by {@link #sensor}, or -1. */
    public static int keyIndex(String sensor) {
        if (sensor.length() < 2 || sensor.charAt(0) != 's') {
            return -1;
        }
        try {
            return Integer.parseInt(sensor, 1, sensor.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The value of key {@code k} at step {@code i}. */
    public static double value(int k, long i) {
        double phase = (k % 97) * 0.37;
        return 90 + 70 * Math.sin(i / 23.0 + phase) + 10 * Math.sin(i / 3.7 + 2 * phase);
    }

    /** A point's Kafka value in the job's default wire format (JSON). */
    public static byte[] json(int k, long eventTime, long step) {
        return value(k, eventTime, step, PointFormat.JSON);
    }

    /** A point's Kafka value in {@code format}. */
    public static byte[] value(int k, long eventTime, long step, PointFormat format) {
        return PointCodec.value(new SensorPoint(sensor(k), eventTime, value(k, step)), format);
    }

    /** A point's Kafka key. */
    public static byte[] key(int k) {
        return sensor(k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
