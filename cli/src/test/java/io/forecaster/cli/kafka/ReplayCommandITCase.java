package io.forecaster.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import io.forecaster.testing.KafkaExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** Tests for {@link ReplayCommand} on a real broker. */
class ReplayCommandITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    /** A file of ../shared/data, looked for from the working directory upwards. */
    static Path sharedData(String file) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data").resolve(file);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "shared/data/" + file + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void replaysTheWindFileExactlyOnceWithKeysTimesAndPerKeyOrder() throws IOException {
        // The expected rows, read independently of the replay code.
        Path wind = sharedData("wind-ireland/wind_daily_long.csv");
        List<String> lines = Files.readAllLines(wind, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("key,date,value");
        Map<String, Long> expected = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            long t = LocalDate.parse(f[1]).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            expected.merge(f[0] + "|" + t + "|" + Double.parseDouble(f[2]), 1L, Long::sum);
        }
        assertThat(lines.size() - 1).isEqualTo(78_888);

        String topic = KAFKA.createTopic("wind", 4);
        long sendStart = System.currentTimeMillis();
        Run run =
                replay(
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        topic,
                        "--no-progress",
                        "--record-time",
                        "EVENT",
                        wind.toString());
        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out).contains("replayed 78,888 records (78,888 rows read");

        List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 78_888);
        assertThat(records).hasSize(78_888);
        PointParser parser = new PointParser(PointFormat.JSON);
        Map<String, Long> got = new HashMap<>();
        Map<String, Integer> partitionOfKey = new HashMap<>();
        Map<String, Long> lastTimeOfKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) { // in partition order
            ParsedPoint p = parser.parse(r.topic(), r.partition(), r.offset(), r.key(), r.value());
            assertThat(p.isPoint()).as("%s", p.deadLetter()).isTrue();
            SensorPoint s = p.point();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(s.sensorId());
            got.merge(s.sensorId() + "|" + s.eventTime() + "|" + s.value(), 1L, Long::sum);
            // Record timestamps: the event time from 1970 on; Kafka cannot store earlier ones.
            if (s.eventTime() >= 0) {
                assertThat(r.timestamp()).isEqualTo(s.eventTime());
            } else {
                assertThat(r.timestamp()).isGreaterThanOrEqualTo(sendStart);
            }
            // One partition per key, and within it strictly increasing event times.
            assertThat(partitionOfKey.computeIfAbsent(s.sensorId(), k -> r.partition()))
                    .isEqualTo(r.partition());
            Long last = lastTimeOfKey.put(s.sensorId(), s.eventTime());
            if (last != null) {
                assertThat(s.eventTime()).as("order of %s", s.sensorId()).isGreaterThan(last);
            }
        }
        assertThat(got).isEqualTo(expected); // every row exactly once
        assertThat(partitionOfKey).hasSize(12);
    }

    @Test
    void replaysAnOffsetRangeAndATimeRangeOfATopicExactly() throws Exception {
        String source = KAFKA.createTopic("source", 3);
        Properties pp = KAFKA.producerProperties();
        pp.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        long base = 1_700_000_000_000L;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp)) {
            for (int i = 0; i < 300; i++) {
                String key = "K" + (i % 6);
                ProducerRecord<byte[], byte[]> r =
                        new ProducerRecord<>(
                                source,
                                null,
                                base + i * 1000L,
                                key.getBytes(StandardCharsets.UTF_8),
                                ("v" + i).getBytes(StandardCharsets.UTF_8));
                r.headers().add("h", new byte[] {(byte) i});
                p.send(r);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> all = readAll(source, 300);
        assertThat(all).hasSize(300);

        String byOffset = KAFKA.createTopic("copy-offsets", 3);
        Run run =
                replay(
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        byOffset,
                        "--no-progress",
                        "--from-topic",
                        source,
                        "--from-offset",
                        "10",
                        "--to-offset",
                        "40");
        assertThat(run.exit).as(run.err).isZero();
        assertSameRecords(
                readAll(byOffset, 1000),
                all.stream().filter(r -> r.offset() >= 10 && r.offset() < 40).toList());

        String byTime = KAFKA.createTopic("copy-times", 3);
        long from = base + 50_000;
        long to = base + 120_000;
        run =
                replay(
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        byTime,
                        "--no-progress",
                        "--from-topic",
                        source,
                        "--from-time",
                        Long.toString(from),
                        "--to-time",
                        java.time.Instant.ofEpochMilli(to).toString());
        assertThat(run.exit).as(run.err).isZero();
        List<ConsumerRecord<byte[], byte[]>> inRange =
                all.stream().filter(r -> r.timestamp() >= from && r.timestamp() < to).toList();
        assertThat(inRange).hasSize(70);
        assertSameRecords(readAll(byTime, 1000), inRange);
        assertThat(run.out).contains("replayed 70 records (70 read)");
    }

    @Test
    void loopsShiftEventTimesPastThePreviousPass() throws IOException {
        Path dir = Files.createTempDirectory("loop");
        Path f =
                Files.writeString(
                        dir.resolve("p.jsonl"),
                        "{\"sensor\":\"A\",\"time\":\"1961-01-01\",\"value\":1}\n"
                                + "{\"sensor\":\"A\",\"time\":\"1961-01-02\",\"value\":2}\n"
                                + "{\"sensor\":\"A\",\"time\":\"1961-01-04\",\"value\":3}\n");
        String topic = KAFKA.createTopic("loop", 1);
        Run run =
                replay(
                        "-b",
                        KAFKA.bootstrapServers(),
                        "-t",
                        topic,
                        "--no-progress",
                        "--loop",
                        "3",
                        "--format",
                        "CSV",
                        f.toString());
        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.out).contains("replayed 9 records (3 rows read x 3 pass(es))");
        PointParser parser = new PointParser(PointFormat.CSV);
        List<String> got =
                readAll(topic, 100).stream()
                        .map(r -> parser.parse(topic, 0, 0, r.key(), r.value()).point())
                        .map(
                                p ->
                                        java.time.Instant.ofEpochMilli(p.eventTime())
                                                        .toString()
                                                        .substring(0, 10)
                                                + "="
                                                + p.value())
                        .toList();
        // Span 3 days + smallest step 1 day: each pass starts 4 days after the previous one.
        assertThat(got)
                .containsExactly(
                        "1961-01-01=1.0",
                        "1961-01-02=2.0",
                        "1961-01-04=3.0",
                        "1961-01-05=1.0",
                        "1961-01-06=2.0",
                        "1961-01-08=3.0",
                        "1961-01-09=1.0",
                        "1961-01-10=2.0",
                        "1961-01-12=3.0");
        Files.delete(f);
        Files.delete(dir);
    }

    /** Same records (key, value, timestamp, header) in the same partitions and order. */
    private static void assertSameRecords(
            List<ConsumerRecord<byte[], byte[]>> actual,
            List<ConsumerRecord<byte[], byte[]>> expected) {
        assertThat(describe(actual)).isEqualTo(describe(expected));
    }

    private static Map<Integer, List<String>> describe(
            List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .collect(
                        Collectors.groupingBy(
                                ConsumerRecord::partition,
                                Collectors.mapping(
                                        r ->
                                                new String(r.key(), StandardCharsets.UTF_8)
                                                        + "/"
                                                        + new String(
                                                                r.value(), StandardCharsets.UTF_8)
                                                        + "@"
                                                        + r.timestamp()
                                                        + "#"
                                                        + r.headers().lastHeader("h").value()[0],
                                        Collectors.toList())));
    }

    record Run(int exit, String out, String err) {}

    static Run replay(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = io.forecaster.cli.CliErrors.install(new CommandLine(new ReplayCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Every committed record of a topic, partition by partition in offset order. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int atMost) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(KAFKA.consumerProperties())) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline
                    && out.size() <= atMost) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        out.sort(
                java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(
                                ConsumerRecord::partition)
                        .thenComparingLong(ConsumerRecord::offset));
        return out;
    }
}
