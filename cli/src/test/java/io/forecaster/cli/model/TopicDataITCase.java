package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.cli.kafka.TopicHistory;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.testing.KafkaExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train}, {@code evaluate} and {@code calibrate} read the history of a points topic on a
 * real broker and give the figures they give for the same points in a CSV file: two wind stations'
 * first {@value #DAYS} days, produced out of time order over three partitions, with a repeated time
 * (the first one read wins), unreadable records (counted and reported) and an aborted transaction
 * (never read).
 */
class TopicDataITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir static Path dir;

    private static final int DAYS = 400;
    private static final long HALF_DAY = 43_200_000L;
    private static final List<String> STATIONS = List.of("ROS", "VAL");

    private static String topic;
    private static Path csv;
    private static Path csvBundle;
    private static List<SensorPoint> ros;
    private static List<SensorPoint> val;

    @BeforeAll
    static void produce() throws IOException {
        Path wind = CommittedBundlesTest.sharedData("wind-ireland/wind_daily_long.csv");
        List<String> lines = Files.readAllLines(wind);
        List<String> slice = new ArrayList<>();
        slice.add("key,date,value");
        ros = new ArrayList<>();
        val = new ArrayList<>();
        // the CSV: ROS then VAL (the topic's keys come in name order), each in time order
        for (String station : STATIONS) {
            List<SensorPoint> points = station.equals("ROS") ? ros : val;
            for (String line : lines) {
                String[] f = line.split(",");
                if (f[0].equals(station) && points.size() < DAYS) {
                    points.add(
                            new SensorPoint(
                                    station, WireFormat.parseTime(f[1]), Double.parseDouble(f[2])));
                    slice.add(line);
                }
            }
        }
        assertThat(ros).hasSize(DAYS);
        assertThat(val).hasSize(DAYS);
        csv = dir.resolve("wind-slice.csv");
        Files.write(csv, slice);

        topic = KAFKA.createTopic("history", 3);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KAFKA.producerProperties())) {
            // ROS on partition 0, shuffled; then day 100 again with another value: a duplicate
            List<SensorPoint> shuffled = new ArrayList<>(ros);
            Collections.shuffle(shuffled, new Random(7));
            shuffled.forEach(s -> send(p, 0, s));
            SensorPoint day100 = ros.get(100);
            send(p, 0, new SensorPoint("ROS", day100.eventTime(), 999.0));
            // VAL's even days on partition 1, newest first
            for (int d = DAYS - 1; d >= 0; d--) {
                if (d % 2 == 0) {
                    send(p, 1, val.get(d));
                }
            }
            // records the job would dead-letter
            send(p, 0, "ROS", "not json");
            send(p, 2, "ROS", "{\"time\":\"1961-02-01\",\"value\":\"x\"}");
            send(p, 1, "ROS", "{\"sensor\":\"VAL\",\"time\":\"1961-02-01\",\"value\":1}");
        }
        Properties tx = KAFKA.producerProperties();
        tx.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "history-" + topic);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(tx)) {
            p.initTransactions();
            // VAL's odd days on partition 2 in a committed transaction, newest first
            p.beginTransaction();
            for (int d = DAYS - 1; d >= 0; d--) {
                if (d % 2 == 1) {
                    send(p, 2, val.get(d));
                }
            }
            p.commitTransaction();
            // aborted: points at noon between ROS's days, and a key of its own; never read
            p.beginTransaction();
            for (int d = 0; d < DAYS; d += 5) {
                send(p, 0, new SensorPoint("ROS", ros.get(d).eventTime() + HALF_DAY, 500.0));
                send(p, d % 3, new SensorPoint("GHOST", ros.get(d).eventTime(), 1.0));
            }
            p.flush(); // on the broker, then aborted (abortTransaction drops unsent records)
            p.abortTransaction();
        }

        csvBundle = dir.resolve("csv.zip");
        CommandsTest.Run r = run(new TrainCommand(), trainArgs(csvBundle, csvArgs()));
        assertThat(r.code()).as(r.err()).isZero();
    }

    private static void send(KafkaProducer<byte[], byte[]> p, int partition, SensorPoint s) {
        p.send(new ProducerRecord<>(topic, partition, PointCodec.key(s), PointCodec.json(s)));
    }

    private static void send(KafkaProducer<byte[], byte[]> p, int partition, String key, String v) {
        p.send(
                new ProducerRecord<>(
                        topic,
                        partition,
                        key.getBytes(StandardCharsets.UTF_8),
                        v.getBytes(StandardCharsets.UTF_8)));
    }

    private static String[] csvArgs() {
        return new String[] {
            "--data", csv.toString(), "--key-column", "key", "--time-column", "date"
        };
    }

    private static String[] topicArgs() {
        return new String[] {"--topic", topic, "--bootstrap-servers", KAFKA.bootstrapServers()};
    }

    private static String[] trainArgs(Path out, String... source) {
        List<String> a = new ArrayList<>(List.of(source));
        a.addAll(
                List.of(
                        "--window",
                        "10",
                        "--batch",
                        "32",
                        "--epochs",
                        "1",
                        "--seed",
                        "3",
                        "--calibrate-horizon",
                        "3",
                        "--quiet",
                        "--out",
                        out.toString()));
        return a.toArray(String[]::new);
    }

    private static String[] args(String[] source, String... more) {
        List<String> a = new ArrayList<>(List.of(source));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static CommandsTest.Run run(Object command, String... args) {
        return CommandsTest.run(command, args);
    }

    /**
     * The output from its first line starting with {@code from} on, without the lines that name a
     * source or an output file or give a duration.
     */
    private static String from(String out, String from) {
        List<String> lines = out.lines().toList();
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith(from)) {
            i++;
        }
        assertThat(i).as("a line starting '%s' in%n%s", from, out).isLessThan(lines.size());
        return String.join(
                "\n",
                lines.subList(i, lines.size()).stream()
                        .filter(l -> !l.startsWith("model ") || l.contains("beat"))
                        .filter(l -> !l.startsWith("saved ") && !l.startsWith("trained "))
                        .toList());
    }

    /** The line starting with {@code prefix}. */
    private static String line(String out, String prefix) {
        return out.lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in\n" + out));
    }

    @Test
    void evaluateFromTheTopicGivesTheFiguresOfTheCsvAndReportsWhatItDropped() throws Exception {
        CommandsTest.Run fromCsv =
                run(new EvaluateCommand(), args(csvArgs(), "--model", csvBundle.toString()));
        assertThat(fromCsv.code()).as(fromCsv.err()).isZero();
        // a transaction still open when the read starts is not waited for, and not read
        Properties tx = KAFKA.producerProperties();
        tx.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "open-" + topic);
        CommandsTest.Run fromTopic;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(tx)) {
            p.initTransactions();
            p.beginTransaction();
            for (int d = 1; d < DAYS; d += 7) {
                send(p, d % 3, new SensorPoint("VAL", val.get(d).eventTime() + HALF_DAY, 777.0));
            }
            p.flush();
            fromTopic =
                    run(new EvaluateCommand(), args(topicArgs(), "--model", csvBundle.toString()));
            p.abortTransaction();
        }
        assertThat(fromTopic.code()).as(fromTopic.err()).isZero();
        assertThat(from(fromTopic.out(), "series      points"))
                .isEqualTo(from(fromCsv.out(), "series      points"));
        assertThat(fromTopic.out())
                .contains("model csv (window 10")
                .contains("on topic " + topic + " column 'value'")
                // up to the aborted transaction's markers (partition 0: 402 records, 80 + 27
                // aborted, 1 marker; 2: 1 + 200 committed, 1 marker, 27 aborted, 1 marker), not
                // into the open transaction after them
                .contains("partition:offsets 0:0..510 1:0..228 2:0..230)")
                // 400 ROS + 1 repeated + 400 VAL + 3 unreadable; nothing aborted or open
                .contains(": 804 records, 801 points of 2 keys, 3 unreadable")
                .contains(
                        "3 record(s) of topic "
                                + topic
                                + " could not be read and are not used (bad-key 1, bad-value 1,"
                                + " malformed-json 1); the first: partition 0 offset 401 key ROS:"
                                + " malformed-json: not valid JSON")
                .contains("ROS: 401 rows, 0 empty, 1 repeated times dropped")
                .doesNotContain("GHOST")
                .doesNotContain("VAL: ");
    }

    @Test
    void onTheTimeGridTheTopicGivesTheFiguresOfTheCsv() {
        String[] grid = {"--interval", "1d", "--model", csvBundle.toString()};
        CommandsTest.Run fromCsv = run(new EvaluateCommand(), args(csvArgs(), grid));
        CommandsTest.Run fromTopic = run(new EvaluateCommand(), args(topicArgs(), grid));
        assertThat(fromCsv.code()).as(fromCsv.err()).isZero();
        assertThat(fromTopic.code()).as(fromTopic.err()).isZero();
        // the grid's table counts ROS's repeated time; every figure after it is the CSV's
        assertThat(fromTopic.out()).containsPattern("ROS +401 +0 +1 +400 ");
        assertThat(fromCsv.out()).containsPattern("ROS +400 +0 +0 +400 ");
        assertThat(line(fromTopic.out(), "VAL ")).isEqualTo(line(fromCsv.out(), "VAL "));
        assertThat(from(fromTopic.out(), "series      points"))
                .isEqualTo(from(fromCsv.out(), "series      points"))
                .contains("test MAE");
    }

    @Test
    void trainAndCalibrateFromTheTopicGiveTheModelAndFiguresOfTheCsv() throws Exception {
        Path topicBundle = dir.resolve("topic.zip");
        CommandsTest.Run fromTopic = run(new TrainCommand(), trainArgs(topicBundle, topicArgs()));
        assertThat(fromTopic.code()).as(fromTopic.err()).isZero();
        CommandsTest.Run fromCsv =
                run(new TrainCommand(), trainArgs(dir.resolve("csv-again.zip"), csvArgs()));
        assertThat(fromCsv.code()).as(fromCsv.err()).isZero();
        assertThat(from(fromTopic.out(), "points: "))
                .isEqualTo(from(fromCsv.out(), "points: "))
                .contains("validation MAE", "test MAE", "calibration: 3 horizon steps");

        ModelBundle a = ModelBundle.load(topicBundle);
        ModelBundle b = ModelBundle.load(csvBundle);
        assertThat(a.params()).isEqualTo(b.params());
        assertThat(a.metadata().evaluation().get("test_mae"))
                .isEqualTo(b.metadata().evaluation().get("test_mae"));
        BundleMetadata meta = a.metadata();
        assertThat(meta.source())
                .startsWith("./forecaster train --topic " + topic + " --bootstrap-servers ")
                .matches(".* \\(topic " + topic + " end offsets 0:\\d+,1:\\d+,2:\\d+\\)$");
        // the data digest names the points read, whatever the partitioning and the format: the
        // same points (the repeated one included) in one partition, as CSV values, in time order
        String same = KAFKA.createTopic("same", 1);
        List<SensorPoint> all = new ArrayList<>(val);
        all.addAll(ros.subList(0, 101));
        all.add(new SensorPoint("ROS", ros.get(100).eventTime(), 999.0));
        all.addAll(ros.subList(101, DAYS));
        TopicHistory.Result again = writeAndRead(same, all, PointFormat.CSV);
        assertThat(again.points()).isEqualTo(801);
        assertThat(meta.trainingDataSha256()).hasSize(64).isEqualTo(again.sha256());
        // and as 17-byte binary values: the same points, the same digest
        TopicHistory.Result fromBinary =
                writeAndRead(KAFKA.createTopic("same-binary", 1), all, PointFormat.BINARY);
        assertThat(fromBinary.points()).isEqualTo(801);
        assertThat(fromBinary.sha256()).isEqualTo(again.sha256());
        assertThat(meta.trainingDataSha256()).isNotEqualTo(Cli.sha256(csv));

        // calibrate, from the topic in CSV values too
        CommandsTest.Run calTopic =
                run(
                        new CalibrateCommand(),
                        "--topic",
                        same,
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--points-format",
                        "csv",
                        "--model",
                        csvBundle.toString(),
                        "--out",
                        dir.resolve("cal-topic.zip").toString());
        CommandsTest.Run calCsv =
                run(
                        new CalibrateCommand(),
                        args(
                                csvArgs(),
                                "--model",
                                csvBundle.toString(),
                                "--out",
                                dir.resolve("cal-csv.zip").toString()));
        assertThat(calTopic.code()).as(calTopic.err()).isZero();
        assertThat(calCsv.code()).as(calCsv.err()).isZero();
        assertThat(from(calTopic.out(), "calibration: "))
                .isEqualTo(from(calCsv.out(), "calibration: "))
                .isNotEmpty();
        assertThat(ModelBundle.load(dir.resolve("cal-topic.zip")).metadata().calibration())
                .usingRecursiveComparison()
                .isEqualTo(ModelBundle.load(dir.resolve("cal-csv.zip")).metadata().calibration());
    }

    @Test
    void predictFromTheTopicPrintsWhatTheCsvGives() {
        String[] window = {"--key", "VAL", "--from", "150", "--model", csvBundle.toString()};
        CommandsTest.Run fromCsv = run(new PredictCommand(), args(csvArgs(), window));
        CommandsTest.Run fromTopic = run(new PredictCommand(), args(topicArgs(), window));
        assertThat(fromCsv.code()).as(fromCsv.err()).isZero();
        assertThat(fromTopic.code()).as(fromTopic.err()).isZero();
        // ten predictions (window 10), the same from either source
        assertThat(predictions(fromTopic.out())).hasSize(10);
        assertThat(predictions(fromTopic.out())).isEqualTo(predictions(fromCsv.out()));
    }

    @Test
    void valuesLongerThanTheLimitAreCountedUnlessTheLimitIsRaised() {
        // twelve days of one key; the sixth value padded past the default 4,096 bytes (JSON
        // allows the trailing blanks)
        String big = KAFKA.createTopic("big-values", 1);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KAFKA.producerProperties())) {
            for (int d = 0; d < 12; d++) {
                SensorPoint s = val.get(d);
                byte[] v = PointCodec.json(s);
                if (d == 5) {
                    v =
                            (new String(v, StandardCharsets.UTF_8) + " ".repeat(5000))
                                    .getBytes(StandardCharsets.UTF_8);
                }
                p.send(new ProducerRecord<>(big, PointCodec.key(s), v));
            }
        }
        String[] source = {"--topic", big, "--bootstrap-servers", KAFKA.bootstrapServers()};
        String[] window = {"--from", "0", "--model", csvBundle.toString()};
        CommandsTest.Run limited = run(new PredictCommand(), args(source, window));
        assertThat(limited.out() + limited.err()).contains("too-large");
        CommandsTest.Run raised =
                run(new PredictCommand(), args(source, args(window, "--points-max-bytes", "8192")));
        assertThat(raised.code()).as(raised.err()).isZero();
        assertThat(raised.out()).doesNotContain("too-large");
        // the window of the first ten days, every one read, as the CSV gives it
        String[] csvWindow = args(csvArgs(), args(new String[] {"--key", "VAL"}, window));
        CommandsTest.Run fromCsv = run(new PredictCommand(), csvWindow);
        assertThat(predictions(raised.out())).isEqualTo(predictions(fromCsv.out()));
        // a limit that is no number of bytes, or one without a topic, is named
        CommandsTest.Run zero =
                run(new PredictCommand(), args(source, args(window, "--points-max-bytes", "0")));
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--points-max-bytes").contains("0");
        CommandsTest.Run noTopic =
                run(new PredictCommand(), args(csvWindow, "--points-max-bytes", "8192"));
        assertThat(noTopic.code()).isEqualTo(2);
        assertThat(noTopic.err()).contains("--points-max-bytes");
    }

    /** Writes {@code points} to {@code topic} in {@code format} and reads its history back. */
    private static TopicHistory.Result writeAndRead(
            String topic, List<SensorPoint> points, PointFormat format) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KAFKA.producerProperties())) {
            for (SensorPoint s : points) {
                p.send(new ProducerRecord<>(topic, PointCodec.key(s), PointCodec.value(s, format)));
            }
        }
        return TopicHistory.read(
                new TopicHistory.Options(
                        KAFKA.bootstrapServers(),
                        topic,
                        new PointParser(format),
                        Duration.ofSeconds(30)));
    }

    /** The inputs and predictions of {@code predict}'s output: each step line without its step. */
    private static List<String> predictions(String out) {
        return out.lines()
                .filter(l -> l.matches("[0-9]+,.*"))
                .map(l -> l.substring(l.indexOf(',') + 1))
                .toList();
    }

    @Test
    void statefulTrainingFromTheTopicGivesTheModelOfTheCsv() throws Exception {
        String[] stateful = {"--stateful", "--streams", "2", "--key", "VAL"};
        Path topicBundle = dir.resolve("stateful-topic.zip");
        Path csvStateful = dir.resolve("stateful-csv.zip");
        CommandsTest.Run fromTopic =
                run(new TrainCommand(), args(trainArgs(topicBundle, topicArgs()), stateful));
        CommandsTest.Run fromCsv =
                run(new TrainCommand(), args(trainArgs(csvStateful, csvArgs()), stateful));
        assertThat(fromTopic.code()).as(fromTopic.err()).isZero();
        assertThat(fromCsv.code()).as(fromCsv.err()).isZero();
        String topicRanges = line(fromTopic.out(), "stateful training of ");
        String csvRanges = line(fromCsv.out(), "stateful training of ");
        // the same sequence, named after each bundle
        assertThat(topicRanges.substring(topicRanges.indexOf(": ")))
                .isEqualTo(csvRanges.substring(csvRanges.indexOf(": ")))
                .contains("252 training points as one sequence");
        assertThat(from(fromTopic.out(), "validation (selection)"))
                .isEqualTo(from(fromCsv.out(), "validation (selection)"))
                .contains("test stepped MAE");
        ModelBundle a = ModelBundle.load(topicBundle);
        ModelBundle b = ModelBundle.load(csvStateful);
        assertThat(a.metadata().mode()).isEqualTo("stateful");
        assertThat(a.params()).isEqualTo(b.params());
    }

    @Test
    void aSourceIsAFileOrATopicAndTheOptionsMustFitIt() {
        String model = csvBundle.toString();
        CommandsTest.Run both =
                run(new EvaluateCommand(), args(csvArgs(), "--topic", topic, "--model", model));
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--topic: give --data FILE or --topic NAME, not both");

        CommandsTest.Run none = run(new EvaluateCommand(), "--model", model);
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--data: missing: give --data FILE");

        CommandsTest.Run column =
                run(new TrainCommand(), args(topicArgs(), "--column", "value", "--out", "x.zip"));
        assertThat(column.code()).isEqualTo(2);
        assertThat(column.err()).contains("--column: names a CSV column");

        CommandsTest.Run servers =
                run(
                        new CalibrateCommand(),
                        args(
                                csvArgs(),
                                "--bootstrap-servers",
                                "localhost:1",
                                "--model",
                                model,
                                "--out",
                                dir.resolve("c.zip").toString()));
        assertThat(servers.code()).isEqualTo(2);
        assertThat(servers.err()).contains("--bootstrap-servers: goes with --topic");

        CommandsTest.Run missing =
                run(
                        new EvaluateCommand(),
                        "--topic",
                        "no-such-topic-" + System.nanoTime(),
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--connect-timeout",
                        "5s",
                        "--model",
                        model);
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--topic: topic 'no-such-topic-", "' does not exist");

        CommandsTest.Run format =
                run(
                        new EvaluateCommand(),
                        args(topicArgs(), "--points-format", "avro", "--model", model));
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err())
                .contains("--points-format: 'avro' is not a points format; choose one of [JSON,");

        CommandsTest.Run key =
                run(new EvaluateCommand(), args(topicArgs(), "--key", "KIL", "--model", model));
        assertThat(key.code()).isEqualTo(2);
        assertThat(key.err()).contains("--key: 'KIL' not found in topic " + topic);
    }
}
