package io.forecaster.deploy;

import io.forecaster.broker.Topics;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.DeadLetterCodec;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StatefulRollout;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.forecast.ForecastScoring;
import io.forecaster.model.forecast.KeyScore;
import io.forecaster.training.Dl4jBundles;
import io.forecaster.training.NetworkFactory;
import io.forecaster.training.data.SeriesCsv;
import java.io.IOException;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the reliability tests share: the wind data, a model bundle, the forecasts the model gives
 * offline, Kafka client settings and a background read_committed reader of the output topics.
 */
final class ReliabilityFixtures {

    private static final Logger LOG = LoggerFactory.getLogger(ReliabilityFixtures.class);

    /** The wind data next to the project ({@code ../shared/data}), else in /work/shared/data. */
    static final Path WIND =
            java.util.stream.Stream.of(StandaloneCluster.ROOT.getParent(), Path.of("/work"))
                    .map(d -> d.resolve("shared/data/wind-ireland/wind_daily_long.csv"))
                    .filter(java.nio.file.Files::isRegularFile)
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "wind data not found in ../shared/data"));

    static final long DAY = Duration.ofDays(1).toMillis();
    static final Instant FIRST_DAY = Instant.parse("1961-01-01T00:00:00Z");
    static final int W = 60;

    /** Same engine in the job and here; only the summation order may differ (Vector API or not). */
    static final double TOLERANCE = 1e-4;

    private ReliabilityFixtures() {}

    static long day(int i) {
        return FIRST_DAY.toEpochMilli() + i * DAY;
    }

    /** The 12 wind stations, their first {@code days} daily values each, in file order. */
    static Map<String, double[]> wind(int days) {
        Map<String, double[]> out = new LinkedHashMap<>();
        SeriesCsv.readByKey(WIND, "value", "key")
                .forEach(
                        (k, v) -> {
                            if (v.length < days) {
                                throw new IllegalArgumentException(
                                        k + " has only " + v.length + " days");
                            }
                            out.put(k, Arrays.copyOf(v, days));
                        });
        return out;
    }

    /** A seed-architecture network with random weights (seed 42) saved as a bundle. */
    static ModelBundle writeBundle(Path file) throws IOException {
        return writeBundle(file, 42L, W);
    }

    /**
     * A seed-architecture network with random weights from {@code seed}, trained (so its metadata
     * says) on windows of {@code windowSize} points, saved as a bundle.
     */
    static ModelBundle writeBundle(Path file, long seed, int windowSize) throws IOException {
        return writeBundle(file, seed, windowSize, new Scaling(10.0, 5.0));
    }

    /**
     * As {@link #writeBundle(Path, long, int)} with the input scaling {@code scaling}: a small
     * scale (a model fitted on data of small spread) makes extreme float32 inputs overflow inside
     * the network.
     */
    static ModelBundle writeBundle(Path file, long seed, int windowSize, Scaling scaling)
            throws IOException {
        HyperParams hp = HyperParams.SEED.withOutputScale(40.0);
        BundleMetadata metadata =
                new BundleMetadata(
                        ModelBundle.FORMAT_VERSION,
                        "random-seed-" + seed,
                        hp,
                        windowSize,
                        "window",
                        scaling,
                        null,
                        "reliability tests: NetworkFactory.build(SEED, " + seed + ")",
                        Map.of(),
                        "2026-01-01T00:00:00Z");
        ModelBundle bundle = Dl4jBundles.fromNetwork(NetworkFactory.build(hp, seed), metadata);
        bundle.save(file);
        return bundle;
    }

    /** "key@windowEnd" of a forecast. */
    static String id(String key, long windowEnd) {
        return key + "@" + windowEnd;
    }

    /**
     * The forecasts the job must give for each key's accepted points (event times and values in
     * event-time order) for every window ending at or before {@code lastEnd}.
     *
     * @param stateful stateful mode (the model run over the whole series) or window mode
     */
    static Map<String, double[]> expected(
            ModelBundle bundle,
            Map<String, long[]> times,
            Map<String, double[]> values,
            long lastEnd,
            boolean stateful) {
        return expected(Engines.FAST, bundle, times, values, lastEnd, stateful);
    }

    /** As {@link #expected(ModelBundle, Map, Map, long, boolean)}, computed by {@code engine}. */
    static Map<String, double[]> expected(
            String engine,
            ModelBundle bundle,
            Map<String, long[]> times,
            Map<String, double[]> values,
            long lastEnd,
            boolean stateful) {
        Map<String, double[]> out = new HashMap<>();
        try (Predictor p = Engines.open(engine, bundle)) {
            values.forEach(
                    (k, v) -> {
                        long[] t = times.get(k);
                        float[] all = new float[v.length];
                        for (int i = 0; i < v.length; i++) {
                            all[i] = (float) v[i];
                        }
                        int windows = 0;
                        while (windows + W <= v.length && t[windows + W - 1] <= lastEnd) {
                            windows++;
                        }
                        if (windows == 0) {
                            return;
                        }
                        float[][] predictions;
                        if (stateful) {
                            float[] perStep =
                                    p.predict(new float[][] {Arrays.copyOf(all, windows + W - 1)})[
                                            0];
                            predictions = new float[windows][];
                            for (int s = 0; s < windows; s++) {
                                predictions[s] = Arrays.copyOfRange(perStep, s, s + W);
                            }
                        } else {
                            float[][] in = new float[windows][];
                            for (int s = 0; s < windows; s++) {
                                in[s] = Arrays.copyOfRange(all, s, s + W);
                            }
                            predictions = p.predict(in);
                        }
                        for (int s = 0; s < windows; s++) {
                            double[] d = new double[W];
                            for (int i = 0; i < W; i++) {
                                d[i] = predictions[s][i];
                            }
                            out.put(id(k, t[s + W - 1]), d);
                        }
                    });
        }
        return out;
    }

    /**
     * What the job must give for each key's accepted points: the forecasts (by {@link #id}) of
     * every window ending at or before {@code lastEnd} whose values are finite, and the points that
     * must be dead-lettered as {@code non-finite-output} instead.
     */
    record Expectation(Map<String, double[]> forecasts, List<SensorPoint> nonFinite) {}

    /**
     * {@link #expected}, with the job's rule for output that is not finite: window mode drops such
     * a forecast for a dead letter of the window's newest point; stateful mode dead-letters the
     * point whose step left the key's state or output non-finite and starts the key again from the
     * zero state (it forecasts again after W more points).
     */
    static Expectation expectedFinite(
            ModelBundle bundle,
            Map<String, long[]> times,
            Map<String, double[]> values,
            long lastEnd,
            boolean stateful) {
        Map<String, double[]> forecasts = new HashMap<>();
        List<SensorPoint> nonFinite = new ArrayList<>();
        if (!stateful) {
            expected(bundle, times, values, lastEnd, false)
                    .forEach(
                            (id, predictions) -> {
                                if (Arrays.stream(predictions).allMatch(Double::isFinite)) {
                                    forecasts.put(id, predictions);
                                } else {
                                    String key = id.substring(0, id.lastIndexOf('@'));
                                    long end =
                                            Long.parseLong(id.substring(id.lastIndexOf('@') + 1));
                                    int i = Arrays.binarySearch(times.get(key), end);
                                    nonFinite.add(new SensorPoint(key, end, values.get(key)[i]));
                                }
                            });
            return new Expectation(forecasts, nonFinite);
        }
        try (Stepper stepper = Engines.openStepper("fast", bundle)) {
            values.forEach(
                    (k, v) -> {
                        long[] t = times.get(k);
                        StepState[] state = {stepper.newState()};
                        float[] out = new float[1];
                        List<Float> history = new ArrayList<>();
                        for (int i = 0; i < v.length && t[i] <= lastEnd; i++) {
                            stepper.step(state, new float[] {(float) v[i]}, 1, out);
                            if (!Float.isFinite(out[0]) || !finite(state[0])) {
                                nonFinite.add(new SensorPoint(k, t[i], v[i]));
                                state[0] = stepper.newState();
                                history.clear();
                                continue;
                            }
                            history.add(out[0]);
                            if (history.size() >= W) {
                                double[] d = new double[W];
                                for (int j = 0; j < W; j++) {
                                    d[j] = history.get(history.size() - W + j);
                                }
                                forecasts.put(id(k, t[i]), d);
                            }
                        }
                    });
        }
        return new Expectation(forecasts, nonFinite);
    }

    private static boolean finite(StepState s) {
        for (float[] a : new float[][] {s.conv, s.h1, s.c1, s.h2, s.c2}) {
            for (float x : a) {
                if (!Float.isFinite(x)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The stateful job's horizon and interval options in the fault-injection test. */
    static final int HORIZON = 5;

    static final double[] LEVELS = {0.8, 0.95};
    static final int WARMUP = 10;
    static final double GAIN = 0.1;

    static final List<String> AHEAD_ARGS =
            List.of(
                    "--forecast.horizon",
                    Integer.toString(HORIZON),
                    "--forecast.interval-levels",
                    "0.8,0.95",
                    "--forecast.interval-warmup",
                    Integer.toString(WARMUP),
                    "--forecast.interval-gain",
                    Double.toString(GAIN));

    /**
     * What the stateful job's forecasts must carry beyond their predictions, per forecast id: the H
     * values ahead, then each level's lower and then upper bounds (NaN: no interval yet), as an
     * uninterrupted run computes them: each station stepped through its series, rolled out from a
     * copy of its state, its intervals from {@link ForecastScoring} fed with every point in order.
     */
    static Map<String, double[]> expectedAhead(
            ModelBundle bundle,
            Map<String, long[]> times,
            Map<String, double[]> values,
            long lastEnd) {
        return expectedStateful(bundle, bundle, Map.of(), times, values, lastEnd).ahead();
    }

    /** A stateful job's forecasts per id: the W predictions, and the H values ahead and bounds. */
    record Stateful(Map<String, double[]> predictions, Map<String, double[]> ahead) {}

    /**
     * What the stateful job (with {@link #AHEAD_ARGS}) must give when each key is served by {@code
     * first} until the point at index {@code switchAt.get(key)} (no entry: never) and by {@code
     * then} from that point on, as the job swaps models: the new model's state is warmed up on the
     * key's last W points (its predictions for them replace the old model's), then steps on; the
     * key's interval trackers carry on across the swap. Uninterrupted, in order, like the job.
     */
    static Stateful expectedStateful(
            ModelBundle first,
            ModelBundle then,
            Map<String, Integer> switchAt,
            Map<String, long[]> times,
            Map<String, double[]> values,
            long lastEnd) {
        Map<String, double[]> predictions = new HashMap<>();
        Map<String, double[]> aheadRows = new HashMap<>();
        ForecastScoring scoring =
                new ForecastScoring(HORIZON, LEVELS, first.metadata().calibration(), WARMUP, GAIN);
        int nl = LEVELS.length;
        try (Stepper s1 = Engines.openStepper("fast", first);
                Stepper s2 = Engines.openStepper("fast", then)) {
            StatefulRollout r1 = new StatefulRollout(s1, 1);
            StatefulRollout r2 = new StatefulRollout(s2, 1);
            values.forEach(
                    (k, v) -> {
                        long[] t = times.get(k);
                        int swap = switchAt.getOrDefault(k, Integer.MAX_VALUE);
                        Stepper stepper = s1;
                        StatefulRollout rollout = r1;
                        StepState[] state = {stepper.newState()};
                        KeyScore score = scoring.newScore();
                        float[] out = new float[1];
                        float[] ahead = new float[HORIZON];
                        float[] widths = new float[HORIZON * nl];
                        List<Float> history = new ArrayList<>();
                        for (int i = 0; i < v.length && t[i] <= lastEnd; i++) {
                            scoring.observe(score, (float) v[i]);
                            if (i == swap) {
                                stepper = s2;
                                rollout = r2;
                                state[0] = stepper.newState();
                                int kept = Math.min(W, i);
                                for (int j = i - kept; j < i; j++) {
                                    stepper.step(state, new float[] {(float) v[j]}, 1, out);
                                    history.set(j, out[0]);
                                }
                            }
                            stepper.step(state, new float[] {(float) v[i]}, 1, out);
                            history.add(out[0]);
                            if (i < W - 1) {
                                continue;
                            }
                            double[] p = new double[W];
                            for (int j = 0; j < W; j++) {
                                p[j] = history.get(i - W + 1 + j);
                            }
                            predictions.put(id(k, t[i]), p);
                            rollout.rollout(state, new float[] {out[0]}, 1, HORIZON, ahead);
                            scoring.intervals(score, widths);
                            scoring.issue(score, ahead, 0, widths, (float) v[i]);
                            double[] row = new double[HORIZON * (1 + 2 * nl)];
                            for (int h = 0; h < HORIZON; h++) {
                                row[h] = ahead[h];
                                for (int l = 0; l < nl; l++) {
                                    float w = widths[h * nl + l];
                                    row[HORIZON * (1 + l) + h] = ahead[h] - w;
                                    row[HORIZON * (1 + nl + l) + h] = ahead[h] + w;
                                }
                            }
                            aheadRows.put(id(k, t[i]), row);
                        }
                    });
        }
        return new Stateful(predictions, aheadRows);
    }

    /** The differences between the forecasts' {@code ahead} and {@link #expectedAhead}. */
    static List<String> compareAhead(
            List<Received<Forecast>> received, Map<String, double[]> expected) {
        List<String> problems = new ArrayList<>();
        int nl = LEVELS.length;
        for (Received<Forecast> r : received) {
            Forecast f = r.value();
            String id = id(f.sensorId(), f.windowEnd());
            double[] want = expected.get(id);
            Forecast.Ahead a = f.ahead();
            if (want == null) {
                continue; // compare() reports it
            }
            if (a == null || a.values().length != HORIZON || a.lower().length != nl) {
                problems.add(id + ": ahead " + (a == null ? "missing" : "of the wrong shape"));
                continue;
            }
            for (int h = 0; h < HORIZON; h++) {
                double[] got = new double[1 + 2 * nl];
                got[0] = a.values()[h];
                for (int l = 0; l < nl; l++) {
                    got[1 + l] = a.lower()[l][h];
                    got[1 + nl + l] = a.upper()[l][h];
                }
                for (int j = 0; j < got.length; j++) {
                    double w = want[HORIZON * j + h];
                    // bounds: the trackers sum many float errors, so allow a looser tolerance
                    boolean ok =
                            j == 0
                                    ? close(got[j], w)
                                    : Double.isNaN(w)
                                            ? Double.isNaN(got[j])
                                            : Math.abs(got[j] - w) <= 1e-3 * (1 + Math.abs(w));
                    if (!ok) {
                        problems.add(
                                id
                                        + " step "
                                        + (h + 1)
                                        + " part "
                                        + j
                                        + ": job "
                                        + got[j]
                                        + ", uninterrupted "
                                        + w);
                        break;
                    }
                }
            }
        }
        return problems;
    }

    /** Equal within the engines' tolerance, NaN equal to NaN and each infinity to itself. */
    static boolean close(double got, double want) {
        if (Double.isNaN(want) || Double.isInfinite(want)) {
            return Double.compare(got, want) == 0;
        }
        return Math.abs(got - want) <= TOLERANCE * (1 + Math.abs(want));
    }

    /**
     * The differences between received and expected forecasts, as readable lines (empty: equal).
     */
    static List<String> compare(List<Received<Forecast>> received, Map<String, double[]> expected) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Long> lastEnd = new HashMap<>();
        for (Received<Forecast> r : received) {
            Forecast f = r.value();
            String id = id(f.sensorId(), f.windowEnd());
            if (seen.merge(id, 1, Integer::sum) == 2) {
                problems.add("duplicate " + id);
            }
            Long prev = lastEnd.put(f.sensorId(), f.windowEnd());
            if (prev != null && prev >= f.windowEnd()) {
                problems.add("out of order " + id + " after " + prev);
            }
            double[] want = expected.get(id);
            if (want == null) {
                problems.add("unexpected " + id);
                continue;
            }
            for (int i = 0; i < W; i++) {
                if (!close(f.predictions()[i], want[i])) {
                    problems.add(
                            id
                                    + " step "
                                    + i
                                    + ": job "
                                    + f.predictions()[i]
                                    + ", offline "
                                    + want[i]);
                    break;
                }
            }
        }
        expected.keySet().stream()
                .filter(id -> !seen.containsKey(id))
                .sorted()
                .forEach(id -> problems.add("missing " + id));
        return problems;
    }

    static Properties producerProperties(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    /** A record read from an output topic and the wall-clock time it became visible here. */
    record Received<T>(T value, long arrivedAt) {}

    /**
     * Reads forecast and dead-letter topics read_committed from the beginning in a thread of its
     * own, keeping every record with its arrival time, until closed. Survives broker restarts.
     */
    static final class OutputReader implements AutoCloseable {
        private final Map<String, List<Received<Forecast>>> forecasts = new HashMap<>();
        private final Map<String, List<Received<DeadLetter>>> deadLetters = new HashMap<>();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile Throwable error;

        OutputReader(
                String bootstrap,
                List<String> forecastTopics,
                List<String> deadLetterTopics,
                int partitions) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (String t : forecastTopics) {
                forecasts.put(t, new CopyOnWriteArrayList<>());
                for (int p = 0; p < partitions; p++) {
                    assigned.add(new TopicPartition(t, p));
                }
            }
            for (String t : deadLetterTopics) {
                deadLetters.put(t, new CopyOnWriteArrayList<>());
                assigned.add(new TopicPartition(t, 0));
            }
            Properties p = new Properties();
            p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.setProperty(
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            p.setProperty(
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.setProperty(
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
            thread =
                    new Thread(
                            () -> {
                                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
                                    c.assign(assigned);
                                    c.seekToBeginning(assigned);
                                    while (running) {
                                        for (ConsumerRecord<byte[], byte[]> r :
                                                c.poll(Duration.ofMillis(200))) {
                                            long now = System.currentTimeMillis();
                                            if (forecasts.containsKey(r.topic())) {
                                                forecasts
                                                        .get(r.topic())
                                                        .add(
                                                                new Received<>(
                                                                        ForecastCodec.fromJson(
                                                                                r.value()),
                                                                        now));
                                            } else {
                                                deadLetters
                                                        .get(r.topic())
                                                        .add(
                                                                new Received<>(
                                                                        DeadLetterCodec.fromJson(
                                                                                r.value()),
                                                                        now));
                                            }
                                        }
                                    }
                                } catch (Throwable t) {
                                    error = t;
                                    LOG.error("output reader failed", t);
                                }
                            },
                            "output-reader");
            thread.setDaemon(true);
            thread.start();
        }

        List<Received<Forecast>> forecasts(String topic) {
            check();
            return List.copyOf(forecasts.get(topic));
        }

        List<Received<DeadLetter>> deadLetters(String topic) {
            check();
            return List.copyOf(deadLetters.get(topic));
        }

        private void check() {
            if (error != null) {
                throw new IllegalStateException("output reader failed", error);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    /** One submitted job and its output topics. */
    record Job(String mode, String forecasts, String deadLetters, String id) {

        /**
         * Creates the mode's output topics and submits the job jar (fast engine, W=60, checkpoints
         * every 2 s) reading {@code points}; {@code extraArgs} add or override options. A null
         * {@code model} gives no {@code model.path} (models from the models topic alone).
         */
        static Job submit(
                StandaloneCluster cluster,
                Path jar,
                Path model,
                String bootstrap,
                String points,
                int partitions,
                String mode,
                List<String> extraArgs)
                throws Exception {
            String forecasts = points + "-forecasts-" + mode;
            String deadLetters = points + "-dead-letters-" + mode;
            Topics.create(bootstrap, forecasts, partitions, Map.of());
            Topics.create(bootstrap, deadLetters, 1, Map.of());
            List<String> args = new ArrayList<>();
            if (model != null) {
                args.addAll(List.of("--model.path", model.toString()));
            }
            List<String> defaults =
                    List.of(
                            "--mode",
                            mode,
                            "--engine",
                            "fast",
                            "--window.size",
                            Integer.toString(W),
                            "--checkpoint.interval",
                            "2 s",
                            "--kafka.bootstrap.servers",
                            bootstrap,
                            "--kafka.points.topic",
                            points,
                            "--kafka.forecasts.topic",
                            forecasts,
                            "--kafka.dead-letters.topic",
                            deadLetters,
                            "--kafka.group.id",
                            points + "-" + mode,
                            "--kafka.sink.transactional-id-prefix",
                            points + "-" + mode);
            for (int i = 0; i < defaults.size(); i += 2) {
                if (!extraArgs.contains(defaults.get(i))) {
                    args.addAll(defaults.subList(i, i + 2));
                }
            }
            args.addAll(extraArgs);
            return new Job(mode, forecasts, deadLetters, cluster.submit(jar, args));
        }
    }

    /** A condition polled by {@link #await}. */
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} every 250 ms; fails naming {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (IOException e) {
                last = e; // The REST API may not answer while the cluster recovers.
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "timed out after "
                        + timeout
                        + " waiting for "
                        + what
                        + (last == null ? "" : " (last error: " + last + ")"));
    }
}
