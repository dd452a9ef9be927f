package io.forecaster.cli.bench;

import java.util.Arrays;

/** Collects latency samples (ms) and answers percentiles (nearest rank). Thread-safe. */
public final class LatencyRecorder {

    private long[] samples = new long[1024];
    private int n;

    public synchronized void record(long ms) {
        if (n == samples.length) {
            samples = Arrays.copyOf(samples, n * 2);
        }
        samples[n++] = ms;
    }

    public synchronized int count() {
        return n;
    }

    /** The p-th percentile (0 < p <= 100) by nearest rank, or NaN without samples. */
    public synchronized double percentile(double p) {
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted[Math.min(n, Math.max(1, rank)) - 1];
    }

    public synchronized double max() {
        return n == 0 ? Double.NaN : Arrays.stream(samples, 0, n).max().getAsLong();
    }
}
