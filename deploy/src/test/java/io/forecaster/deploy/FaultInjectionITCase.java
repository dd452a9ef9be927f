package io.forecaster.deploy;

import static io.forecaster.deploy.ReliabilityFixtures.await;
import static io.forecaster.deploy.ReliabilityFixtures.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.broker.Topics;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import io.forecaster.deploy.ReliabilityFixtures.Job;
import io.forecaster.deploy.ReliabilityFixtures.OutputReader;
import io.forecaster.deploy.ReliabilityFixtures.Received;
import io.forecaster.model.ModelBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection on the real standalone cluster (JobManager and TaskManagers as processes) with a
 * real Kafka broker in a process of its own: two jobs (window and stateful mode) forecast 12 wind
 * stations streamed in real time while the TaskManager is killed with SIGKILL at random moments (a
 * new one is started each time) and, optionally, the broker is killed and restarted. Then the
 * forecasts topics, read read_committed, must hold every expected (station, window end) exactly
 * once with the values the model gives offline, and the dead-letter topics every bad record once.
 *
 * <p>The jobs serve their model from the models topic: version 1 before the stream, version 2
 * published once half of it was sent and each job committed a forecast (the last quarter of the
 * stream waits for the publish), whatever the kills do. Every forecast must name a version and
 * equal that version's offline forecast; per station, once version 2 appears version 1 never does
 * again, and every station ends on version 2. In stateful mode the offline forecasts after a
 * station's swap are version 2's warmed up on the station's last W points, as the job does.
 *
 * <p>CI runs the short variant (one TaskManager kill). {@code -Preliability} sets the system
 * properties for the long one: {@code reliability.stream-seconds}, {@code reliability.kills},
 * {@code reliability.broker-kill}, {@code reliability.days-per-second}, {@code reliability.seed};
 * {@code reliability.state-backend} ({@code hashmap}, the default, or {@code rocksdb}) sets the
 * cluster's state backend.
 */
class FaultInjectionITCase {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjectionITCase.class);

    private static final int STREAM_SECONDS = Integer.getInteger("reliability.stream-seconds", 75);
    private static final int KILLS = Integer.getInteger("reliability.kills", 1);
    private static final boolean BROKER_KILL = Boolean.getBoolean("reliability.broker-kill");
    private static final double DAYS_PER_SECOND =
            Double.parseDouble(System.getProperty("reliability.days-per-second", "3"));
    private static final long SEED = Long.getLong("reliability.seed", System.nanoTime());
    private static final String STATE_BACKEND =
            System.getProperty("reliability.state-backend", "hashmap");
    private static final String MODEL = "wind";
    private static final int PARTITIONS = 2;

    /** The cluster's {@code parallelism.default}. */
    private static final int PARALLELISM = 2;

    /** Every BAD_EVERY-th day one station gets a truncated record and a repeated point. */
    private static final int BAD_EVERY = 25;

    private static final long OUT_OF_ORDERNESS_MS = 5_000;
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(4);

    @TempDir Path work;

    /** A record sent to the points topic, with where it landed. */
    private record Sent(String kind, SensorPoint point, Future<RecordMetadata> metadata) {}

    /** What one injected failure cost one job. */
    private record Recovery(
            String event,
            String mode,
            long killedAt,
            long detectedMs,
            long runningMs,
            long firstForecastMs,
            long restarts) {}

    @Test
    void everyForecastExactlyOnceAcrossKilledTaskManagersAndBroker() throws Exception {
        Random random = new Random(SEED);
        int days = (int) (STREAM_SECONDS * DAYS_PER_SECOND);
        LOG.info(
                "fault injection: seed {}, {} s of streaming, {} days x 12 stations, {} TaskManager"
                        + " kill(s), broker kill {}, state backend {}",
                SEED,
                STREAM_SECONDS,
                days,
                KILLS,
                BROKER_KILL,
                STATE_BACKEND);
        Map<String, double[]> wind = ReliabilityFixtures.wind(days);
        assertThat(wind).hasSize(12);
        Path v1 = work.resolve("wind-1.zip");
        Path v2 = work.resolve("wind-2.zip");
        Map<Long, ModelBundle> bundles =
                Map.of(
                        1L, ReliabilityFixtures.writeBundle(v1, 42L, ReliabilityFixtures.W),
                        2L, ReliabilityFixtures.writeBundle(v2, 7L, ReliabilityFixtures.W));
        Path jar = StandaloneCluster.jobJar();

        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(work.resolve("kafka"));
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                work,
                                4,
                                Map.of(
                                        "metrics.fetcher.update-interval",
                                        "1 s",
                                        "state.backend.type",
                                        STATE_BACKEND));
                KafkaProducer<byte[], byte[]> modelProducer =
                        new KafkaProducer<>(
                                ReliabilityFixtures.producerProperties(
                                        broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            String points = "points";
            String models = "models";
            Topics.create(bootstrap, points, PARTITIONS, Map.of());
            Topics.create(bootstrap, models, 1, Map.of("cleanup.policy", "compact"));
            ModelTopicFixtures.publish(
                    modelProducer, models, MODEL, 1, v1, ModelTopicFixtures.sha256(v1));
            List<Job> jobs = new ArrayList<>();
            List<ModelTopicFixtures.EventReader> events = new ArrayList<>();
            for (String mode : List.of("window", "stateful")) {
                String eventTopic = "model-events-" + mode;
                Topics.create(bootstrap, eventTopic, 1, Map.of());
                events.add(new ModelTopicFixtures.EventReader(bootstrap, eventTopic));
                List<String> args =
                        new ArrayList<>(
                                List.of(
                                        "--kafka.models.topic",
                                        models,
                                        "--kafka.model-events.topic",
                                        eventTopic));
                if (mode.equals("stateful")) {
                    // also H steps ahead with intervals, whose state must survive the kills as
                    // the model state does
                    args.addAll(ReliabilityFixtures.AHEAD_ARGS);
                }
                jobs.add(Job.submit(cluster, jar, null, bootstrap, points, PARTITIONS, mode, args));
            }
            for (int j = 0; j < jobs.size(); j++) {
                Job job = jobs.get(j);
                ModelTopicFixtures.EventReader e = events.get(j);
                await(
                        "job " + job.mode() + " running and serving v1 on every subtask",
                        RECOVERY_TIMEOUT,
                        () ->
                                cluster.allTasksRunning(job.id())
                                        && e.subtasks(ModelEvent.SERVING, 1) == PARALLELISM);
            }

            try (OutputReader reader =
                    new OutputReader(
                            bootstrap,
                            jobs.stream().map(Job::forecasts).toList(),
                            jobs.stream().map(Job::deadLetters).toList(),
                            PARTITIONS)) {
                List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
                CountDownLatch half = new CountDownLatch(1);
                CountDownLatch published = new CountDownLatch(1);
                long streamStart = System.currentTimeMillis();
                CompletableFuture<Void> producer =
                        CompletableFuture.runAsync(
                                () ->
                                        produce(
                                                bootstrap, points, wind, days, sent, half,
                                                published));
                // Version 2 when half the stream was sent and each job committed a forecast (of
                // version 1), while the kills go on; the stream's last quarter waits for it.
                CompletableFuture<Long> swap =
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        if (!half.await(STREAM_SECONDS + 600, TimeUnit.SECONDS)) {
                                            throw new IllegalStateException("never half-way");
                                        }
                                        for (Job job : jobs) {
                                            await(
                                                    "a committed forecast of " + job.mode(),
                                                    RECOVERY_TIMEOUT,
                                                    () ->
                                                            !reader.forecasts(job.forecasts())
                                                                    .isEmpty());
                                        }
                                        long at = System.currentTimeMillis();
                                        ModelTopicFixtures.publish(
                                                modelProducer,
                                                models,
                                                MODEL,
                                                2,
                                                v2,
                                                ModelTopicFixtures.sha256(v2));
                                        LOG.info(
                                                "v2 published at +{} s", (at - streamStart) / 1000);
                                        published.countDown();
                                        return at;
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                });

                List<Recovery> recoveries =
                        injectFailures(
                                cluster, broker, reader, jobs, random, streamStart, producer);
                producer.get(STREAM_SECONDS + 600, TimeUnit.SECONDS);
                long publishedAt = swap.get(RECOVERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                LOG.info(
                        "produced {} records in {} s",
                        sent.size(),
                        (System.currentTimeMillis() - streamStart) / 1000);
                List<String> swaps = new ArrayList<>();
                for (int j = 0; j < jobs.size(); j++) {
                    Job job = jobs.get(j);
                    ModelTopicFixtures.EventReader e = events.get(j);
                    await(
                            job.mode() + " serves v2 on every subtask",
                            RECOVERY_TIMEOUT,
                            () -> e.subtasks(ModelEvent.SERVING, 2) == PARALLELISM);
                    swaps.add(
                            String.format(
                                    "%s: v2 published at +%d s; model events %s",
                                    job.mode(),
                                    (publishedAt - streamStart) / 1000,
                                    e.events().stream()
                                            .map(
                                                    x ->
                                                            x.event()
                                                                    + " v"
                                                                    + x.version()
                                                                    + "/"
                                                                    + x.subtask()
                                                                    + " +"
                                                                    + (x.time() - streamStart)
                                                                            / 1000
                                                                    + " s")
                                            .toList()));
                }
                for (ModelTopicFixtures.EventReader e : events) {
                    e.close();
                }

                check(cluster, reader, jobs, bundles, wind, sent, recoveries, swaps);
            }
        }
    }

    /** Streams the stations day by day, paced; every BAD_EVERY-th day adds two bad records. */
    private static void produce(
            String bootstrap,
            String topic,
            Map<String, double[]> wind,
            int days,
            List<Sent> sent,
            CountDownLatch half,
            CountDownLatch published) {
        List<String> stations = new ArrayList<>(wind.keySet());
        long start = System.nanoTime();
        long paused = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ReliabilityFixtures.producerProperties(bootstrap))) {
            for (int d = 0; d < days; d++) {
                if (d == days / 2) {
                    half.countDown();
                }
                if (d == days * 3 / 4) {
                    // the last quarter goes after version 2 was published
                    long before = System.nanoTime();
                    if (!published.await(RECOVERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("version 2 not published");
                    }
                    paused += System.nanoTime() - before;
                }
                for (String s : stations) {
                    SensorPoint p = new SensorPoint(s, day(d), wind.get(s)[d]);
                    byte[] json = PointCodec.json(p);
                    sent.add(
                            new Sent(
                                    "point",
                                    p,
                                    producer.send(
                                            new ProducerRecord<>(topic, PointCodec.key(p), json))));
                    if (d % BAD_EVERY == BAD_EVERY - 1
                            && s.equals(stations.get((d / BAD_EVERY) % stations.size()))) {
                        // A truncated record, then the same point again with another value.
                        byte[] cut = Arrays.copyOf(json, json.length / 2);
                        sent.add(
                                new Sent(
                                        "truncated",
                                        p,
                                        producer.send(
                                                new ProducerRecord<>(
                                                        topic, PointCodec.key(p), cut))));
                        SensorPoint again = new SensorPoint(s, p.eventTime(), p.value() + 1.0);
                        sent.add(
                                new Sent(
                                        "repeat",
                                        again,
                                        producer.send(
                                                new ProducerRecord<>(
                                                        topic,
                                                        PointCodec.key(again),
                                                        PointCodec.json(again)))));
                    }
                }
                long due = start + paused + (long) ((d + 1) / DAYS_PER_SECOND * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills TaskManagers (and the broker) at random moments while the producer runs. */
    private static List<Recovery> injectFailures(
            StandaloneCluster cluster,
            KafkaBrokerProcess broker,
            OutputReader reader,
            List<Job> jobs,
            Random random,
            long streamStart,
            CompletableFuture<Void> producer)
            throws Exception {
        List<String> events = new ArrayList<>(Collections.nCopies(KILLS, "taskmanager"));
        if (BROKER_KILL) {
            events.add("broker");
        }
        Collections.shuffle(events, random);
        // Leave time for the first checkpoints before the first kill, and for the last recovery.
        long begin = streamStart + 15_000;
        long end = streamStart + STREAM_SECONDS * 1000L - 10_000;
        long slot = Math.max(1, (end - begin) / events.size());
        List<Recovery> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            long at = begin + i * slot + (long) (random.nextDouble() * slot * 0.8);
            long wait = at - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            for (Job job : jobs) {
                await(
                        "a completed checkpoint of " + job.mode(),
                        RECOVERY_TIMEOUT,
                        () -> cluster.completedCheckpoints(job.id()) > 0);
            }
            assertThat(producer).as("the producer is still streaming").isNotDone();
            String event = events.get(i) + "-" + (i + 1);
            Map<String, Long> restartsBefore = new HashMap<>();
            for (Job job : jobs) {
                restartsBefore.put(job.id(), cluster.numRestarts(job.id()));
            }
            long killedAt = System.currentTimeMillis();
            if (events.get(i).equals("taskmanager")) {
                cluster.killTaskManagers();
                cluster.startTaskManager();
            } else {
                broker.kill();
                Thread.sleep(5_000 + random.nextInt(10_000));
                broker.restart();
            }
            LOG.info("{} at +{} s", event, (killedAt - streamStart) / 1000);
            out.addAll(
                    awaitRecovery(
                            cluster,
                            reader,
                            jobs,
                            event,
                            killedAt,
                            restartsBefore,
                            events.get(i).equals("taskmanager")));
        }
        return out;
    }

    /**
     * Waits until every job failed over (TaskManager kills), runs again and commits a forecast made
     * after the kill; the jobs are watched together, so each one's times are its own.
     */
    private static List<Recovery> awaitRecovery(
            StandaloneCluster cluster,
            OutputReader reader,
            List<Job> jobs,
            String event,
            long killedAt,
            Map<String, Long> restartsBefore,
            boolean mustRestart)
            throws Exception {
        Map<String, Long> detected = new HashMap<>();
        Map<String, Long> running = new HashMap<>();
        Map<String, Long> first = new HashMap<>();
        await(
                "every job recovers from " + event,
                RECOVERY_TIMEOUT,
                () -> {
                    long now = System.currentTimeMillis();
                    for (Job job : jobs) {
                        if (mustRestart && !detected.containsKey(job.id())) {
                            for (long t : cluster.failureTimes(job.id())) {
                                if (t >= killedAt) {
                                    detected.put(job.id(), t - killedAt);
                                    break;
                                }
                            }
                        }
                        if ((!mustRestart || detected.containsKey(job.id()))
                                && !running.containsKey(job.id())
                                && cluster.allTasksRunning(job.id())) {
                            running.put(job.id(), now - killedAt);
                        }
                        if (!first.containsKey(job.id())) {
                            for (Received<Forecast> r : reader.forecasts(job.forecasts())) {
                                if (r.value().createdAt() > killedAt) {
                                    first.put(job.id(), r.arrivedAt() - killedAt);
                                    break;
                                }
                            }
                        }
                    }
                    return running.size() == jobs.size() && first.size() == jobs.size();
                });
        List<Recovery> out = new ArrayList<>();
        for (Job job : jobs) {
            Recovery r =
                    new Recovery(
                            event,
                            job.mode(),
                            killedAt,
                            detected.getOrDefault(job.id(), -1L),
                            running.get(job.id()),
                            first.get(job.id()),
                            cluster.numRestarts(job.id()) - restartsBefore.get(job.id()));
            LOG.info("recovery {}", r);
            out.add(r);
        }
        return out;
    }

    private void check(
            StandaloneCluster cluster,
            OutputReader reader,
            List<Job> jobs,
            Map<Long, ModelBundle> bundles,
            Map<String, double[]> wind,
            List<Sent> sent,
            List<Recovery> recoveries,
            List<String> swaps)
            throws Exception {
        // The points the jobs must accept, per station, and the bad records with their reasons.
        Map<Integer, Long> newest = new TreeMap<>();
        Map<String, String> expectedLetters = new HashMap<>();
        for (Sent s : sent) {
            RecordMetadata m = s.metadata.get();
            newest.merge(m.partition(), s.point.eventTime(), Math::max);
            if (s.kind.equals("truncated")) {
                expectedLetters.put(
                        "offset " + m.partition() + "/" + m.offset(),
                        DeadLetterReasons.MALFORMED_JSON);
            } else if (s.kind.equals("repeat")) {
                expectedLetters.put("point " + s.point, DeadLetterReasons.DUPLICATE);
            }
        }
        assertThat(newest).as("newest event time per partition").hasSize(PARTITIONS);
        // Points are released once the watermark (newest minus out-of-orderness, min over
        // partitions) passes them; windows ending later are still open.
        long lastEnd = Collections.min(newest.values()) - OUT_OF_ORDERNESS_MS - 1;
        Map<String, long[]> times = new LinkedHashMap<>();
        wind.forEach(
                (k, v) -> {
                    long[] t = new long[v.length];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = day(i);
                    }
                    times.put(k, t);
                });
        // The windows (forecast ids) are the same for either version.
        int want =
                ReliabilityFixtures.expected(bundles.get(1L), times, wind, lastEnd, false).size();
        for (Job job : jobs) {
            await(
                    want + " forecasts of " + job.mode(),
                    RECOVERY_TIMEOUT,
                    () ->
                            reader.forecasts(job.forecasts()).size() >= want
                                    && reader.deadLetters(job.deadLetters()).size()
                                            >= expectedLetters.size());
        }
        // Two more checkpoints: anything duplicated would be committed by now.
        Thread.sleep(6_000);

        PointParser parser = new PointParser(PointFormat.JSON);
        StringBuilder figures = new StringBuilder();
        figures.append(
                String.format(
                        "seed %d, %d s streaming, %d days x %d stations, %d records sent "
                                + "(%d bad), TaskManager kills %d, broker kill %s, state backend"
                                + " %s%n",
                        SEED,
                        STREAM_SECONDS,
                        wind.values().iterator().next().length,
                        wind.size(),
                        sent.size(),
                        expectedLetters.size(),
                        KILLS,
                        BROKER_KILL,
                        STATE_BACKEND));
        swaps.forEach(x -> figures.append(x).append('\n'));
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (Job job : jobs) {
            List<Received<Forecast>> got = reader.forecasts(job.forecasts());
            List<String> p = new ArrayList<>();
            ModelTopicFixtures.Versions versions =
                    ModelTopicFixtures.versions(got, MODEL, bundles.keySet(), p);
            for (String station : wind.keySet()) {
                Long last = versions.last().get(station);
                if (last == null || last != 2L) {
                    p.add(station + " ends on v" + last + ", not v2");
                }
            }
            if (versions.firstOf(1L).isEmpty()) {
                p.add("no forecast of v1, though one was committed before v2 was published");
            }
            Map<String, double[]> expected;
            if (job.mode().equals("stateful")) {
                // each station swaps at its first forecast of v2: v2 warmed up from there
                Map<String, Integer> switchAt = new HashMap<>();
                versions.firstOf(2L)
                        .forEach(
                                (k, end) ->
                                        switchAt.put(k, Arrays.binarySearch(times.get(k), end)));
                ReliabilityFixtures.Stateful s =
                        ReliabilityFixtures.expectedStateful(
                                bundles.get(1L), bundles.get(2L), switchAt, times, wind, lastEnd);
                expected = s.predictions();
                p.addAll(ReliabilityFixtures.compare(got, expected));
                p.addAll(ReliabilityFixtures.compareAhead(got, s.ahead()));
            } else {
                // each forecast equals the offline forecast of the version it names
                expected =
                        ModelTopicFixtures.expectedByVersion(
                                got,
                                Map.of(
                                        1L,
                                        ReliabilityFixtures.expected(
                                                bundles.get(1L), times, wind, lastEnd, false),
                                        2L,
                                        ReliabilityFixtures.expected(
                                                bundles.get(2L), times, wind, lastEnd, false)),
                                1L);
                p.addAll(ReliabilityFixtures.compare(got, expected));
            }
            long duplicates = p.stream().filter(s -> s.startsWith("duplicate")).count();
            long missing = p.stream().filter(s -> s.startsWith("missing")).count();
            // Dead letters: every bad record exactly once, nothing else.
            Map<String, Integer> letters = new HashMap<>();
            Map<String, Integer> byReason = new TreeMap<>();
            for (Received<DeadLetter> r : reader.deadLetters(job.deadLetters())) {
                DeadLetter d = r.value();
                byReason.merge(d.reason(), 1, Integer::sum);
                String id =
                        d.offset() >= 0
                                ? "offset " + d.partition() + "/" + d.offset()
                                : "point " + pointOf(parser, d);
                if (!d.reason().equals(expectedLetters.get(id))) {
                    p.add("unexpected dead letter " + id + " " + d.reason() + ": " + d.detail());
                }
                if (letters.merge(id, 1, Integer::sum) == 2) {
                    p.add("duplicate dead letter " + id);
                }
            }
            expectedLetters.keySet().stream()
                    .filter(id -> !letters.containsKey(id))
                    .forEach(id -> p.add("missing dead letter " + id));
            long restarts = cluster.numRestarts(job.id());
            figures.append(
                    String.format(
                            "%s: forecasts expected %d, received %d (per version %s), duplicates"
                                    + " %d, missing %d; dead letters %s; restarts %d; checkpoints"
                                    + " %d%n",
                            job.mode(),
                            expected.size(),
                            got.size(),
                            versions.perVersion(),
                            duplicates,
                            missing,
                            byReason,
                            restarts,
                            cluster.completedCheckpoints(job.id())));
            for (String f : cluster.failures(job.id())) {
                figures.append("  failure ").append(f).append('\n');
            }
            problems.put(job.mode(), p);
            assertThat(restarts)
                    .as(job.mode() + " restarts (every TaskManager kill fails the job over)")
                    .isGreaterThanOrEqualTo(KILLS);
        }
        figures.append(
                "event, job, detected after (ms), all tasks running after (ms), "
                        + "first new forecast committed after (ms), restarts\n");
        for (Recovery r : recoveries) {
            figures.append(
                    String.format(
                            "%s, %s, %d, %d, %d, %d%n",
                            r.event,
                            r.mode,
                            r.detectedMs,
                            r.runningMs,
                            r.firstForecastMs,
                            r.restarts));
        }
        LOG.info("fault injection figures:\n{}", figures);
        Path report = StandaloneCluster.DEPLOY.resolve("target/reliability");
        Files.createDirectories(report);
        Files.writeString(
                report.resolve(
                        "fault-injection-" + Instant.now().toString().replace(':', '-') + ".txt"),
                figures.toString(),
                StandardCharsets.UTF_8);
        problems.forEach(
                (mode, p) -> assertThat(p).as(mode + " job: forecasts and dead letters").isEmpty());
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
