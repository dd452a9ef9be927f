package io.forecaster.deploy;

import static io.forecaster.connectors.DeadLetterReasons.BAD_KEY;
import static io.forecaster.connectors.DeadLetterReasons.BAD_TIME;
import static io.forecaster.connectors.DeadLetterReasons.BAD_VALUE;
import static io.forecaster.connectors.DeadLetterReasons.BAD_VERSION;
import static io.forecaster.connectors.DeadLetterReasons.DUPLICATE;
import static io.forecaster.connectors.DeadLetterReasons.EMPTY;
import static io.forecaster.connectors.DeadLetterReasons.LATE;
import static io.forecaster.connectors.DeadLetterReasons.MALFORMED_JSON;
import static io.forecaster.connectors.DeadLetterReasons.MISSING_FIELD;
import static io.forecaster.connectors.DeadLetterReasons.NON_FINITE_OUTPUT;
import static io.forecaster.connectors.DeadLetterReasons.TOO_LARGE;
import static io.forecaster.deploy.ReliabilityFixtures.await;
import static io.forecaster.deploy.ReliabilityFixtures.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.broker.Topics;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import io.forecaster.connectors.wire.WireFormat;
import io.forecaster.deploy.ReliabilityFixtures.Job;
import io.forecaster.deploy.ReliabilityFixtures.OutputReader;
import io.forecaster.deploy.ReliabilityFixtures.Received;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every class of bad input a real feed produces, mixed into one stream of good points from 12 wind
 * stations, through the job (window and stateful mode) on the real standalone cluster with a real
 * broker. For each class the outcome is asserted: accepted, reordered, or dead-lettered with its
 * reason, exactly once; the good points around the bad ones are all forecast with the values the
 * model gives offline; and the jobs never restart.
 *
 * <p>The model's input scale is small (0.5), as a model fitted on data of small spread has, so the
 * extreme but representable values of sensor EXTREME overflow inside the network: no forecast may
 * carry a non-finite value, and each point whose forecast (window mode) or step (stateful mode)
 * overflowed must be dead-lettered as {@value
 * io.forecaster.connectors.DeadLetterReasons#NON_FINITE_OUTPUT}, as the offline model says. A flood
 * of new keys that go quiet (one or two points each) must leave the good keys' forecasts exact and
 * be removed from the state once the watermark passes them by {@code state.quiet-timeout}.
 */
class BadInputITCase {

    private static final Logger LOG = LoggerFactory.getLogger(BadInputITCase.class);

    private static final int PARTITIONS = 2;
    private static final int DAYS = 130;

    /** Days [0, PHASE) go first; then the late points; then the rest. */
    private static final int PHASE = 100;

    private static final long LATENESS_MS = 2 * ReliabilityFixtures.DAY;
    private static final long OUT_OF_ORDERNESS_MS = 5_000;
    private static final int BURST_KEYS = 100_000;
    private static final int BURST_DAY = 60;

    /** Keys with two points each (days {@link #BURST_DAY} + 1 and + 2), then nothing. */
    private static final int QUIET_KEYS = 5_000;

    /** The keys that must hold state at the end: the stations and EXTREME. */
    private static final int LIVE_KEYS = 13;

    private static final String ACCEPTED = "accepted";
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final double[] EXTREMES = {
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        Float.MIN_VALUE,
        -Float.MIN_VALUE,
        Float.MIN_NORMAL,
        0.999 * Float.MAX_VALUE,
        1e39,
        -1e300,
        Double.MAX_VALUE,
        Double.MIN_VALUE,
        0.0
    };

    @TempDir Path work;

    /** One record of the stream: its class, what must become of it, and where it landed. */
    private record Sent(String kind, String expect, SensorPoint point, Future<RecordMetadata> at) {}

    private final List<Sent> sent = new ArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;
    private String topic;

    @Test
    void everyBadInputIsContainedAndTheGoodPointsAroundItAreForecast() throws Exception {
        Map<String, double[]> wind = ReliabilityFixtures.wind(DAYS);
        List<String> stations = new ArrayList<>(wind.keySet());
        Path model = work.resolve("model.zip");
        ModelBundle bundle =
                ReliabilityFixtures.writeBundle(
                        model, 42L, ReliabilityFixtures.W, new Scaling(10.0, 0.5));
        Path jar = StandaloneCluster.jobJar();

        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(work.resolve("kafka"));
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                work, 4, Map.of("metrics.fetcher.update-interval", "1 s"))) {
            String bootstrap = broker.bootstrapServers();
            topic = "points";
            // Room for the 1 MB record on the points topic; the job's max-bytes makes it a dead
            // letter.
            Topics.create(bootstrap, topic, PARTITIONS, Map.of("max.message.bytes", "2097152"));
            List<Job> jobs = new ArrayList<>();
            for (String mode : List.of("window", "stateful")) {
                jobs.add(
                        Job.submit(
                                cluster,
                                jar,
                                model,
                                bootstrap,
                                topic,
                                PARTITIONS,
                                mode,
                                List.of(
                                        "--lateness.allowed", LATENESS_MS + " ms",
                                        "--watermark.out-of-orderness",
                                                OUT_OF_ORDERNESS_MS + " ms")));
            }
            for (Job job : jobs) {
                await(job.mode() + " running", TIMEOUT, () -> cluster.allTasksRunning(job.id()));
            }
            Properties props = ReliabilityFixtures.producerProperties(bootstrap);
            props.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2097152");
            try (OutputReader reader =
                            new OutputReader(
                                    bootstrap,
                                    jobs.stream().map(Job::forecasts).toList(),
                                    jobs.stream().map(Job::deadLetters).toList(),
                                    PARTITIONS);
                    KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
                producer = p;
                String swapped = stations.get(1);
                String withGap = stations.get(2);
                for (int d = 0; d < PHASE; d++) {
                    sendDay(d, wind, stations, swapped, withGap);
                }
                producer.flush();
                // The watermark must be far past day 50 before the late points are sent: wait for
                // a committed forecast ending at day 90 or later from each job.
                for (Job job : jobs) {
                    await(
                            job.mode() + " forecasts up to day 90",
                            TIMEOUT,
                            () ->
                                    reader.forecasts(job.forecasts()).stream()
                                                    .anyMatch(r -> r.value().windowEnd() >= day(90))
                                            || cluster.numRestarts(job.id()) > 0);
                }
                // Beyond the allowed lateness: the point withheld on day 50, and an old repeat.
                point("late, missing until now", LATE, withGap, 50, wind.get(withGap)[50]);
                point(
                        "late, old repeat",
                        LATE,
                        stations.get(3),
                        10,
                        wind.get(stations.get(3))[10] + 1);
                for (int d = PHASE; d < DAYS; d++) {
                    sendDay(d, wind, stations, swapped, withGap);
                }
                producer.flush();
                check(cluster, reader, jobs, bundle);
            }
        }
    }

    /**
     * One day of the stream: each station's point, the extreme sensor, and that day's bad input.
     */
    private void sendDay(
            int d,
            Map<String, double[]> wind,
            List<String> stations,
            String swapped,
            String withGap)
            throws Exception {
        String s0 = stations.get(0);
        String s4 = stations.get(4);
        for (String s : stations) {
            double v = wind.get(s)[d];
            if (s.equals(swapped) && d % 10 == 3) {
                // Out of order within the allowed lateness: tomorrow's point before today's.
                point("out of order (early)", ACCEPTED, s, d + 1, wind.get(s)[d + 1]);
                point("out of order (late, within lateness)", ACCEPTED, s, d, v);
            } else if (s.equals(swapped) && d % 10 == 4) {
                continue; // sent the day before
            } else if (s.equals(withGap) && d == 50) {
                continue; // arrives after the watermark passed it
            } else if (s.equals(s0) && d == 20) {
                raw(
                        "extra fields",
                        ACCEPTED,
                        new SensorPoint(s, day(d), v),
                        key(s),
                        "{\"sensor\":\""
                                + s
                                + "\",\"time\":\""
                                + Instant.ofEpochMilli(day(d))
                                + "\",\"value\":"
                                + v
                                + ",\"unit\":\"knots\",\"quality\":{\"flags\":[1,2]}}");
            } else if (s.equals(s0) && d == 21) {
                raw(
                        "no key, sensor field",
                        ACCEPTED,
                        new SensorPoint(s, day(d), v),
                        null,
                        "{\"sensor\":\"" + s + "\",\"time\":" + day(d) + ",\"value\":" + v + "}");
            } else {
                point("good", ACCEPTED, s, d, v);
            }
            if (s.equals(s4) && d % 15 == 7) {
                point("duplicate time", DUPLICATE, s, d, v + 3);
            }
        }
        double extreme = EXTREMES[d % EXTREMES.length];
        if (Math.abs(extreme) <= Float.MAX_VALUE) {
            point("near the float limits", ACCEPTED, "EXTREME", d, extreme);
        } else { // the model computes in float32: a value it cannot hold is dead-lettered
            bad(
                    "beyond the float32 range",
                    BAD_VALUE,
                    key("EXTREME"),
                    PointCodec.json(new SensorPoint("EXTREME", day(d), extreme)));
        }

        String t = "\"" + Instant.ofEpochMilli(day(d)) + "\"";
        byte[] k = key(s0);
        switch (d) {
            case 5 -> {
                bad("malformed JSON", MALFORMED_JSON, k, "{\"time\":" + t + ",\"value\":}");
                bad("not JSON", MALFORMED_JSON, k, "wind 12 knots");
                bad("JSON array", MALFORMED_JSON, k, "[" + t + ", 3.5]");
                bad("trailing garbage", MALFORMED_JSON, k, "{\"time\":" + t + ",\"value\":3.5}}");
                bad(
                        "duplicate field",
                        MALFORMED_JSON,
                        k,
                        "{\"time\":" + t + ",\"value\":3.5,\"value\":4}");
                bad(
                        "not UTF-8",
                        MALFORMED_JSON,
                        k,
                        new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
                byte[] whole = PointCodec.json(new SensorPoint(s0, day(d), 7.5));
                bad("truncated", MALFORMED_JSON, k, Arrays.copyOf(whole, whole.length - 7));
                bad("truncated to one byte", MALFORMED_JSON, k, Arrays.copyOf(whole, 1));
                // beyond the JSON parser's limits: the detail names the limit
                bad(
                        "3,000-digit number",
                        MALFORMED_JSON,
                        k,
                        "{\"time\":" + t + ",\"value\":" + "1".repeat(3000) + "}");
                bad("1,500 nested arrays", MALFORMED_JSON, k, "[".repeat(1500) + "]".repeat(1500));
            }
            case 6 -> {
                bad("empty value", EMPTY, k, new byte[0]);
                bad("null value (tombstone)", EMPTY, k, (byte[]) null);
                bad("missing time", MISSING_FIELD, k, "{\"value\":3.5}");
                bad("missing value", MISSING_FIELD, k, "{\"time\":" + t + "}");
                bad("null value field", MISSING_FIELD, k, "{\"time\":" + t + ",\"value\":null}");
                bad("no key, no sensor", MISSING_FIELD, null, "{\"time\":" + t + ",\"value\":3.5}");
            }
            case 7 -> {
                bad("value is text", BAD_VALUE, k, "{\"time\":" + t + ",\"value\":\"fast\"}");
                bad("value is boolean", BAD_VALUE, k, "{\"time\":" + t + ",\"value\":true}");
                bad("value is an array", BAD_VALUE, k, "{\"time\":" + t + ",\"value\":[3.5]}");
                bad(
                        "value is an object",
                        BAD_VALUE,
                        k,
                        "{\"time\":" + t + ",\"value\":{\"kn\":3}}");
                bad("time is boolean", BAD_TIME, k, "{\"time\":true,\"value\":3.5}");
                bad("time is not a date", BAD_TIME, k, "{\"time\":\"yesterday\",\"value\":3.5}");
                bad("time is fractional", BAD_TIME, k, "{\"time\":1.5e12,\"value\":3.5}");
                bad(
                        "time after 9999",
                        BAD_TIME,
                        k,
                        "{\"time\":\"+10000-01-01T00:00:00Z\",\"value\":3.5}");
                bad("time too large", BAD_TIME, k, "{\"time\":99999999999999999999,\"value\":3.5}");
                bad(
                        "sensor is a number",
                        BAD_KEY,
                        k,
                        "{\"sensor\":42,\"time\":" + t + ",\"value\":3.5}");
                bad("version 2", BAD_VERSION, k, "{\"v\":2,\"time\":" + t + ",\"value\":3.5}");
            }
            case 8 -> {
                bad("NaN literal", BAD_VALUE, k, "{\"time\":" + t + ",\"value\":NaN}");
                bad("NaN string", BAD_VALUE, k, "{\"time\":" + t + ",\"value\":\"NaN\"}");
                bad("Infinity literal", BAD_VALUE, k, "{\"time\":" + t + ",\"value\":Infinity}");
                bad("-Infinity literal", BAD_VALUE, k, "{\"time\":" + t + ",\"value\":-Infinity}");
                bad("overflows a double", BAD_VALUE, k, "{\"time\":" + t + ",\"value\":1e999}");
            }
            case 9 -> {
                String v = ",\"time\":" + t + ",\"value\":3.5}";
                bad("empty key", BAD_KEY, new byte[0], "{\"sensor\":\"\"" + v);
                bad("blank key", BAD_KEY, key("   "), "{" + v.substring(1));
                bad(
                        "over-long key",
                        BAD_KEY,
                        key("K".repeat(WireFormat.MAX_KEY_BYTES + 1)),
                        "{" + v.substring(1));
                bad("100 KB key", BAD_KEY, key("K".repeat(100_000)), "{" + v.substring(1));
                bad("600 KB key", BAD_KEY, key("K".repeat(600_000)), "{" + v.substring(1));
                bad("control character in key", BAD_KEY, key("VA\u0001L"), "{" + v.substring(1));
                bad(
                        "key not UTF-8",
                        BAD_KEY,
                        new byte[] {(byte) 0xFF, (byte) 0xFE},
                        "{" + v.substring(1));
                bad("sensor field differs from key", BAD_KEY, k, "{\"sensor\":\"OTHER\"" + v);
            }
            case 10 -> {
                // 1 MB: the topic and the producer take it, the job's 4 KB limit does not.
                String pad = "x".repeat(1 << 20);
                bad(
                        "1 MB message",
                        TOO_LARGE,
                        k,
                        "{\"time\":" + t + ",\"value\":3.5,\"pad\":\"" + pad + "\"}");
            }
            case BURST_DAY -> {
                // A burst of distinct new keys, one point each: accepted, never enough for a
                // window.
                for (int i = 0; i < BURST_KEYS; i++) {
                    point("burst of new keys", ACCEPTED, String.format("burst-%06d", i), d, i % 40);
                }
            }
            case BURST_DAY + 1, BURST_DAY + 2 -> {
                // Thousands of new keys with two points each, then never again.
                for (int i = 0; i < QUIET_KEYS; i++) {
                    point(
                            "quiet key, two points",
                            ACCEPTED,
                            String.format("quiet-%05d", i),
                            d,
                            i % 30);
                }
            }
            default -> {}
        }
    }

    private void point(String kind, String expect, String key, int d, double value) {
        SensorPoint p = new SensorPoint(key, day(d), value);
        sent.add(
                new Sent(
                        kind,
                        expect,
                        p,
                        producer.send(
                                new ProducerRecord<>(
                                        topic, PointCodec.key(p), PointCodec.json(p)))));
    }

    private void raw(String kind, String expect, SensorPoint p, byte[] key, String value) {
        sent.add(
                new Sent(
                        kind,
                        expect,
                        p,
                        producer.send(
                                new ProducerRecord<>(
                                        topic, key, value.getBytes(StandardCharsets.UTF_8)))));
    }

    private void bad(String kind, String reason, byte[] key, String value) {
        bad(kind, reason, key, value.getBytes(StandardCharsets.UTF_8));
    }

    private void bad(String kind, String reason, byte[] key, byte[] value) {
        sent.add(
                new Sent(
                        kind,
                        reason,
                        null,
                        producer.send(new ProducerRecord<>(topic, key, value))));
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void check(
            StandaloneCluster cluster, OutputReader reader, List<Job> jobs, ModelBundle bundle)
            throws Exception {
        // The accepted points per sensor (in event-time order) and the expected dead letters.
        Map<String, TreeMap<Long, Double>> accepted = new LinkedHashMap<>();
        Map<String, String> allLetters = new HashMap<>();
        Map<String, String> kindOf = new HashMap<>();
        Map<Integer, Long> newest = new TreeMap<>();
        for (Sent s : sent) {
            RecordMetadata m = s.at.get();
            if (s.point != null) {
                newest.merge(m.partition(), s.point.eventTime(), Math::max);
            }
            if (s.expect.equals(ACCEPTED)) {
                Double was =
                        accepted.computeIfAbsent(s.point.sensorId(), x -> new TreeMap<>())
                                .put(s.point.eventTime(), s.point.value());
                assertThat(was).as("test data: one accepted point per time " + s.point).isNull();
            } else {
                String id =
                        s.point == null
                                ? "offset " + m.partition() + "/" + m.offset()
                                : "point " + s.point;
                allLetters.put(id, s.expect);
                kindOf.put(id, s.kind);
            }
        }
        assertThat(newest).hasSize(PARTITIONS);
        long lastEnd =
                java.util.Collections.min(newest.values()) - OUT_OF_ORDERNESS_MS - 1 - LATENESS_MS;
        Map<String, long[]> times = new LinkedHashMap<>();
        Map<String, double[]> values = new LinkedHashMap<>();
        accepted.forEach(
                (k, points) -> {
                    times.put(k, points.keySet().stream().mapToLong(Long::longValue).toArray());
                    values.put(
                            k, points.values().stream().mapToDouble(Double::doubleValue).toArray());
                });

        StringBuilder figures = new StringBuilder();
        Map<String, Integer> sentByKind = new TreeMap<>();
        sent.forEach(s -> sentByKind.merge(s.kind + " -> " + s.expect, 1, Integer::sum));
        figures.append(
                String.format(
                        "%d records sent, %d sensors with accepted points%n",
                        sent.size(), accepted.size()));
        sentByKind.forEach((k, n) -> figures.append(String.format("  %6d  %s%n", n, k)));
        List<String> problems = new ArrayList<>();
        for (Job job : jobs) {
            ReliabilityFixtures.Expectation expectation =
                    ReliabilityFixtures.expectedFinite(
                            bundle, times, values, lastEnd, job.mode().equals("stateful"));
            Map<String, double[]> expected = expectation.forecasts();
            Map<String, String> letters = new HashMap<>(allLetters);
            for (SensorPoint np : expectation.nonFinite()) {
                String id = "point " + np;
                assertThat(letters.put(id, NON_FINITE_OUTPUT))
                        .as("test data: one expected dead letter per point " + np)
                        .isNull();
                kindOf.put(id, "non-finite output");
            }
            assertThat(expectation.nonFinite())
                    .as(job.mode() + ": test data: the model overflows on some EXTREME points")
                    .isNotEmpty()
                    .allMatch(np -> np.sensorId().equals("EXTREME"));
            await(
                    expected.size()
                            + " forecasts and "
                            + letters.size()
                            + " dead letters of "
                            + job.mode(),
                    TIMEOUT,
                    () ->
                            (reader.forecasts(job.forecasts()).size() >= expected.size()
                                            && reader.deadLetters(job.deadLetters()).size()
                                                    >= letters.size())
                                    || cluster.numRestarts(job.id()) > 0);
            Thread.sleep(6_000); // two more checkpoints: a duplicate would be committed by now
            List<Received<Forecast>> got = reader.forecasts(job.forecasts());
            List<String> p = new ArrayList<>(ReliabilityFixtures.compare(got, expected));
            Map<String, Integer> seen = new HashMap<>();
            Map<String, Integer> byReason = new TreeMap<>();
            PointParser parser = new PointParser(PointFormat.JSON);
            for (Received<DeadLetter> r : reader.deadLetters(job.deadLetters())) {
                DeadLetter d = r.value();
                byReason.merge(d.reason(), 1, Integer::sum);
                String id =
                        d.offset() >= 0
                                ? "offset " + d.partition() + "/" + d.offset()
                                : "point " + pointOf(parser, d);
                String want = letters.get(id);
                if (!d.reason().equals(want)) {
                    p.add(
                            "dead letter "
                                    + id
                                    + " ("
                                    + kindOf.get(id)
                                    + "): reason "
                                    + d.reason()
                                    + ", expected "
                                    + (want == null ? "no dead letter" : want)
                                    + ": "
                                    + d.detail());
                }
                if (seen.merge(id, 1, Integer::sum) == 2) {
                    p.add("duplicate dead letter " + id + " (" + kindOf.get(id) + ")");
                }
                if (String.valueOf(d.detail()).contains("Exception")) {
                    // a bug's class name instead of what is wrong with the record
                    p.add("dead letter " + id + " names an exception: " + d.detail());
                }
            }
            letters.keySet().stream()
                    .filter(id -> !seen.containsKey(id))
                    .sorted()
                    .forEach(
                            id ->
                                    p.add(
                                            "missing dead letter "
                                                    + id
                                                    + " ("
                                                    + kindOf.get(id)
                                                    + ", expected "
                                                    + letters.get(id)
                                                    + ")"));
            long restarts = cluster.numRestarts(job.id());
            List<String> failures = cluster.failures(job.id());
            if (restarts != 0 || !failures.isEmpty()) {
                p.add(restarts + " restart(s): " + failures);
            }
            List<String> nonFinite =
                    got.stream()
                            .map(Received::value)
                            .filter(f -> !finite(f))
                            .map(f -> ReliabilityFixtures.id(f.sensorId(), f.windowEnd()))
                            .toList();
            nonFinite.forEach(id -> p.add("forecast " + id + " carries a non-finite value"));
            // The flood of quiet keys is removed from the state once the watermark passes them
            // by state.quiet-timeout: only the live keys keep state.
            String keysWithState = "keysWithState";
            String keysWithModelState = "keysWithModelState";
            boolean stateful = job.mode().equals("stateful");
            try {
                await(
                        job.mode() + ": state of the " + LIVE_KEYS + " live keys only",
                        TIMEOUT,
                        () ->
                                cluster.operatorMetricSum(job.id(), keysWithState) == LIVE_KEYS
                                        && (!stateful
                                                || cluster.operatorMetricSum(
                                                                job.id(), keysWithModelState)
                                                        == LIVE_KEYS));
            } catch (AssertionError e) {
                p.add(e.getMessage());
            }
            long windowKeys = cluster.operatorMetricSum(job.id(), keysWithState);
            long modelKeys =
                    stateful ? cluster.operatorMetricSum(job.id(), keysWithModelState) : -1;
            figures.append(
                    String.format(
                            "%s: forecasts expected %d, received %d (%d with a non-finite value);"
                                    + " non-finite-output dead letters expected %d; dead letters"
                                    + " %s; keys with state at the end: window operator %d,"
                                    + " model state %d; restarts %d; state %s%n",
                            job.mode(),
                            expected.size(),
                            got.size(),
                            nonFinite.size(),
                            expectation.nonFinite().size(),
                            byReason,
                            windowKeys,
                            modelKeys,
                            restarts,
                            cluster.jobState(job.id())));
            p.forEach(x -> problems.add(job.mode() + ": " + x));
        }
        LOG.info("bad input figures:\n{}", figures);
        Path report = StandaloneCluster.DEPLOY.resolve("target/reliability");
        Files.createDirectories(report);
        Files.writeString(
                report.resolve("bad-input-" + Instant.now().toString().replace(':', '-') + ".txt"),
                figures + String.join("\n", problems),
                StandardCharsets.UTF_8);
        assertThat(problems.subList(0, Math.min(problems.size(), 50)))
                .as(problems.size() + " problems")
                .isEmpty();
    }

    /**
     * Whether every value a forecast carries (predictions, next, values and bounds ahead) is
     * finite.
     */
    private static boolean finite(Forecast f) {
        if (!Arrays.stream(f.predictions()).allMatch(Double::isFinite)
                || !Double.isFinite(f.next())) {
            return false;
        }
        Forecast.Ahead a = f.ahead();
        if (a == null) {
            return true;
        }
        if (!Arrays.stream(a.values()).allMatch(Double::isFinite)) {
            return false;
        }
        // NaN bounds are "no interval yet"; an infinite bound is never written
        for (double[][] bounds : new double[][][] {a.lower(), a.upper()}) {
            for (double[] level : bounds) {
                if (Arrays.stream(level).anyMatch(Double::isInfinite)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static SensorPoint pointOf(PointParser parser, DeadLetter d) {
        ParsedPoint p =
                parser.parse(
                        "dead-letters",
                        -1,
                        -1,
                        d.key() == null ? null : d.key().getBytes(StandardCharsets.UTF_8),
                        d.raw());
        return p.isPoint() ? p.point() : null;
    }
}
