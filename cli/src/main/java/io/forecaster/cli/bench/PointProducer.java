package io.forecaster.cli.bench;

import io.forecaster.connectors.wire.PointFormat;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the benchmark's points to Kafka: either a preload of {@code keys × points} as fast as the
 * broker takes them (throughput runs), or a stream paced at a fixed rate whose event times are the
 * wall clock (latency runs), remembering the broker's append time of every point of the sampled
 * keys so that a forecast's latency can be measured from it.
 */
public final class PointProducer {

    private static final Logger LOG = LoggerFactory.getLogger(PointProducer.class);

    /** Event time of the first preloaded point (2026-01-01T00:00:00Z); points are 1 s apart. */
    public static final long PRELOAD_START = 1_767_225_600_000L;

    private PointProducer() {}

    /** Result of a preload. */
    public record Preload(long points, double seconds) {}

    /**
     * Writes {@code pointsPerKey} points of each of {@code keys} keys, step by step, the first at
     * {@code startTime} and each key's next one 1 s later.
     */
    public static Preload preload(
            String bootstrap, String topic, int keys, int pointsPerKey, long startTime) {
        return preload(bootstrap, topic, keys, 0, pointsPerKey, startTime, PointFormat.JSON);
    }

    /**
     * As {@link #preload(String, String, int, int, long)}, steps {@code fromStep} to {@code
     * fromStep + pointsPerKey - 1} of each key's series (step i at {@code startTime + i} s): a
     * preload continued; values in {@code format}.
     */
    public static Preload preload(
            String bootstrap,
            String topic,
            int keys,
            long fromStep,
            int pointsPerKey,
            long startTime,
            PointFormat format) {
        byte[][] keyBytes = keyBytes(keys);
        long t0 = System.nanoTime();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(bootstrap, 20))) {
            for (long i = fromStep; i < fromStep + pointsPerKey; i++) {
                long time = startTime + i * 1000L;
                for (int k = 0; k < keys; k++) {
                    producer.send(
                            new ProducerRecord<>(
                                    topic, keyBytes[k], SyntheticPoints.value(k, time, i, format)),
                            (md, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            });
                    sent++;
                }
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading " + topic + " failed", failure.get());
        }
        double s = (System.nanoTime() - t0) / 1e9;
        LOG.info(
                "preloaded {} points ({} keys x {}) into {} in {} s",
                sent,
                keys,
                pointsPerKey,
                topic,
                String.format("%.1f", s));
        return new Preload(sent, s);
    }

    /**
     * Writes {@code pointsPerKey} points of each of {@code keys} keys, each key's points {@code
     * spacingMs} apart in event time from {@code startTime}, out of order: the points of {@code
     * block} consecutive steps of every key are sent in a random order (seeded), block after block,
     * so no point arrives after one more than {@code block * spacingMs} newer than it. Hot keys:
     * with a few keys and 1 ms spacing, each key has thousands of points in flight.
     */
    public static Preload preloadShuffled(
            String bootstrap,
            String topic,
            int keys,
            int pointsPerKey,
            long startTime,
            long spacingMs,
            int block,
            long seed) {
        return preloadShuffled(
                bootstrap,
                topic,
                keys,
                0,
                pointsPerKey,
                startTime,
                spacingMs,
                block,
                seed,
                PointFormat.JSON);
    }

    /**
     * As {@link #preloadShuffled(String, String, int, int, long, long, int, long)}, steps {@code
     * fromStep} to {@code fromStep + pointsPerKey - 1} of each key (a preload continued: the blocks
     * start again at {@code fromStep}, so no point is further out of order than before).
     */
    public static Preload preloadShuffled(
            String bootstrap,
            String topic,
            int keys,
            long fromStep,
            int pointsPerKey,
            long startTime,
            long spacingMs,
            int block,
            long seed,
            PointFormat format) {
        byte[][] keyBytes = keyBytes(keys);
        java.util.Random random = new java.util.Random(seed);
        int[] order = new int[Math.multiplyExact(keys, block)];
        long t0 = System.nanoTime();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(bootstrap, 20))) {
            for (int first = 0; first < pointsPerKey && failure.get() == null; first += block) {
                int steps = Math.min(block, pointsPerKey - first);
                int n = steps * keys;
                for (int j = 0; j < n; j++) {
                    order[j] = j;
                }
                for (int j = n - 1; j > 0; j--) { // Fisher-Yates
                    int r = random.nextInt(j + 1);
                    int x = order[j];
                    order[j] = order[r];
                    order[r] = x;
                }
                for (int j = 0; j < n; j++) {
                    int k = order[j] % keys;
                    long i = fromStep + first + order[j] / keys;
                    producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    keyBytes[k],
                                    SyntheticPoints.value(k, startTime + i * spacingMs, i, format)),
                            (md, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            });
                    sent++;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading " + topic + " failed", failure.get());
        }
        double s = (System.nanoTime() - t0) / 1e9;
        LOG.info(
                "preloaded {} shuffled points ({} keys x {}) into {} in {} s",
                sent,
                keys,
                pointsPerKey,
                topic,
                String.format("%.1f", s));
        return new Preload(sent, s);
    }

    /**
     * A paced stream: {@link #run} sends {@code rate} points/s round-robin over the keys for a
     * while; event times are the wall clock at send. For keys whose index is a multiple of {@code
     * sampleEvery}, the broker's append time (the points topic must use LogAppendTime) is kept for
     * about a minute, until {@link #appendTime} takes it.
     */
    public static final class Paced {
        private final String bootstrap;
        private final String topic;
        private final int keys;
        private final long rate;
        private final PointFormat format;
        private final AppendTimes appendTimes;
        private final long[] lastTime;
        private final AtomicLong acked = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean stop;
        private long sent;

        public Paced(String bootstrap, String topic, int keys, long rate, int sampleEvery) {
            this(bootstrap, topic, keys, rate, sampleEvery, PointFormat.JSON);
        }

        /** As above, the values in {@code format}. */
        public Paced(
                String bootstrap,
                String topic,
                int keys,
                long rate,
                int sampleEvery,
                PointFormat format) {
            this.format = format;
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.keys = keys;
            this.rate = rate;
            this.lastTime = new long[keys];
            this.appendTimes =
                    new AppendTimes(keys, sampleEvery, AppendTimes.capacityFor(rate, keys, 60));
        }

        /** Sends for {@code duration} (or until {@link #stop}); returns the points sent. */
        public long run(Duration duration) {
            long t0 = System.nanoTime();
            long end = t0 + duration.toNanos();
            long[] step = new long[keys];
            byte[][] keyBytes = keyBytes(keys);
            int k = 0;
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props(bootstrap, 1))) {
                while (!stop && failure.get() == null) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    long due = (long) ((now - t0) / 1e9 * rate) - sent;
                    for (long n = 0; n < due; n++) {
                        int key = k;
                        long time = Math.max(System.currentTimeMillis(), lastTime[key] + 1);
                        lastTime[key] = time;
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        keyBytes[key],
                                        SyntheticPoints.value(key, time, step[key]++, format)),
                                (md, e) -> {
                                    if (e != null) {
                                        failure.compareAndSet(null, e);
                                    } else {
                                        acked.incrementAndGet();
                                        appendTimes.put(key, time, md.timestamp()); // if sampled
                                    }
                                });
                        sent++;
                        k = k + 1 == keys ? 0 : k + 1;
                    }
                    sleepQuietly(1);
                }
                producer.flush();
            }
            if (failure.get() != null) {
                throw new IllegalStateException(
                        "streaming into " + topic + " failed", failure.get());
            }
            return sent;
        }

        public void stop() {
            stop = true;
        }

        /** Points the broker acknowledged so far. */
        public long acked() {
            return acked.get();
        }

        /** Takes the append time of a sampled point, or -1 if not sampled (or unknown). */
        public long appendTime(int key, long eventTime) {
            return appendTimes.take(key, eventTime);
        }
    }

    private static byte[][] keyBytes(int keys) {
        byte[][] b = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            b[k] = SyntheticPoints.key(k);
        }
        return b;
    }

    static Properties props(String bootstrap, int lingerMs) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "e2e-bench-points");
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        p.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.setProperty(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
        p.setProperty(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
