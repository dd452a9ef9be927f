package io.forecaster.cli.kafka;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * A one-line progress bar with count, rate and time left, redrawn in place on a terminal ({@code
 * \r}), or a line every few seconds otherwise (logs, CI).
 */
public final class Progress {

    private final PrintWriter out;
    private final String unit;
    private final boolean terminal;
    private final long intervalNanos;
    private final long t0 = System.nanoTime();
    private long total;
    private long last;
    private boolean drawn;

    /**
     * @param out where to draw (a CLI's error stream), or null for no progress output
     * @param unit what is counted, e.g. "rows"
     * @param total expected count, or -1 if unknown
     * @param terminal true to redraw in place
     */
    public Progress(PrintWriter out, String unit, long total, boolean terminal) {
        this.out = out;
        this.unit = unit;
        this.total = total;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 200_000_000L : 5_000_000_000L;
        this.last = t0;
    }

    /** No output at all. */
    public static Progress none() {
        return new Progress(null, "", -1, false);
    }

    public void total(long total) {
        this.total = total;
    }

    /** Reports the count; draws at most every 200 ms (terminal) or 5 s. */
    public void update(long done) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - last < intervalNanos) {
            return;
        }
        last = now;
        draw(done, now);
    }

    /** Draws the final state and ends the line. */
    public void finish(long done) {
        if (out == null) {
            return;
        }
        draw(done, System.nanoTime());
        if (terminal && drawn) {
            out.println();
        }
        out.flush();
    }

    private void draw(long done, long now) {
        double secs = Math.max((now - t0) / 1e9, 1e-9);
        double rate = done / secs;
        StringBuilder sb = new StringBuilder();
        if (total > 0) {
            double f = Math.min(1.0, (double) done / total);
            int width = 30;
            int full = (int) Math.round(f * width);
            sb.append('[').append("#".repeat(full)).append(".".repeat(width - full)).append("] ");
            sb.append(String.format("%3.0f%% %,d/%,d %s", f * 100, done, total, unit));
        } else {
            sb.append(String.format("%,d %s", done, unit));
        }
        sb.append(String.format(", %,.0f %s/s", rate, unit));
        if (total > 0 && rate > 0 && done < total) {
            sb.append(", ")
                    .append(format(Duration.ofSeconds((long) ((total - done) / rate))))
                    .append(" left");
        } else {
            sb.append(", ")
                    .append(format(Duration.ofMillis((long) (secs * 1000))))
                    .append(" elapsed");
        }
        if (terminal) {
            out.print("\r" + sb + "   ");
        } else {
            out.println(sb);
        }
        out.flush();
        drawn = true;
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600
                ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
