package io.forecaster.cli.kafka;

import java.util.concurrent.locks.LockSupport;

/**
 * How fast a replay sends: as fast as possible, at a fixed rate, or at a speed-up of event time (a
 * factor of 86400 plays one day of data per second).
 *
 * @param rate records per second, or 0
 * @param speedup event-time speed-up factor, or 0
 */
public record Pace(double rate, double speedup) {

    public Pace {
        if (rate < 0
                || speedup < 0
                || (rate > 0 && speedup > 0)
                || Double.isNaN(rate)
                || Double.isNaN(speedup)) {
            throw new IllegalArgumentException(
                    "give at most one of rate and speed-up, both >= 0; got rate "
                            + rate
                            + ", speed-up "
                            + speedup);
        }
    }

    /** As fast as possible. */
    public static Pace fast() {
        return new Pace(0, 0);
    }

    /** A fixed number of records per second. */
    public static Pace rate(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be > 0 records/s, got " + perSecond);
        }
        return new Pace(perSecond, 0);
    }

    /** Event time played {@code factor} times faster than it happened. */
    public static Pace speedup(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("speed-up must be > 0, got " + factor);
        }
        return new Pace(0, factor);
    }

    /** A clock for one replay: {@link #await} blocks until record {@code i} is due. */
    public Clock start() {
        return new Clock(System.nanoTime());
    }

    @Override
    public String toString() {
        return rate > 0
                ? rate + " records/s"
                : speedup > 0 ? "event time x" + speedup : "as fast as possible";
    }

    /** Times one replay. */
    public final class Clock {
        private final long t0;
        private long firstTime = Long.MIN_VALUE;

        private Clock(long t0) {
            this.t0 = t0;
        }

        /**
         * Waits until record number {@code index} (from 0), with event time {@code eventTime} ms,
         * is due.
         */
        public void await(long index, long eventTime) {
            long due;
            if (rate > 0) {
                due = t0 + (long) (index * 1e9 / rate);
            } else if (speedup > 0) {
                if (firstTime == Long.MIN_VALUE) {
                    firstTime = eventTime;
                }
                due = t0 + (long) ((eventTime - firstTime) * 1e6 / speedup);
            } else {
                return;
            }
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 100_000_000L));
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
    }
}
