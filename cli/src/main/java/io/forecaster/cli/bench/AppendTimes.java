package io.forecaster.cli.bench;

/**
 * The broker's append times of the sampled keys' points, by event time, for the latency a reader
 * measures. One ring of primitive pairs per sampled key, allocated once: a paced stream records
 * tens of thousands of points a second, most of which never complete a forecast (stateful S=10
 * forecasts every tenth), and a boxed map of them was long-lived garbage that filled the old
 * generation of the JVM the job shares and cost full collections of hundreds of ms. A ring keeps a
 * key's latest {@code capacity} points; an older one reads as unknown.
 *
 * <p>Event times per key must be recorded in increasing order (a key's points go to one partition,
 * whose acknowledgements arrive in order); a point recorded out of order is unknown, never mistaken
 * for another. Thread-safe: one writer (the producer's callbacks) and readers.
 */
final class AppendTimes {

    private final int sampleEvery;
    private final int mask;
    private final Ring[] rings;

    private static final class Ring {
        final long[] eventTimes;
        final long[] appendTimes;
        long written;

        Ring(int capacity) {
            eventTimes = new long[capacity];
            appendTimes = new long[capacity];
        }
    }

    /**
     * @param keys keys 0 to keys - 1
     * @param sampleEvery keys whose index is a multiple of this are recorded
     * @param capacity points kept per key, rounded up to a power of two
     */
    AppendTimes(int keys, int sampleEvery, int capacity) {
        if (keys < 1 || sampleEvery < 1 || capacity < 1 || capacity > 1 << 24) {
            throw new IllegalArgumentException(
                    "keys " + keys + ", sampleEvery " + sampleEvery + ", capacity " + capacity);
        }
        this.sampleEvery = sampleEvery;
        int cap = Integer.highestOneBit(capacity);
        cap = cap < capacity ? cap << 1 : cap;
        this.mask = cap - 1;
        this.rings = new Ring[(keys - 1) / sampleEvery + 1];
        for (int i = 0; i < rings.length; i++) {
            rings[i] = new Ring(cap);
        }
    }

    /**
     * The capacity that keeps about {@code seconds} of a stream of {@code rate} points/s spread
     * over {@code keys}, at least 64.
     */
    static int capacityFor(long rate, int keys, int seconds) {
        long perKey = (long) Math.ceil((double) rate / keys * seconds);
        return (int) Math.min(1 << 20, Math.max(64, perKey));
    }

    boolean sampled(int key) {
        return key >= 0 && key % sampleEvery == 0 && key / sampleEvery < rings.length;
    }

    /** Records a sampled key's point; other keys are ignored. */
    void put(int key, long eventTime, long appendTime) {
        if (!sampled(key)) {
            return;
        }
        Ring r = rings[key / sampleEvery];
        synchronized (r) {
            int i = (int) (r.written & mask);
            r.eventTimes[i] = eventTime;
            r.appendTimes[i] = appendTime;
            r.written++;
        }
    }

    /**
     * Takes the append time of a key's point: -1 if the key is not sampled, the point was not
     * recorded or has left the ring, or was taken before (a forecast written twice counts once).
     */
    long take(int key, long eventTime) {
        if (!sampled(key)) {
            return -1;
        }
        Ring r = rings[key / sampleEvery];
        synchronized (r) {
            long lo = Math.max(0, r.written - (mask + 1));
            long hi = r.written - 1;
            while (lo <= hi) {
                long mid = (lo + hi) >>> 1;
                int i = (int) (mid & mask);
                long t = r.eventTimes[i];
                if (t < eventTime) {
                    lo = mid + 1;
                } else if (t > eventTime) {
                    hi = mid - 1;
                } else {
                    long at = r.appendTimes[i];
                    r.appendTimes[i] = -1;
                    return at;
                }
            }
            return -1;
        }
    }
}
