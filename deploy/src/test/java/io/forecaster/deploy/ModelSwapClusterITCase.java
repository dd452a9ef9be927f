package io.forecaster.deploy;

import static io.forecaster.deploy.ReliabilityFixtures.await;
import static io.forecaster.deploy.ReliabilityFixtures.day;
import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.broker.Topics;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointCodec;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Hot model swap on the real standalone cluster with a real Kafka broker: the window-mode job
 * serves the 12 wind stations from the models topic alone (no {@code model.path}). Version 1 is
 * published before the points, version 2 halfway through the stream; once every inference subtask
 * serves it and a checkpoint has completed, the TaskManager is killed with SIGKILL (a new one is
 * started). After the recovery a corrupt version (its sha256 is another file's) and an incompatible
 * one (trained on another window size) are published, and the stream goes on. Then, read
 * read_committed: every expected (station, window end) exactly once, per station in order, each
 * forecast equal to the offline forecast of the version it names, every station on version 1 first
 * and on version 2 after (never back, and on version 2 at the end); both bad versions refused on
 * the model-events topic with their reasons while version 2 serves on.
 */
class ModelSwapClusterITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapClusterITCase.class);

    private static final int STREAM_SECONDS = Integer.getInteger("models.stream-seconds", 40);
    private static final double DAYS_PER_SECOND = 5;
    private static final int PARTITIONS = 2;

    /** The cluster's {@code parallelism.default}. */
    private static final int PARALLELISM = 2;

    private static final long OUT_OF_ORDERNESS_MS = 5_000;
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final String NAME = "wind";

    @TempDir Path work;

    @Test
    void versionsSwapAtABatchBoundaryExactlyOnceAcrossAKilledTaskManager() throws Exception {
        int days = (int) (STREAM_SECONDS * DAYS_PER_SECOND);
        Map<String, double[]> wind = ReliabilityFixtures.wind(days);
        int w = ReliabilityFixtures.W;
        Path v1 = work.resolve("wind-1.zip");
        Path v2 = work.resolve("wind-2.zip");
        Path other = work.resolve("wind-w30.zip");
        Map<Long, ModelBundle> bundles =
                Map.of(
                        1L, ReliabilityFixtures.writeBundle(v1, 42L, w),
                        2L, ReliabilityFixtures.writeBundle(v2, 7L, w));
        ReliabilityFixtures.writeBundle(other, 9L, w / 2);
        Path jar = StandaloneCluster.jobJar();

        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(work.resolve("kafka"));
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                work, 2, Map.of("metrics.fetcher.update-interval", "1 s"))) {
            String bootstrap = broker.bootstrapServers();
            String points = "points";
            String models = "models";
            String events = "model-events";
            Topics.create(bootstrap, points, PARTITIONS, Map.of());
            Topics.create(bootstrap, models, 1, Map.of("cleanup.policy", "compact"));
            Topics.create(bootstrap, events, 1, Map.of());
            try (KafkaProducer<byte[], byte[]> modelProducer =
                    new KafkaProducer<>(ReliabilityFixtures.producerProperties(bootstrap))) {
                ModelTopicFixtures.publish(
                        modelProducer, models, NAME, 1, v1, ModelTopicFixtures.sha256(v1));
                Job job =
                        Job.submit(
                                cluster,
                                jar,
                                null,
                                bootstrap,
                                points,
                                PARTITIONS,
                                "window",
                                List.of(
                                        "--kafka.models.topic",
                                        models,
                                        "--kafka.model-events.topic",
                                        events));
                try (OutputReader reader =
                                new OutputReader(
                                        bootstrap,
                                        List.of(job.forecasts()),
                                        List.of(job.deadLetters()),
                                        PARTITIONS);
                        ModelTopicFixtures.EventReader eventReader =
                                new ModelTopicFixtures.EventReader(bootstrap, events)) {
                    await(
                            "every inference subtask serves v1",
                            TIMEOUT,
                            () -> eventReader.subtasks(ModelEvent.SERVING, 1) == PARALLELISM);

                    // The stream: half of it, then v2; it holds at three quarters until both bad
                    // versions were refused, so that the stream runs on after them.
                    List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
                    CountDownLatch half = new CountDownLatch(1);
                    CountDownLatch refused = new CountDownLatch(1);
                    long streamStart = System.currentTimeMillis();
                    CompletableFuture<Void> producer =
                            CompletableFuture.runAsync(
                                    () ->
                                            produce(
                                                    bootstrap, points, wind, days, sent, half,
                                                    refused));

                    assertThat(half.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                    long swapAt = System.currentTimeMillis();
                    ModelTopicFixtures.publish(
                            modelProducer, models, NAME, 2, v2, ModelTopicFixtures.sha256(v2));
                    await(
                            "every inference subtask serves v2",
                            TIMEOUT,
                            () -> eventReader.subtasks(ModelEvent.SERVING, 2) == PARALLELISM);
                    long served = System.currentTimeMillis();
                    LOG.info(
                            "v2 published at +{} s, served (event committed) {} ms later",
                            (swapAt - streamStart) / 1000,
                            served - swapAt);
                    long checkpoints = cluster.completedCheckpoints(job.id());
                    await(
                            "a checkpoint after the swap",
                            TIMEOUT,
                            () -> cluster.completedCheckpoints(job.id()) > checkpoints);

                    long killedAt = System.currentTimeMillis();
                    cluster.killTaskManagers();
                    cluster.startTaskManager();
                    LOG.info("TaskManager killed at +{} s", (killedAt - streamStart) / 1000);
                    await(
                            "the job fails over and runs again",
                            TIMEOUT,
                            () ->
                                    cluster.failureTimes(job.id()).stream()
                                                    .anyMatch(t -> t >= killedAt)
                                            && cluster.allTasksRunning(job.id()));
                    await(
                            "a forecast made after the kill",
                            TIMEOUT,
                            () ->
                                    reader.forecasts(job.forecasts()).stream()
                                            .anyMatch(r -> r.value().createdAt() > killedAt));
                    LOG.info(
                            "recovered {} s after the kill",
                            (System.currentTimeMillis() - killedAt) / 1000);

                    // v3: v1's file with v2's sha256 (corrupt); v4: a bundle of another window
                    // size (incompatible).
                    ModelTopicFixtures.publish(
                            modelProducer, models, NAME, 3, v1, ModelTopicFixtures.sha256(v2));
                    ModelTopicFixtures.publish(
                            modelProducer,
                            models,
                            NAME,
                            4,
                            other,
                            ModelTopicFixtures.sha256(other));
                    await(
                            "every inference subtask refuses v3 and v4",
                            TIMEOUT,
                            () ->
                                    eventReader.subtasks(ModelEvent.REFUSED, 3) == PARALLELISM
                                            && eventReader.subtasks(ModelEvent.REFUSED, 4)
                                                    == PARALLELISM);
                    long refusedAt = System.currentTimeMillis();
                    refused.countDown();
                    producer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    LOG.info(
                            "produced {} records in {} s",
                            sent.size(),
                            (System.currentTimeMillis() - streamStart) / 1000);

                    check(cluster, job, reader, eventReader, bundles, wind, sent, refusedAt);
                }
            }
        }
    }

    /** A point sent to the points topic, with where it landed. */
    private record Sent(SensorPoint point, Future<RecordMetadata> metadata) {}

    /**
     * Streams the stations day by day, paced; opens {@code half} at half the days and waits for
     * {@code refused} at three quarters.
     */
    private static void produce(
            String bootstrap,
            String topic,
            Map<String, double[]> wind,
            int days,
            List<Sent> sent,
            CountDownLatch half,
            CountDownLatch refused) {
        long start = System.nanoTime();
        long paused = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ReliabilityFixtures.producerProperties(bootstrap))) {
            for (int d = 0; d < days; d++) {
                if (d == days / 2) {
                    half.countDown();
                }
                if (d == days * 3 / 4) {
                    long before = System.nanoTime();
                    if (!refused.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("no refusals after " + TIMEOUT);
                    }
                    paused += System.nanoTime() - before;
                }
                for (Map.Entry<String, double[]> e : wind.entrySet()) {
                    SensorPoint p = new SensorPoint(e.getKey(), day(d), e.getValue()[d]);
                    sent.add(
                            new Sent(
                                    p,
                                    producer.send(
                                            new ProducerRecord<>(
                                                    topic,
                                                    PointCodec.key(p),
                                                    PointCodec.json(p)))));
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

    private static void check(
            StandaloneCluster cluster,
            Job job,
            OutputReader reader,
            ModelTopicFixtures.EventReader eventReader,
            Map<Long, ModelBundle> bundles,
            Map<String, double[]> wind,
            List<Sent> sent,
            long refusedAt)
            throws Exception {
        Map<Integer, Long> newest = new TreeMap<>();
        for (Sent s : sent) {
            newest.merge(s.metadata.get().partition(), s.point.eventTime(), Math::max);
        }
        assertThat(newest).as("newest event time per partition").hasSize(PARTITIONS);
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
        Map<Long, Map<String, double[]>> offline = new HashMap<>();
        bundles.forEach(
                (v, b) ->
                        offline.put(
                                v, ReliabilityFixtures.expected(b, times, wind, lastEnd, false)));
        int want = offline.get(1L).size();
        await(want + " forecasts", TIMEOUT, () -> reader.forecasts(job.forecasts()).size() >= want);
        // Two more checkpoints: anything duplicated would be committed by now.
        Thread.sleep(6_000);

        List<Received<Forecast>> got = reader.forecasts(job.forecasts());
        // What each forecast must be: the offline forecast of the version it names; per station
        // never back to an older version. Every window of the stream is expected (the same
        // windows for either version); one the job never sent is reported missing.
        List<String> problems = new ArrayList<>();
        Map<String, Map<Long, Integer>> perStation =
                ModelTopicFixtures.versions(got, NAME, offline.keySet(), problems).perVersion();
        int afterRefusals = 0;
        for (Received<Forecast> r : got) {
            Forecast f = r.value();
            if (f.createdAt() > refusedAt) {
                afterRefusals++;
                if (!Long.valueOf(2).equals(f.modelVersion())) {
                    problems.add(
                            ReliabilityFixtures.id(f.sensorId(), f.windowEnd())
                                    + ": v"
                                    + f.modelVersion()
                                    + " made after the refusals");
                }
            }
        }
        Map<String, double[]> expected = ModelTopicFixtures.expectedByVersion(got, offline, 1L);
        problems.addAll(ReliabilityFixtures.compare(got, expected));
        // Every station ends on v2; v1 made the forecasts before the swap (each station's windows
        // from day 60 to about day 100, unless the job lagged the stream by more than that).
        for (Map.Entry<String, Map<Long, Integer>> e : perStation.entrySet()) {
            if (!e.getValue().containsKey(2L)) {
                problems.add(e.getKey() + ": forecasts per version " + e.getValue());
            }
        }
        if (perStation.values().stream().noneMatch(m -> m.containsKey(1L))) {
            problems.add("no forecast of v1: " + perStation);
        }
        if (afterRefusals == 0) {
            problems.add("no forecast made after the refusals: the stream did not run on");
        }

        List<ModelEvent> refusals =
                eventReader.events().stream()
                        .filter(e -> e.event().equals(ModelEvent.REFUSED))
                        .toList();
        StringBuilder figures = new StringBuilder();
        figures.append(
                String.format(
                        "%d days x %d stations, %d points sent; forecasts expected %d, received"
                                + " %d, per station and version %s, made after the refusals %d;"
                                + " failures %s, checkpoints %d%n",
                        wind.values().iterator().next().length,
                        wind.size(),
                        sent.size(),
                        want,
                        got.size(),
                        perStation,
                        afterRefusals,
                        cluster.failures(job.id()),
                        cluster.completedCheckpoints(job.id())));
        for (ModelEvent e : eventReader.events()) {
            figures.append(
                    String.format(
                            "event %s v%d %s subtask %d served v%d load %d ms%s%n",
                            e.model(),
                            e.version(),
                            e.event(),
                            e.subtask(),
                            e.servedVersion(),
                            e.loadMillis(),
                            e.reason() == null ? "" : ": " + e.reason()));
        }
        LOG.info("model swap figures:\n{}", figures);
        Path report = StandaloneCluster.DEPLOY.resolve("target/reliability");
        Files.createDirectories(report);
        Files.writeString(
                report.resolve("model-swap-" + Instant.now().toString().replace(':', '-') + ".txt"),
                figures.toString(),
                StandardCharsets.UTF_8);

        assertThat(refusals)
                .as("refusals")
                .extracting(ModelEvent::version)
                .containsOnly(3L, 4L)
                .hasSize(2 * PARALLELISM);
        assertThat(refusals).allSatisfy(e -> assertThat(e.servedVersion()).isEqualTo(2));
        assertThat(refusals)
                .filteredOn(e -> e.version() == 3)
                .allSatisfy(e -> assertThat(e.reason()).contains("sha256"));
        assertThat(refusals)
                .filteredOn(e -> e.version() == 4)
                .allSatisfy(e -> assertThat(e.reason()).contains("windows of 30 points"));
        assertThat(problems).as("forecasts").isEmpty();
    }
}
