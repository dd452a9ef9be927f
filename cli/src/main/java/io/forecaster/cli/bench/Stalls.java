package io.forecaster.cli.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * What can stall every thread of a latency case at once, by wall-clock time: this JVM's garbage
 * collections (the job runs in it on the MiniCluster, beside the broker, the load and the reader)
 * and the job's checkpoints. Laid beside the latency of each second, they show whether a p99 is a
 * queue or a stall.
 */
final class Stalls implements AutoCloseable {

    /** One event: started at {@code at} (epoch ms), lasted {@code ms}. */
    record Event(long at, long ms) {}

    private final List<Event> collections = new ArrayList<>();
    private final Map<Long, Event> checkpoints = new TreeMap<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener =
            (n, handback) -> onCollection(n.getType(), n.getUserData());
    private final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();

    /** Starts listening to this JVM's collections. */
    Stalls() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
    }

    private void onCollection(String type, Object data) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(type)
                || !(data instanceof CompositeData cd)) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(cd);
        synchronized (this) {
            collections.add(
                    new Event(
                            jvmStart + info.getGcInfo().getStartTime(),
                            info.getGcInfo().getDuration()));
        }
    }

    /** A checkpoint seen in the job's history (the same id again replaces it). */
    synchronized void checkpoint(long id, long triggeredAt, long durationMs) {
        checkpoints.put(id, new Event(triggeredAt, durationMs));
    }

    synchronized List<Event> collections() {
        return List.copyOf(collections);
    }

    /**
     * The timeline of one latency case, a row per second of append time from {@code t0}: the
     * samples, p50 / p99 / max append to read, p99 made to read, the collections' ms and the
     * checkpoints started in that second (their durations). CSV rows without the header ({@link
     * #HEADER}).
     */
    synchronized String timeline(
            String label, int round, long t0, List<LatencySeries.Figures> seconds) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < seconds.size(); i++) {
            LatencySeries.Figures f = seconds.get(i);
            long from = t0 + i * 1000L;
            long gcMs = 0;
            int gcs = 0;
            for (Event e : collections) {
                if (e.at >= from && e.at < from + 1000) {
                    gcMs += e.ms;
                    gcs++;
                }
            }
            StringBuilder cps = new StringBuilder();
            for (Event e : checkpoints.values()) {
                if (e.at >= from && e.at < from + 1000) {
                    cps.append(cps.length() == 0 ? "" : " ").append(e.ms);
                }
            }
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%s,%d,%d,%d,%.0f,%.0f,%.0f,%.0f,%d,%d,%s%n",
                            label,
                            round,
                            i,
                            f.total().count(),
                            f.total().percentile(50),
                            f.total().percentile(99),
                            f.total().max(),
                            f.delivery().percentile(99),
                            gcs,
                            gcMs,
                            cps));
        }
        return sb.toString();
    }

    /** The header of {@link #timeline}. */
    static final String HEADER =
            "case,round,second,samples,p50_ms,p99_ms,max_ms,p99_made_to_read_ms,collections,collection_ms,checkpoint_ms\n";

    /** Collections in [from, until): their count, the ms of all, the longest (one line). */
    synchronized String collectionsBetween(long from, long until) {
        long n = 0;
        long sum = 0;
        long max = 0;
        for (Event e : collections) {
            if (e.at >= from && e.at < until) {
                n++;
                sum += e.ms;
                max = Math.max(max, e.ms);
            }
        }
        return String.format(
                Locale.ROOT, "collections %d (%d ms in all, the longest %d ms)", n, sum, max);
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // never added
            }
        }
    }
}
