package io.forecaster.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every latency sample of a latency case, by the append time of the point it is the forecast of:
 * the whole stream is kept, so that the warm-up, the steady state and the first interval after the
 * job started can each be cut from it. Thread-safe.
 */
final class LatencySeries {

    /**
     * A window counts as complete once a sample of a point appended this long after its end has
     * been read (forecasts arrive roughly in append order per partition).
     */
    static final long COMPLETE_AFTER_MS = 1000;

    private long[] appended = new long[4096];
    private long[] total = new long[4096];
    private long[] inJob = new long[4096];
    private long[] delivery = new long[4096];
    private int n;
    private long highWater = Long.MIN_VALUE;

    /** The latency figures of one interval: append to read, append to made, made to read (ms). */
    record Figures(LatencyRecorder total, LatencyRecorder inJob, LatencyRecorder delivery) {}

    /**
     * One forecast read: its window's last point appended at {@code appendedAt} (epoch ms), read
     * {@code total} ms later, made {@code inJob} ms after the append.
     */
    synchronized void add(long appendedAt, long total, long inJob, long delivery) {
        if (n == appended.length) {
            int m = n * 2;
            appended = Arrays.copyOf(appended, m);
            this.total = Arrays.copyOf(this.total, m);
            this.inJob = Arrays.copyOf(this.inJob, m);
            this.delivery = Arrays.copyOf(this.delivery, m);
        }
        appended[n] = appendedAt;
        this.total[n] = total;
        this.inJob[n] = inJob;
        this.delivery[n] = delivery;
        n++;
        highWater = Math.max(highWater, appendedAt);
    }

    synchronized int count() {
        return n;
    }

    /** The latest append time of a point whose forecast was read (MIN_VALUE before any). */
    synchronized long highWater() {
        return highWater;
    }

    /** The samples of points appended in [from, until) (epoch ms). */
    synchronized Figures between(long from, long until) {
        Figures f =
                new Figures(new LatencyRecorder(), new LatencyRecorder(), new LatencyRecorder());
        for (int i = 0; i < n; i++) {
            if (appended[i] >= from && appended[i] < until) {
                record(f, i);
            }
        }
        return f;
    }

    private void record(Figures f, int i) {
        f.total.record(total[i]);
        f.inJob.record(inJob[i]);
        f.delivery.record(delivery[i]);
    }

    /** The samples of each second of append time from {@code t0} up to {@code until}. */
    synchronized List<Figures> perSecond(long t0, long until) {
        int seconds = (int) Math.max(0, (until - t0 + 999) / 1000);
        List<Figures> out = new ArrayList<>(seconds);
        for (int i = 0; i < seconds; i++) {
            out.add(
                    new Figures(
                            new LatencyRecorder(), new LatencyRecorder(), new LatencyRecorder()));
        }
        for (int i = 0; i < n; i++) {
            if (appended[i] >= t0 && appended[i] < until) {
                record(out.get((int) ((appended[i] - t0) / 1000)), i);
            }
        }
        return out;
    }

    /**
     * The p99 (append to read, ms; NaN without samples) of each complete window of {@code windowMs}
     * from {@code t0}, from the first window on: windows {@code [t0 + i w, t0 + (i+1) w)} whose end
     * is at least {@link #COMPLETE_AFTER_MS} before {@link #highWater()}, and that end no later
     * than {@code until}; windows before {@code fromWindow} are left out (a caller that has them
     * already).
     */
    synchronized List<Double> windowP99s(long t0, long windowMs, long until, int fromWindow) {
        List<Double> out = new ArrayList<>();
        for (long end = t0 + (fromWindow + 1) * windowMs;
                end <= until && end + COMPLETE_AFTER_MS <= highWater;
                end += windowMs) {
            LatencyRecorder r = new LatencyRecorder();
            for (int i = 0; i < n; i++) {
                if (appended[i] >= end - windowMs && appended[i] < end) {
                    r.record(total[i]);
                }
            }
            out.add(r.percentile(99));
        }
        return out;
    }
}
