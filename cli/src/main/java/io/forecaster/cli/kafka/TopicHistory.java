package io.forecaster.cli.kafka;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the history of a points topic once, as {@code train}, {@code evaluate} and {@code
 * calibrate} use it instead of a CSV file: every partition from its beginning up to its end offset
 * taken when the read starts ({@code read_committed}, so aborted and still-open transactions are
 * never read, and records produced after the start are not waited for), each record decoded by the
 * job's own {@link PointParser}. A record that cannot be decoded is counted, never used, and does
 * not stop the read.
 *
 * <p>Each key's points are returned in the order the job would receive them from the topic:
 * partition by partition (a key's records normally share one partition), in offset order; they are
 * not sorted here, since the series readers sort them by time stably, so that among points with the
 * same time the first one read wins, as in the job's ordering step.
 */
public final class TopicHistory {

    private TopicHistory() {}

    /**
     * @param bootstrap bootstrap servers
     * @param topic the points topic
     * @param parser decodes a record (its format: JSON, CSV or binary values)
     * @param timeout how long the read may go without progress before it fails
     */
    public record Options(String bootstrap, String topic, PointParser parser, Duration timeout) {
        public Options {
            Objects.requireNonNull(bootstrap, "bootstrap");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(parser, "parser");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * One key's points in the order read (see the class comment).
     *
     * @param times event times, epoch ms
     * @param values the values
     */
    public record KeyPoints(long[] times, double[] values) {
        public int size() {
            return times.length;
        }
    }

    /**
     * What a read found.
     *
     * @param topic the topic
     * @param startOffsets each partition's first offset when the read started
     * @param endOffsets each partition's end offset (read_committed: its last stable offset) when
     *     the read started; the read stopped there
     * @param records records read (committed ones, below the end offsets)
     * @param byKey every key's points, keys in name order
     * @param unreadable records that could not be decoded, by dead-letter reason
     * @param firstUnreadable the first one (lowest partition, then lowest offset): where it was and
     *     why, or null when none
     */
    public record Result(
            String topic,
            SortedMap<Integer, Long> startOffsets,
            SortedMap<Integer, Long> endOffsets,
            long records,
            SortedMap<String, KeyPoints> byKey,
            Map<String, Long> unreadable,
            String firstUnreadable) {

        /** How many points were decoded. */
        public long points() {
            return byKey.values().stream().mapToLong(KeyPoints::size).sum();
        }

        /** How many records could not be decoded. */
        public long unreadableCount() {
            return unreadable.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The end offsets as {@code partition:offset,...}, e.g. {@code 0:1204,1:980}. */
        public String endOffsetsText() {
            return endOffsets.entrySet().stream()
                    .map(e -> e.getKey() + ":" + e.getValue())
                    .collect(Collectors.joining(","));
        }

        /** One line: the topic, its partitions' offset ranges read, records, points and keys. */
        public String summary() {
            StringBuilder ranges = new StringBuilder();
            for (Map.Entry<Integer, Long> e : endOffsets.entrySet()) {
                if (ranges.length() > 0) {
                    ranges.append(' ');
                }
                ranges.append(e.getKey())
                        .append(':')
                        .append(startOffsets.get(e.getKey()))
                        .append("..")
                        .append(e.getValue());
            }
            return String.format(
                    java.util.Locale.ROOT,
                    "topic %s (read_committed, up to the end offsets at start; partition:offsets"
                            + " %s): %d records, %d points of %d keys, %d unreadable",
                    topic,
                    ranges,
                    records,
                    points(),
                    byKey.size(),
                    unreadableCount());
        }

        /** The line that reports the unreadable records, or null when there were none. */
        public String unreadableLine() {
            if (unreadable.isEmpty()) {
                return null;
            }
            String byReason =
                    unreadable.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", "));
            return String.format(
                    java.util.Locale.ROOT,
                    "%d record(s) of topic %s could not be read and are not used (%s); the first:"
                            + " %s",
                    unreadableCount(),
                    topic,
                    byReason,
                    firstUnreadable);
        }

        /**
         * The sha256 of the decoded points: one line {@code key,epoch-ms,value} per point (the
         * value as {@link Double#toString(double)}), keys in name order, each key's points by time
         * (stably); it names the data read whatever the partitioning, as a file's sha256 does for a
         * CSV.
         */
        public String sha256() {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            StringBuilder line = new StringBuilder();
            for (Map.Entry<String, KeyPoints> e : byKey.entrySet()) {
                KeyPoints p = e.getValue();
                for (int i : byTime(p.times())) {
                    line.setLength(0);
                    line.append(e.getKey())
                            .append(',')
                            .append(p.times()[i])
                            .append(',')
                            .append(p.values()[i])
                            .append('\n');
                    md.update(line.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        }

        private static int[] byTime(long[] times) {
            Integer[] order = new Integer[times.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingLong(i -> times[i])); // stable
            return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * Reads the topic.
     *
     * @throws IllegalArgumentException when the topic does not exist
     * @throws IllegalStateException when the read makes no progress for {@code timeout}
     */
    public static Result read(Options o) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(o.bootstrap(), o.timeout())) {
            List<PartitionInfo> infos = c.partitionsFor(o.topic(), o.timeout());
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException(
                        "topic '" + o.topic() + "' does not exist at " + o.bootstrap());
            }
            List<TopicPartition> parts =
                    infos.stream()
                            .map(i -> new TopicPartition(o.topic(), i.partition()))
                            .sorted(Comparator.comparingInt(TopicPartition::partition))
                            .toList();
            c.assign(parts);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts, o.timeout());
            Map<TopicPartition, Long> end = c.endOffsets(parts, o.timeout());
            c.seekToBeginning(parts);
            // per partition, per key: the points in offset order
            Map<Integer, Map<String, Buffer>> read = new TreeMap<>();
            Map<String, Long> unreadable = new TreeMap<>();
            String firstBad = null; // the first in partition order, then offset order
            int firstBadPartition = Integer.MAX_VALUE;
            long records = 0;
            List<TopicPartition> open = new ArrayList<>();
            for (TopicPartition tp : parts) {
                if (c.position(tp, o.timeout()) < end.get(tp)) {
                    open.add(tp);
                }
            }
            c.pause(parts.stream().filter(tp -> !open.contains(tp)).toList());
            long lastProgress = System.nanoTime();
            while (!open.isEmpty()) {
                boolean progress = false;
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue; // produced after the read started
                    }
                    progress = true;
                    records++;
                    ParsedPoint p =
                            o.parser()
                                    .parse(
                                            r.topic(),
                                            r.partition(),
                                            r.offset(),
                                            r.key(),
                                            r.value());
                    if (p.isPoint()) {
                        SensorPoint s = p.point();
                        read.computeIfAbsent(r.partition(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(s.sensorId(), k -> new Buffer())
                                .add(s.eventTime(), s.value());
                    } else {
                        DeadLetter d = p.deadLetter();
                        unreadable.merge(d.reason(), 1L, Long::sum);
                        if (firstBad == null || r.partition() < firstBadPartition) {
                            firstBadPartition = r.partition();
                            firstBad =
                                    "partition "
                                            + r.partition()
                                            + " offset "
                                            + r.offset()
                                            + (d.key() == null ? "" : " key " + d.key())
                                            + ": "
                                            + d.reason()
                                            + ": "
                                            + d.detail();
                        }
                    }
                }
                for (java.util.Iterator<TopicPartition> it = open.iterator(); it.hasNext(); ) {
                    TopicPartition tp = it.next();
                    // read_committed: the position moves past aborted records and markers too
                    if (c.position(tp, o.timeout()) >= end.get(tp)) {
                        c.pause(List.of(tp));
                        it.remove();
                        progress = true;
                    }
                }
                if (progress) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > o.timeout().toNanos()) {
                    throw new IllegalStateException(
                            "no progress reading topic "
                                    + o.topic()
                                    + " for "
                                    + o.timeout().toMillis()
                                    + " ms; still to read: "
                                    + open.stream()
                                            .map(
                                                    tp ->
                                                            "partition "
                                                                    + tp.partition()
                                                                    + " at "
                                                                    + c.position(tp)
                                                                    + " of "
                                                                    + end.get(tp))
                                            .collect(Collectors.joining(", ")));
                }
            }
            return new Result(
                    o.topic(),
                    byPartition(begin),
                    byPartition(end),
                    records,
                    byKey(read),
                    unreadable,
                    firstBad);
        }
    }

    private static SortedMap<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
        SortedMap<Integer, Long> out = new TreeMap<>();
        offsets.forEach((tp, off) -> out.put(tp.partition(), off));
        return out;
    }

    /** Each key's points, partition by partition (ascending), in offset order within one. */
    private static SortedMap<String, KeyPoints> byKey(Map<Integer, Map<String, Buffer>> read) {
        Map<String, List<Buffer>> parts = new TreeMap<>();
        read.values()
                .forEach(
                        keys ->
                                keys.forEach(
                                        (k, b) ->
                                                parts.computeIfAbsent(k, x -> new ArrayList<>())
                                                        .add(b)));
        SortedMap<String, KeyPoints> out = new TreeMap<>();
        parts.forEach(
                (k, bufs) -> {
                    int n = bufs.stream().mapToInt(b -> b.n).sum();
                    long[] t = new long[n];
                    double[] v = new double[n];
                    int i = 0;
                    for (Buffer b : bufs) {
                        System.arraycopy(b.times, 0, t, i, b.n);
                        System.arraycopy(b.values, 0, v, i, b.n);
                        i += b.n;
                    }
                    out.put(k, new KeyPoints(t, v));
                });
        return out;
    }

    private static final class Buffer {
        long[] times = new long[64];
        double[] values = new double[64];
        int n;

        void add(long t, double v) {
            if (n == times.length) {
                times = Arrays.copyOf(times, n * 2);
                values = Arrays.copyOf(values, n * 2);
            }
            times[n] = t;
            values[n] = v;
            n++;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.setProperty(
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()))));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
