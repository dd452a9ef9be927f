package io.forecaster.cli.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays one topic into another: committed records only, keys, values, headers and timestamps
 * unchanged, each source partition copied in order (into the same partition number when the topics
 * have as many partitions, else partitioned by key), so every key keeps its order. The range is an
 * offset range, a record-timestamp range, or both; its end is fixed when the copy starts, so
 * records that arrive later are not copied.
 */
public final class TopicCopier {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCopier.class);

    /**
     * A range of records, every bound optional (null).
     *
     * @param fromOffset first offset copied in each partition (inclusive)
     * @param toOffset offset where each partition's copy ends (exclusive)
     * @param fromTime first record timestamp copied, epoch ms (inclusive)
     * @param toTime record timestamp where the copy ends, epoch ms (exclusive)
     * @param partition only this source partition, or null for all
     */
    public record Range(
            Long fromOffset, Long toOffset, Long fromTime, Long toTime, Integer partition) {
        public static Range all() {
            return new Range(null, null, null, null, null);
        }
    }

    /**
     * What a copy did.
     *
     * @param read records read within the range
     * @param sent records the broker acknowledged
     * @param firstError the first send error, or null
     * @param perPartition records read per source partition
     * @param seconds wall-clock duration
     */
    public record Result(
            long read,
            long sent,
            String firstError,
            Map<Integer, Long> perPartition,
            double seconds) {}

    private static final Duration POLL = Duration.ofMillis(200);
    private final AtomicBoolean stop = new AtomicBoolean();

    /** Asks a running copy to stop. */
    public void stop() {
        stop.set(true);
    }

    /** Copies {@code range} of {@code from} into {@code to}. */
    public Result copy(
            String bootstrap, String from, String to, Range range, Pace pace, Progress progress) {
        Objects.requireNonNull(range, "range");
        if (from.equals(to)) {
            throw new IllegalArgumentException("source and target topic are the same: " + from);
        }
        long t0 = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap);
                KafkaProducer<byte[], byte[]> producer =
                        Producers.idempotent(bootstrap, "forecaster-replay-topic")) {
            List<TopicPartition> parts = partitions(consumer, from, range.partition());
            Map<TopicPartition, Long> start = startOffsets(consumer, parts, range);
            Map<TopicPartition, Long> end = endOffsets(consumer, parts, range);
            List<PartitionInfo> target = producer.partitionsFor(to);
            boolean samePartitions = target.size() >= consumer.partitionsFor(from).size();
            long total = 0;
            for (TopicPartition tp : parts) {
                total += Math.max(0, end.get(tp) - start.get(tp));
            }
            progress.total(total);
            LOG.info("copying {} to {}: offsets {} up to {}", from, to, start, end);

            List<TopicPartition> active = new ArrayList<>();
            for (TopicPartition tp : parts) {
                if (start.get(tp) < end.get(tp)) {
                    active.add(tp);
                }
            }
            consumer.assign(active);
            for (TopicPartition tp : active) {
                consumer.seek(tp, start.get(tp));
            }
            AtomicLong acked = new AtomicLong();
            AtomicReference<String> firstError = new AtomicReference<>();
            Map<Integer, Long> perPartition = new HashMap<>();
            long read = 0;
            Pace.Clock clock = pace.start();
            while (!active.isEmpty() && !stop.get() && firstError.get() == null) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp) || !active.contains(tp)) {
                        continue;
                    }
                    clock.await(read, r.timestamp());
                    Integer partition = samePartitions ? r.partition() : null;
                    producer.send(
                            new ProducerRecord<>(
                                    to, partition, r.timestamp(), r.key(), r.value(), r.headers()),
                            (md, e) -> {
                                if (e == null) {
                                    acked.incrementAndGet();
                                } else {
                                    firstError.compareAndSet(null, e.toString());
                                }
                            });
                    read++;
                    perPartition.merge(r.partition(), 1L, Long::sum);
                    progress.update(acked.get());
                }
                // A partition is done when its position passed the end (aborted records and
                // transaction markers occupy offsets that read_committed never returns).
                List<TopicPartition> done = new ArrayList<>();
                for (TopicPartition tp : active) {
                    if (consumer.position(tp) >= end.get(tp)) {
                        done.add(tp);
                    }
                }
                if (!done.isEmpty()) {
                    active.removeAll(done);
                    consumer.assign(active);
                }
            }
            producer.flush();
            progress.finish(acked.get());
            double secs = (System.nanoTime() - t0) / 1e9;
            LOG.info(
                    "copied {} of {} records from {} to {} in {} s",
                    acked.get(),
                    read,
                    from,
                    to,
                    secs);
            return new Result(read, acked.get(), firstError.get(), perPartition, secs);
        }
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<?, ?> c, String topic, Integer only) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic \"" + topic + "\" does not exist");
        }
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo i : infos) {
            if (only == null || only == i.partition()) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(
                    "topic \""
                            + topic
                            + "\" has no partition "
                            + only
                            + " (it has "
                            + infos.size()
                            + ")");
        }
        return parts;
    }

    private static Map<TopicPartition, Long> startOffsets(
            KafkaConsumer<?, ?> c, List<TopicPartition> parts, Range r) {
        Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        Map<TopicPartition, Long> start = new HashMap<>(begin);
        if (r.fromOffset() != null) {
            parts.forEach(tp -> start.put(tp, Math.max(begin.get(tp), r.fromOffset())));
        }
        if (r.fromTime() != null) {
            Map<TopicPartition, OffsetAndTimestamp> byTime =
                    c.offsetsForTimes(timesOf(parts, r.fromTime()));
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp o = byTime.get(tp);
                start.put(tp, Math.max(start.get(tp), o == null ? end.get(tp) : o.offset()));
            }
        }
        return start;
    }

    private static Map<TopicPartition, Long> endOffsets(
            KafkaConsumer<?, ?> c, List<TopicPartition> parts, Range r) {
        Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts));
        if (r.toOffset() != null) {
            parts.forEach(tp -> end.put(tp, Math.min(end.get(tp), r.toOffset())));
        }
        if (r.toTime() != null) {
            Map<TopicPartition, OffsetAndTimestamp> byTime =
                    c.offsetsForTimes(timesOf(parts, r.toTime()));
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp o = byTime.get(tp);
                if (o != null) {
                    end.put(tp, Math.min(end.get(tp), o.offset()));
                }
            }
        }
        return end;
    }

    private static Map<TopicPartition, Long> timesOf(List<TopicPartition> parts, long time) {
        Map<TopicPartition, Long> m = new HashMap<>();
        parts.forEach(tp -> m.put(tp, time));
        return m;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
