package io.forecaster.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.AccuracyCodec;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.testing.KafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** Tests for {@link TailCommand} on a real broker. */
class TailCommandITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final long DAY = 86_400_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String forecasts;
    private static String points;
    private static String accuracy;

    // Sensor A: values by day; forecasts after days 1..4 (next-step values below).
    private static final double[] A = {10, 12, 15, 14, 18, 17};
    private static final double[] A_NEXT = {13, 14, 16, 20}; // forecasts of days 2..5
    // Sensor B: values by day; one forecast after day 0.
    private static final double[] B = {5, 9};
    private static final double B_NEXT = 6;

    @BeforeAll
    static void fillTopics() throws Exception {
        forecasts = KAFKA.createTopic("forecasts", 1);
        points = KAFKA.createTopic("points", 2);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KAFKA.producerProperties())) {
            for (int d = 0; d < A.length; d++) {
                send(p, points, "A", PointCodec.json(new SensorPoint("A", d * DAY, A[d])));
            }
            for (int d = 0; d < B.length; d++) {
                send(p, points, "B", PointCodec.json(new SensorPoint("B", d * DAY, B[d])));
            }
        }
        Properties tx = KAFKA.producerProperties();
        tx.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tail-test-" + forecasts);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(tx)) {
            p.initTransactions();
            p.beginTransaction();
            for (int i = 0; i < A_NEXT.length; i++) {
                send(p, forecasts, "A", ForecastCodec.toJson(forecast("A", i + 1, A_NEXT[i], i)));
            }
            // written by a job with kafka.forecasts.format=CBOR
            send(p, forecasts, "B", ForecastCodec.toCbor(forecast("B", 0, B_NEXT, 10)));
            p.commitTransaction();
            // Aborted: never shown, never scored.
            p.beginTransaction();
            send(p, forecasts, "A", ForecastCodec.toJson(forecast("A", 5, 1000, 20)));
            p.abortTransaction();
        }
        // The job's accuracy records: A twice (the later one counts), B without intervals yet.
        accuracy = KAFKA.createTopic("accuracy", 2);
        Properties atx = KAFKA.producerProperties();
        atx.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tail-test-" + accuracy);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(atx)) {
            p.initTransactions();
            p.beginTransaction();
            send(p, accuracy, "A", AccuracyCodec.toJson(record("A", 100, 2.0, 3.0, 0.7, 0.9)));
            send(p, accuracy, "B", AccuracyCodec.toJson(record("B", 100, 3.0, 3.0, NaN, NaN)));
            send(p, accuracy, "A", AccuracyCodec.toJson(record("A", 200, 1.5, 2.5, 0.8, 0.96)));
            p.commitTransaction();
            p.beginTransaction();
            send(p, accuracy, "A", AccuracyCodec.toJson(record("A", 300, 99, 99, 0, 0)));
            p.abortTransaction();
        }
    }

    private static final double NaN = Double.NaN;

    @Test
    void printsTheCommittedForecastsAsJsonLines() throws Exception {
        Run run = tail("--from", "beginning", "--format", "json", "--idle-timeout", "5s");
        assertThat(run.exit).as(run.err).isZero();
        List<String> lines = run.out.lines().toList();
        assertThat(lines).hasSize(5);
        for (int i = 0; i < A_NEXT.length; i++) {
            assertThat(ForecastCodec.fromJson(lines.get(i).getBytes(StandardCharsets.UTF_8)))
                    .usingRecursiveComparison()
                    .isEqualTo(forecast("A", i + 1, A_NEXT[i], i));
        }
        // B's record is CBOR on the topic: printed as the same JSON line
        assertThat(ForecastCodec.fromJson(lines.get(4).getBytes(StandardCharsets.UTF_8)))
                .usingRecursiveComparison()
                .isEqualTo(forecast("B", 0, B_NEXT, 10));
        assertThat(run.err).contains("5 forecast(s)", "(idle)");
    }

    @Test
    void filtersByKeyAndStopsAfterMax() {
        Run run = tail("--from", "beginning", "--key", "A", "--max", "2");
        assertThat(run.exit).as(run.err).isZero();
        List<String> lines = run.out.lines().toList();
        assertThat(lines.get(0)).startsWith("created");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains(" A ", "13.0000");
        assertThat(lines.get(2)).contains(" A ", "14.0000");
        assertThat(run.err).contains("(max)");

        Run b = tail("--from", "beginning", "--key", "B", "--idle-timeout", "5s");
        assertThat(b.out.lines().skip(1).toList()).hasSize(1).allMatch(l -> l.contains(" B "));
    }

    @Test
    void fromNowShowsNothingOld() {
        Run run = tail("--from", "now", "--idle-timeout", "2s");
        assertThat(run.out.lines().skip(1).toList()).isEmpty();
        Run past = tail("--from", "beginning", "--until", "2000-01-01T00:00:00Z");
        assertThat(past.err).contains("0 forecast(s)", "(until)");
    }

    @Test
    void accuracyJoinsEachForecastWithTheNextPointNextToTheLastValueBaseline() throws Exception {
        Run run =
                tail(
                        "--accuracy",
                        "--accuracy-topic",
                        "no-such-accuracy-topic",
                        "--points-topic",
                        points,
                        "--from",
                        "beginning",
                        "--format",
                        "json",
                        "--max",
                        "5",
                        "--refresh",
                        "1h");
        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.err.lines().toList())
                .contains(
                        "tail: no topic no-such-accuracy-topic on the broker, so scoring"
                                + " next-step forecasts of "
                                + forecasts
                                + " against the points of "
                                + points
                                + " here");
        // Expected, by hand: A forecasts after days 1..4 vs actual days 2..5; baseline = day
        // before.
        double modelA = 0;
        double baseA = 0;
        for (int i = 0; i < A_NEXT.length; i++) {
            modelA += Math.abs(A_NEXT[i] - A[i + 2]);
            baseA += Math.abs(A[i + 1] - A[i + 2]);
        }
        double modelB = Math.abs(B_NEXT - B[1]);
        double baseB = Math.abs(B[0] - B[1]);
        List<JsonNode> rows = run.out.lines().map(TailCommandITCase::json).toList();
        JsonNode a = last(rows, "A");
        JsonNode all = last(rows, "*");
        assertThat(a.get("forecasts").asLong()).isEqualTo(4);
        assertThat(a.get("mae").asDouble()).isEqualTo(modelA / 4);
        assertThat(a.get("baselineMae").asDouble()).isEqualTo(baseA / 4);
        assertThat(last(rows, "B").get("mae").asDouble()).isEqualTo(modelB);
        assertThat(all.get("forecasts").asLong()).isEqualTo(5);
        assertThat(all.get("mae").asDouble())
                .isCloseTo((modelA + modelB) / 5, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(all.get("baselineMae").asDouble())
                .isCloseTo((baseA + baseB) / 5, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void accuracyShowsTheLatestCommittedRecordOfEachKeyFromTheJobsTopic() {
        Run run =
                tail(
                        "--accuracy",
                        "--accuracy-topic",
                        accuracy,
                        "--points-topic",
                        points,
                        "--format",
                        "json",
                        "--idle-timeout",
                        "3s");
        assertThat(run.exit).as(run.err).isZero();
        assertThat(run.err)
                .contains("the job's accuracy records from topic " + accuracy)
                .contains("300 forecast step(s) scored by the job", "(idle)");
        List<JsonNode> rows = run.out.lines().map(TailCommandITCase::json).toList();
        JsonNode a = last(rows, "A");
        assertThat(a.get("scored").asLong()).isEqualTo(200);
        assertThat(a.get("mae").asDouble()).isEqualTo(1.5);
        assertThat(a.get("baselineMae").asDouble()).isEqualTo(2.5);
        assertThat(a.get("levels").toString()).isEqualTo("[0.8,0.95]");
        assertThat(a.get("coverage").toString()).isEqualTo("[0.8,0.96]");
        assertThat(last(rows, "B").get("coverage").toString()).isEqualTo("[null,null]");
        // The total weighs each key by its scored steps; B has no coverage yet.
        JsonNode all = last(rows, "*");
        assertThat(all.get("scored").asLong()).isEqualTo(300);
        assertThat(all.get("mae").asDouble())
                .isCloseTo(
                        (200 * 1.5 + 100 * 3.0) / 300,
                        org.assertj.core.api.Assertions.within(1e-12));
        assertThat(all.get("baselineMae").asDouble())
                .isCloseTo(
                        (200 * 2.5 + 100 * 3.0) / 300,
                        org.assertj.core.api.Assertions.within(1e-12));
        assertThat(all.get("coverage").toString()).isEqualTo("[0.8,0.96]");
    }

    @Test
    void accuracyTableFromTheJobsTopicReadsItFromTheBeginningAndFiltersByKey() {
        Run run =
                tail(
                        "--accuracy",
                        "--accuracy-topic",
                        accuracy,
                        "--from",
                        "now",
                        "--key",
                        "B",
                        "--idle-timeout",
                        "3s");
        assertThat(run.exit).as(run.err).isZero();
        List<String> lines = run.out.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines.get(0).split(" +"))
                .containsExactly(
                        "sensor",
                        "steps",
                        "scored",
                        "MAE",
                        "model",
                        "MAE",
                        "last-value",
                        "in",
                        "80%",
                        "in",
                        "95%");
        assertThat(lines.get(1).split(" +"))
                .containsExactly("B", "100", "3.0000", "3.0000", "-", "-");
        assertThat(lines.get(2).split(" +"))
                .containsExactly("ALL", "100", "3.0000", "3.0000", "-", "-");
    }

    private static Accuracy record(
            String key, long scored, double mae, double baseline, double cov80, double cov95) {
        return new Accuracy(
                key,
                scored * DAY,
                scored,
                mae,
                baseline,
                new double[] {0.8, 0.95},
                new double[] {cov80, cov95},
                "m1",
                1_700_000_000_000L + scored);
    }

    private static JsonNode last(List<JsonNode> rows, String key) {
        return rows.stream()
                .filter(r -> r.get("sensor").asText().equals(key))
                .reduce((x, y) -> y)
                .orElseThrow(() -> new AssertionError("no row for " + key + " in " + rows));
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static Forecast forecast(String key, int lastDay, double next, long created) {
        return new Forecast(
                key,
                0,
                lastDay * DAY,
                lastDay + 1,
                new double[] {next},
                next,
                "m1",
                "window",
                1_700_000_000_000L + created);
    }

    private static void send(
            KafkaProducer<byte[], byte[]> p, String topic, String key, byte[] value)
            throws Exception {
        p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    record Run(int exit, String out, String err) {}

    static Run tail(String... args) {
        String[] all =
                Arrays.copyOf(
                        new String[] {"-b", KAFKA.bootstrapServers(), "-t", forecasts},
                        4 + args.length);
        System.arraycopy(args, 0, all, 4, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = io.forecaster.cli.CliErrors.install(new CommandLine(new TailCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }
}
