package io.forecaster.cli.kafka;

import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.connectors.wire.PointFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends points to a topic in the wire format, keyed by sensor id, with an idempotent producer,
 * paced by a {@link Pace}, optionally looping. Each loop shifts event times forward by the data's
 * span plus its smallest step, so a looped stream keeps moving forward in event time.
 */
public final class FileReplayer {

    private static final Logger LOG = LoggerFactory.getLogger(FileReplayer.class);

    /** Which timestamp the Kafka records carry. */
    public enum RecordTime {
        /** The send time (safe with any retention; the default). */
        SEND,
        /** The event time; before 1970 (which Kafka cannot store) the send time. */
        EVENT
    }

    /**
     * @param bootstrap Kafka bootstrap servers
     * @param topic target topic
     * @param format value format
     * @param pace how fast
     * @param loops how many passes, 0 for endless
     * @param byTime true to send in event-time order (stable: each key keeps its order), false in
     *     file order
     * @param recordTime what the record timestamps are
     */
    public record Options(
            String bootstrap,
            String topic,
            PointFormat format,
            Pace pace,
            int loops,
            boolean byTime,
            RecordTime recordTime) {
        public Options {
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(pace, "pace");
            Objects.requireNonNull(recordTime, "recordTime");
            if (loops < 0) {
                throw new IllegalArgumentException(
                        "loops must be >= 0 (0 = endless), got " + loops);
            }
        }
    }

    /**
     * What a replay did.
     *
     * @param sent records the broker acknowledged
     * @param failed records that could not be sent
     * @param firstError the first send error, or null
     * @param seconds wall-clock duration
     */
    public record Result(long sent, long failed, String firstError, double seconds) {}

    private final AtomicBoolean stop = new AtomicBoolean();

    /** Asks a running {@link #replay} to stop after the record in flight (e.g. on Ctrl-C). */
    public void stop() {
        stop.set(true);
    }

    /** Sends the points; returns when every send is acknowledged or failed. */
    public Result replay(List<SensorPoint> points, Options o, Progress progress) {
        List<SensorPoint> rows = new ArrayList<>(points);
        if (o.byTime()) {
            rows.sort(Comparator.comparingLong(SensorPoint::eventTime)); // stable
        }
        long shift = loopShift(rows);
        progress.total(o.loops() == 0 ? -1 : (long) rows.size() * o.loops());
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long t0 = System.nanoTime();
        long index = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                Producers.idempotent(o.bootstrap(), "forecaster-replay")) {
            Pace.Clock clock = o.pace().start();
            outer:
            for (int loop = 0; o.loops() == 0 || loop < o.loops(); loop++) {
                for (SensorPoint p : rows) {
                    if (stop.get() || firstError.get() != null) {
                        break outer;
                    }
                    SensorPoint q =
                            loop == 0
                                    ? p
                                    : new SensorPoint(
                                            p.sensorId(), p.eventTime() + loop * shift, p.value());
                    clock.await(index, q.eventTime());
                    Long ts =
                            o.recordTime() == RecordTime.EVENT && q.eventTime() >= 0
                                    ? q.eventTime()
                                    : null;
                    producer.send(
                            new ProducerRecord<>(
                                    o.topic(),
                                    null,
                                    ts,
                                    PointCodec.key(q),
                                    PointCodec.value(q, o.format())),
                            (md, e) -> {
                                if (e == null) {
                                    acked.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                    firstError.compareAndSet(null, e.toString());
                                }
                            });
                    index++;
                    progress.update(acked.get());
                }
                if (rows.isEmpty()) {
                    break;
                }
            }
            producer.flush();
        }
        progress.finish(acked.get());
        double secs = (System.nanoTime() - t0) / 1e9;
        LOG.info("replayed {} of {} records to {} in {} s", acked.get(), index, o.topic(), secs);
        return new Result(acked.get(), index - acked.get(), firstError.get(), secs);
    }

    private static long loopShift(List<SensorPoint> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (SensorPoint p : rows) {
            min = Math.min(min, p.eventTime());
            max = Math.max(max, p.eventTime());
        }
        long[] times =
                rows.stream().mapToLong(SensorPoint::eventTime).distinct().sorted().toArray();
        long step = 1;
        if (times.length > 1) {
            step = Long.MAX_VALUE;
            for (int i = 1; i < times.length; i++) {
                step = Math.min(step, times[i] - times[i - 1]);
            }
        }
        return max - min + step;
    }
}
