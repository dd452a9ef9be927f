package io.forecaster.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.broker.EmbeddedKafkaBroker;
import io.forecaster.broker.Topics;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.job.ForecastJob;
import io.forecaster.job.ForecastOptions;
import io.forecaster.model.engine.IdentityEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs benchmark cases against one embedded Kafka broker: preloads each key count's points topic
 * once, runs each case's job on its cluster, reads the figures from the Flink REST API and the
 * forecasts topic, and profiles the in-process runs.
 */
final class E2eBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(E2eBenchmark.class);

    /**
     * How the benchmark runs.
     *
     * @param root the project folder (models, deploy/cluster.sh, job jar)
     * @param model the model bundle
     * @param work scratch folder (checkpoints, cluster logs)
     * @param preloadPoints points per preloaded topic (at least {@code minPointsPerKey} per key)
     * @param minPointsPerKey fewest points per key in a preload
     * @param warmup the shortest warm-up of a throughput run (then until the JIT compilers settle),
     *     and of a latency stream (then until latency settles, {@link LatencySettle})
     * @param duration measured after the warm-up
     * @param checkpointInterval the job's checkpoint interval
     * @param watermarkInterval Flink's periodic watermark interval
     * @param latencySampleEvery latency is measured on every n-th key
     * @param firstInterval latency cases also report the points appended this long after the stream
     *     into the just-started job began
     * @param settleMax the longest warm-up of a latency stream
     * @param jobOptions further job options (key to value)
     * @param flinkConf further Flink configuration for the cluster (key to value)
     */
    record Settings(
            Path root,
            Path model,
            Path work,
            long preloadPoints,
            int minPointsPerKey,
            Duration warmup,
            Duration duration,
            Duration checkpointInterval,
            Duration watermarkInterval,
            int latencySampleEvery,
            Duration firstInterval,
            Duration settleMax,
            Map<String, String> jobOptions,
            Map<String, String> flinkConf) {}

    private static final int PARTITIONS = 2;
    private static final int PARALLELISM = 2;

    private final Settings s;
    private final PrintWriter console;
    // by points topic: the preloaded points, and the fewest points per key any case needs
    private final Map<String, Long> preloaded = new HashMap<>();
    private final Map<String, Integer> minPerKey = new HashMap<>();
    // by points topic: steps per key written so far, and the first preload's points/s
    private final Map<String, Long> steps = new HashMap<>();
    private final Map<String, Double> producerRate = new HashMap<>();
    private static final int WINDOW = 60;
    private EmbeddedKafkaBroker broker;
    private int caseNo;

    E2eBenchmark(Settings settings, PrintWriter console) {
        this.s = settings;
        this.console = console;
    }

    /** Runs the cases in order; a failed case is reported and the next one runs. */
    List<BenchResult> run(List<BenchCase> cases) {
        return run(cases, done -> {});
    }

    /**
     * As {@link #run(List)}, handing the results so far (with speed-ups) to {@code afterEach} after
     * every case, so that an interrupted run leaves its figures behind.
     */
    List<BenchResult> run(
            List<BenchCase> cases, java.util.function.Consumer<List<BenchResult>> afterEach) {
        List<BenchResult> results = new ArrayList<>();
        round++;
        // Each run has a broker of its own: what an earlier run preloaded is not on it.
        preloaded.clear();
        minPerKey.clear();
        steps.clear();
        producerRate.clear();
        for (BenchCase c : cases) {
            // Window settings need W points per key before the first forecast, and then some.
            int min =
                    c.setting().mode() == ForecastOptions.Mode.WINDOW
                            ? Math.max(s.minPointsPerKey, WINDOW + 20)
                            : s.minPointsPerKey;
            minPerKey.merge(pointsTopic(c), min, Math::max);
        }
        try (EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start()) {
            broker = b;
            Topics.create(b.bootstrapServers(), "dead-letters", 1, Map.of());
            for (BenchCase c : cases) {
                String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                double load = load1();
                say(
                        "case %d/%d %s (load %.2f) ...",
                        results.size() + 1, cases.size(), c.name(), load);
                BenchResult r;
                try {
                    r =
                            c.kind() == BenchCase.Kind.THROUGHPUT
                                    ? throughput(c, started, load)
                                    : latency(c, started, load, results);
                } catch (Exception e) {
                    LOG.error("case {} failed", c.name(), e);
                    r = BenchResult.failed(c, started, load, e.toString());
                }
                results.add(r);
                say("  %s", oneLine(r));
                afterEach.accept(withRatios(results));
            }
        }
        return withRatios(results);
    }

    /** The results with both ratios: to the baseline ({@link #withSpeedups}) and to identity. */
    static List<BenchResult> withRatios(List<BenchResult> results) {
        return withIdentityRatios(withSpeedups(results));
    }

    /**
     * Fills the identity columns of every row whose case also ran on the identity engine in this
     * run ({@link BenchCase#isIdentityOf}): throughput rows get points/s over the identity row's
     * (the model's share of the cost is one minus that), latency rows p99 over its p99.
     */
    static List<BenchResult> withIdentityRatios(List<BenchResult> results) {
        List<BenchResult> out = new ArrayList<>(results);
        for (int i = 0; i < out.size(); i++) {
            BenchResult r = out.get(i);
            if (r.benchCase().identity() || r.status().startsWith("failed")) {
                continue;
            }
            for (BenchResult id : results) {
                if (!id.benchCase().isIdentityOf(r.benchCase())
                        || id.status().startsWith("failed")) {
                    continue;
                }
                boolean latency = r.benchCase().kind() == BenchCase.Kind.LATENCY;
                out.set(
                        i,
                        r.withIdentityRatios(
                                latency ? Double.NaN : r.pointsPerSecond() / id.pointsPerSecond(),
                                latency ? r.p99() / id.p99() : Double.NaN));
                break;
            }
        }
        return out;
    }

    /**
     * One line per row with an identity ratio: {@code setting / identity} of points/s (throughput)
     * or of p99 (latency), both figures beside it.
     */
    static List<String> identityTable(List<BenchResult> results) {
        List<String> lines = new ArrayList<>();
        for (BenchResult r : results) {
            BenchCase c = r.benchCase();
            for (BenchResult id : results) {
                if (!id.benchCase().isIdentityOf(c)) {
                    continue;
                }
                if (!Double.isNaN(r.vsIdentity())) {
                    lines.add(
                            String.format(
                                    Locale.ROOT,
                                    "%s / identity: %,.0f / %,.0f points/s = %.2f",
                                    c.name(),
                                    r.pointsPerSecond(),
                                    id.pointsPerSecond(),
                                    r.vsIdentity()));
                } else if (!Double.isNaN(r.p99VsIdentity())) {
                    lines.add(
                            String.format(
                                    Locale.ROOT,
                                    "%s / identity: p99 %,.0f / %,.0f ms = %.2f",
                                    c.name(),
                                    r.p99(),
                                    id.p99(),
                                    r.p99VsIdentity()));
                }
                break;
            }
        }
        return lines;
    }

    /**
     * Fills the speed-up column of window-s1 and baseline rows measured on the same job: window-s1
     * against the one-window-at-a-time baseline, each baseline row against window-s1.
     */
    static List<BenchResult> withSpeedups(List<BenchResult> results) {
        List<BenchResult> out = new ArrayList<>(results);
        for (int i = 0; i < out.size(); i++) {
            BenchResult fast = out.get(i);
            BenchCase fc = fast.benchCase();
            if (fc.kind() != BenchCase.Kind.THROUGHPUT
                    || fc.setting() != BenchSetting.comparedWithBaseline()) {
                continue;
            }
            for (int j = 0; j < out.size(); j++) {
                BenchResult base = out.get(j);
                BenchCase bc = base.benchCase();
                // Windows forecast per second (= points per second once every key's window is
                // full, at S=1): the slow baseline drains each watermark's backlog in one go,
                // so its points-in counter can stand still for the whole measured interval.
                if (bc.kind() == BenchCase.Kind.THROUGHPUT
                        && bc.setting().isBaseline()
                        && bc.sameJob(fc)
                        && base.forecastsPerSecond() > 0) {
                    double ratio = fast.forecastsPerSecond() / base.forecastsPerSecond();
                    // the fast row carries its ratio to the one-window-at-a-time baseline; each
                    // baseline row carries the fast row's ratio to it
                    if (bc.setting() == BenchSetting.BASELINE) {
                        out.set(i, fast.withSpeedup(ratio));
                    }
                    out.set(j, base.withSpeedup(ratio));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- throughput

    private BenchResult throughput(BenchCase c, String started, double load) throws Exception {
        String pointsTopic = preload(c);
        String forecasts = newTopic("forecasts");
        BenchModels models = models(c);
        if (models != null) {
            models.publish(1);
            say("  published %d models (version 1) on %s", models.count(), models.topic());
        }
        ForecastOptions options = options(c, pointsTopic, forecasts);
        try (JobTarget target = target(c)) {
            String job = target.start(c.name(), options, c.backend());
            Monitor m = new Monitor(target.rest(), job, c.sql());
            m.awaitRunning(Duration.ofMinutes(3));
            StackSampler sampler = null;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            // No forecast before a key has W points. In window mode the first keys x (W-1)
            // points cost little, so measuring starts once every key's window is full; stateful
            // mode steps the model on every point, so there it only matters for forecasts/s and
            // is skipped when it would take more than half the preload.
            long filled = (long) c.keys() * WINDOW;
            if (c.setting().mode() == ForecastOptions.Mode.STATEFUL
                    && filled > preloaded.get(pointsTopic) / 2) {
                filled = 0;
            }
            Sample first = null;
            Sample start = null;
            java.util.List<Long> jit = new java.util.ArrayList<>();
            boolean jitWaited = false;
            // the warm-up's rate is taken from samples after this (after the last top-up)
            long rateFrom = 0;
            long notBefore = 0;
            int topUps = 0;
            String why = "the job read no points in 3 minutes";
            while (System.nanoTime() < deadline) {
                long total = preloaded.get(pointsTopic);
                Sample x = m.sample();
                if (first == null && x.points > 0) {
                    first = x;
                    deadline = x.nanos + Duration.ofMinutes(5).toNanos();
                    why = "the warm-up did not end within 5 minutes";
                    say(
                            "  job reading; measuring %d s after a %d s warm-up%s",
                            s.duration.toSeconds(),
                            s.warmup.toSeconds(),
                            filled > 0
                                    ? String.format(" and %,d points to fill the windows", filled)
                                    : "");
                }
                if (target.inProcess()) {
                    jit.add(StackSampler.jitMillis());
                }
                boolean warming = first != null && start == null;
                if (warming && x.nanos >= notBefore) {
                    // keep enough ahead of the job to measure for --duration at its rate
                    double rate =
                            PreloadSizing.warmupRate(
                                    m.samples, rateFrom, PreloadSizing.RATE_WINDOW);
                    long left = total - x.points;
                    long more =
                            PreloadSizing.topUp(
                                    left, total, rate, s.duration, producerRate.get(pointsTopic));
                    if (more > 0 && topUps == PreloadSizing.MAX_TOP_UPS) {
                        why =
                                String.format(
                                        Locale.ROOT,
                                        "after %d top-ups %,d points left, %,d needed at the"
                                                + " warm-up's %,.0f points/s",
                                        topUps,
                                        left,
                                        PreloadSizing.needed(rate, s.duration),
                                        rate);
                        break;
                    }
                    if (more > 0) {
                        topUps++;
                        say(
                                "  warm-up at %,.0f points/s with %,d points left (%,d needed for"
                                        + " %d s with %.1fx headroom): preloading %,d more ...",
                                rate,
                                left,
                                PreloadSizing.needed(rate, s.duration),
                                s.duration.toSeconds(),
                                PreloadSizing.HEADROOM,
                                more);
                        topUp(c, pointsTopic, more);
                        // the rate again, from samples taken with no producer running
                        rateFrom = System.nanoTime();
                        notBefore = rateFrom + PreloadSizing.AFTER_TOP_UP.toNanos();
                        warming = false;
                    }
                }
                boolean ready =
                        warming
                                && x.points >= filled
                                && x.nanos >= notBefore
                                && x.nanos - first.nanos >= s.warmup.toNanos();
                if (ready && !jitSettled(jit) && x.nanos - first.nanos < MAX_WARMUP.toNanos()) {
                    jitWaited = true;
                } else if (ready) {
                    if (jitWaited) {
                        say(
                                "  warm-up extended to %d s until the JIT compilers settled",
                                (x.nanos - first.nanos) / 1_000_000_000L);
                    }
                    double rate =
                            PreloadSizing.warmupRate(
                                    m.samples, rateFrom, PreloadSizing.RATE_WINDOW);
                    say(
                            "  warm-up over after %d s at %,.0f points/s with %,d points left"
                                    + " (%,d needed for %d s with %.1fx headroom)%s",
                            (x.nanos - first.nanos) / 1_000_000_000L,
                            rate,
                            total - x.points,
                            PreloadSizing.needed(rate, s.duration),
                            s.duration.toSeconds(),
                            PreloadSizing.HEADROOM,
                            topUps == 0
                                    ? ""
                                    : String.format(
                                            Locale.ROOT, "; %d top-up(s) of the preload", topUps));
                    start = x;
                    deadline = Long.MAX_VALUE;
                    if (target.inProcess()) {
                        sampler = new StackSampler(20);
                    }
                }
                if (start != null) {
                    m.sampleBusy();
                    if (x.nanos - start.nanos >= s.duration.toNanos()) {
                        break;
                    }
                }
                if (start != null && x.points >= preloaded.get(pointsTopic)) {
                    why = "the preload was read before the measured interval ended";
                    break;
                }
                m.checkAlive();
                Thread.sleep(1000);
            }
            StackSampler.Profile profile = sampler == null ? null : sampler.finish();
            long total = preloaded.get(pointsTopic);
            Interval iv = start == null ? null : Interval.of(m.samples, start, total);
            Optional<String> tooShort =
                    PreloadSizing.shortInterval(
                            c.name(), iv == null ? Double.NaN : iv.seconds, s.duration, why);
            if (tooShort.isPresent()) {
                throw new IllegalStateException(tooShort.get());
            }
            Checkpoints cp = Checkpoints.read(target.rest(), job);
            writeProfile(c, profile, m);
            return new BenchResult(
                    c,
                    started,
                    load,
                    load1(),
                    iv.points,
                    iv.seconds,
                    iv.points / iv.seconds,
                    iv.forecasts / iv.seconds,
                    Double.NaN,
                    0,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    cp.completed,
                    cp.avgMs,
                    cp.maxMs,
                    cp.stateBytes,
                    m.heapUsedMax / 1048576.0,
                    m.heapMax / 1048576.0,
                    m.busy("source"),
                    m.busy("source-bp"),
                    m.busy("window"),
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    LatencyPhases.NONE,
                    profile == null ? "" : profile.summary(),
                    (topUps == 0
                                    ? "ok"
                                    : String.format(
                                            Locale.ROOT,
                                            "ok; %d top-up(s) of the preload during the warm-up",
                                            topUps))
                            + (start.points < (long) c.keys() * WINDOW
                                    ? "; keys had fewer than W=60 points when the interval"
                                            + " began, so fewer forecasts"
                                    : ""));
        }
    }

    /**
     * The preloaded points topic of a throughput case: one per key count, and per hot key count and
     * points format.
     */
    static String pointsTopic(BenchCase c) {
        return "points-"
                + BenchCase.keysLabel(c.keys())
                + (c.hot() ? "-hot" : "")
                + (c.binary() ? "-binary" : "");
    }

    private String preload(BenchCase c) {
        String topic = pointsTopic(c);
        int keys = c.keys();
        if (!preloaded.containsKey(topic)) {
            int perKey =
                    (int)
                            Math.max(
                                    minPerKey.getOrDefault(topic, s.minPointsPerKey),
                                    (s.preloadPoints + keys - 1) / keys);
            Topics.create(broker.bootstrapServers(), topic, PARTITIONS, Map.of());
            say(
                    "  preloading %,d keys x %,d points into %s%s ...",
                    keys,
                    perKey,
                    topic,
                    c.hot()
                            ? String.format(
                                    Locale.ROOT,
                                    " (%d ms apart, shuffled within %d ms)",
                                    BenchCase.HOT_SPACING_MS,
                                    BenchCase.HOT_DISORDER_MS)
                            : "");
            PointProducer.Preload p = write(c, topic, 0, perKey);
            say(
                    "  preloaded %,d points in %.1f s (%,.0f points/s)",
                    p.points(), p.seconds(), p.points() / p.seconds());
            preloaded.put(topic, p.points());
            steps.put(topic, (long) perKey);
            producerRate.put(topic, p.points() / p.seconds());
        }
        return topic;
    }

    /** Continues every key's series in a case's preloaded topic by at least {@code points}. */
    private void topUp(BenchCase c, String topic, long points) {
        int perKey = (int) Math.min(Integer.MAX_VALUE, (points + c.keys() - 1) / c.keys());
        long from = steps.get(topic);
        PointProducer.Preload p = write(c, topic, from, perKey);
        say(
                "  preloaded %,d more points in %.1f s (%,.0f points/s, the job reading)",
                p.points(), p.seconds(), p.points() / p.seconds());
        preloaded.merge(topic, p.points(), Long::sum);
        steps.put(topic, from + perKey);
        // the next top-up is sized by how fast this one was written, the job reading
        producerRate.put(topic, p.points() / p.seconds());
    }

    private PointProducer.Preload write(BenchCase c, String topic, long fromStep, int perKey) {
        return c.hot()
                ? PointProducer.preloadShuffled(
                        broker.bootstrapServers(),
                        topic,
                        c.keys(),
                        fromStep,
                        perKey,
                        PointProducer.PRELOAD_START,
                        BenchCase.HOT_SPACING_MS,
                        (int) (BenchCase.HOT_DISORDER_MS / BenchCase.HOT_SPACING_MS),
                        42 + fromStep,
                        pointFormat(c))
                : PointProducer.preload(
                        broker.bootstrapServers(),
                        topic,
                        c.keys(),
                        fromStep,
                        perKey,
                        PointProducer.PRELOAD_START,
                        pointFormat(c));
    }

    /** The value format of a case's points: JSON, or binary with the {@code binary} option. */
    static PointFormat pointFormat(BenchCase c) {
        return c.binary() ? PointFormat.BINARY : PointFormat.JSON;
    }

    /** Longest a throughput warm-up is extended while the JIT compilers are still busy. */
    static final Duration MAX_WARMUP = Duration.ofSeconds(60);

    /**
     * True when the JIT compilers spent less than a quarter of a core over the last 5 one-second
     * samples (or compilation time is not known). The first case of a run otherwise measures the
     * JVM compiling Flink, Kafka and the job: 17 of 20 s in one measured interval. (Even warm, C2
     * keeps compiling 0.1-0.2 s per second here, so the bar cannot be much lower.)
     */
    static boolean jitSettled(java.util.List<Long> jitMillisPerSecond) {
        int n = jitMillisPerSecond.size();
        if (n == 0) {
            return true;
        }
        if (jitMillisPerSecond.get(n - 1) < 0) {
            return true;
        }
        if (n < 6) {
            return false;
        }
        return jitMillisPerSecond.get(n - 1) - jitMillisPerSecond.get(n - 6) < 1250;
    }

    // ---------------------------------------------------------------- latency

    private BenchResult latency(BenchCase c, String started, double load, List<BenchResult> before)
            throws Exception {
        double rate = c.rate();
        if (rate == 0) {
            Optional<BenchResult> max =
                    before.stream()
                            .filter(
                                    r ->
                                            r.benchCase().kind() == BenchCase.Kind.THROUGHPUT
                                                    && r.benchCase().setting() == c.setting()
                                                    && r.benchCase().sameJob(c)
                                                    && r.pointsPerSecond() > 0)
                            .findFirst();
            if (max.isEmpty()) {
                throw new IllegalStateException(
                        "rate="
                                + c.rateLabel()
                                + " needs a throughput case for "
                                + c.setting().label()
                                + " at "
                                + c.keys()
                                + " keys earlier in the run");
            }
            rate = Math.floor(max.get().pointsPerSecond() * c.ratePercent() / 100.0);
        }
        String pointsTopic = newTopic("live");
        Topics.create(
                broker.bootstrapServers(),
                pointsTopic,
                PARTITIONS,
                Map.of("message.timestamp.type", "LogAppendTime"));
        String forecasts = newTopic("forecasts");
        BenchModels models = models(c);
        if (models != null) {
            models.publish(1);
            say("  published %d models (version 1) on %s", models.count(), models.topic());
        }
        ForecastOptions options = options(c, pointsTopic, forecasts);
        try (JobTarget target = target(c);
                Stalls stalls = new Stalls()) {
            String job = target.start(c.name(), options, c.backend());
            Monitor m = new Monitor(target.rest(), job, c.sql());
            m.awaitRunning(Duration.ofMinutes(3));
            // Every key gets a full window of history first (event times in the past), so that
            // window mode forecasts from the first streamed point on.
            long prefill =
                    PointProducer.preload(
                                    broker.bootstrapServers(),
                                    pointsTopic,
                                    c.keys(),
                                    0,
                                    WINDOW,
                                    System.currentTimeMillis() - (WINDOW + 10) * 1000L,
                                    pointFormat(c))
                            .points();
            long waitUntil = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (m.sample().points < prefill && System.nanoTime() < waitUntil) {
                m.checkAlive();
                Thread.sleep(500);
            }
            say("  prefilled %,d points of history; the job has read them", prefill);
            PointProducer.Paced producer =
                    new PointProducer.Paced(
                            broker.bootstrapServers(),
                            pointsTopic,
                            c.keys(),
                            (long) rate,
                            s.latencySampleEvery,
                            pointFormat(c));
            ForecastReader reader =
                    new ForecastReader(broker.bootstrapServers(), forecasts, producer);
            LatencySeries series = reader.series();
            Thread readerThread = new Thread(reader, "e2e-bench-reader");
            readerThread.start();
            long t0 = System.currentTimeMillis();
            long windowMs = LatencySettle.WINDOW.toMillis();
            int minWindows = LatencySettle.windowsIn(s.warmup);
            int maxWindows = Math.max(minWindows, (int) (s.settleMax.toMillis() / windowMs));
            long firstUntil = t0 + s.firstInterval.toMillis();
            // the stream runs until both the first interval and the steady state's are over
            Duration longest = s.settleMax.plus(s.duration).plus(s.firstInterval);
            say(
                    "  streaming %,.0f points/s over %,d keys: the first %d s, and %d s of steady"
                            + " state once the p99s of %d consecutive %d s windows lie within"
                            + " %.0f%% of each other (at least %d s, at most %d s of warm-up)",
                    rate,
                    c.keys(),
                    s.firstInterval.toSeconds(),
                    s.duration.toSeconds(),
                    LatencySettle.WINDOWS,
                    LatencySettle.WINDOW.toSeconds(),
                    LatencySettle.BAND * 100,
                    minWindows * windowMs / 1000,
                    maxWindows * windowMs / 1000);
            Thread producerThread = new Thread(() -> producer.run(longest), "e2e-bench-producer");
            producerThread.start();
            StackSampler sampler = null;
            Sample atFrom = null;
            Sample atUntil = null;
            long from = -1; // steady state: points appended in [from, until)
            long until = Long.MAX_VALUE;
            long restUntil = Long.MAX_VALUE;
            boolean settled = false;
            List<Double> p99s = new ArrayList<>();
            long swapAt = Long.MAX_VALUE;
            long published = 0;
            long publishMs = 0;
            while (producerThread.isAlive()) {
                Sample x = m.sample();
                m.checkpointHistory(stalls);
                long now = System.currentTimeMillis();
                if (from < 0) {
                    p99s.addAll(
                            series.windowP99s(
                                    t0, windowMs, t0 + maxWindows * windowMs, p99s.size()));
                    int k = LatencySettle.settledAfter(p99s, minWindows);
                    settled = k >= 0;
                    if (settled || now >= t0 + maxWindows * windowMs) {
                        if (!settled) {
                            k = maxWindows;
                        }
                        from = t0 + k * windowMs;
                        until = from + s.duration.toMillis();
                        say(
                                "  %s after %d s (p99 of each %d s window: %s ms); steady state"
                                        + " from there",
                                settled ? "latency settled" : "latency not settled, capped",
                                k * windowMs / 1000,
                                windowMs / 1000,
                                LatencyPhases.format(p99s));
                        // models=N: version 2 of every model halfway through the steady state
                        swapAt =
                                models == null
                                        ? Long.MAX_VALUE
                                        : Math.max(now, from + s.duration.toMillis() / 2);
                    }
                }
                if (published == 0 && now >= swapAt) {
                    reader.watchVersion(2);
                    long publishStart = System.currentTimeMillis();
                    published = models.publish(2);
                    publishMs = published - publishStart;
                    say(
                            "  published version 2 of %d models at +%d s (%d ms to write and send)",
                            models.count(), (publishStart - t0) / 1000, publishMs);
                }
                if (from >= 0 && atFrom == null && now >= from) {
                    // the REST figures (points/s, busy time) over --duration from here: the
                    // steady state is known only once its first windows have been read
                    atFrom = x;
                    restUntil = now + s.duration.toMillis();
                    if (target.inProcess()) {
                        sampler = new StackSampler(20);
                    }
                }
                if (atFrom != null && now <= restUntil) {
                    m.sampleBusy();
                    m.sampleLatencyBudget();
                    atUntil = x;
                }
                if (from >= 0 && now >= Math.max(Math.max(until, restUntil), firstUntil)) {
                    producer.stop();
                }
                m.checkAlive();
                producerThread.join(1000);
            }
            StackSampler.Profile profile = sampler == null ? null : sampler.finish();
            // Exactly-once forecasts appear when the checkpoint after them completes.
            long drain = 2 * s.checkpointInterval.toMillis() + 5000;
            Thread.sleep(drain);
            reader.stop();
            readerThread.join(10_000);
            if (reader.failure() != null) {
                throw reader.failure();
            }
            Checkpoints cp = Checkpoints.read(target.rest(), job);
            writeProfile(c, profile, m);
            LatencySeries.Figures steady = series.between(from, until);
            LatencySeries.Figures start = series.between(t0, firstUntil);
            LatencyRecorder l = steady.total();
            String budget = latencyBudget(steady, m);
            say("  %s", budget);
            profiles.append("  ").append(budget).append('\n');
            m.checkpointHistory(stalls);
            long end = Math.max(until, firstUntil);
            timelines.append(stalls.timeline(c.name(), round, t0, series.perSecond(t0, end)));
            if (target.inProcess()) {
                String gc =
                        "in the steady state, this JVM's " + stalls.collectionsBetween(from, until);
                say("  %s", gc);
                profiles.append("  ").append(gc).append('\n');
            }
            LatencyPhases phases =
                    new LatencyPhases(
                            s.firstInterval.toMillis() / 1000.0,
                            start.total().count(),
                            start.total().percentile(50),
                            start.total().percentile(99),
                            start.total().max(),
                            (from - t0) / 1000.0,
                            settled,
                            LatencyPhases.format(p99s));
            double secs =
                    atFrom == null || atUntil == null
                            ? Double.NaN
                            : (atUntil.nanos - atFrom.nanos) / 1e9;
            long pts = atFrom == null || atUntil == null ? 0 : atUntil.points - atFrom.points;
            double fps =
                    atFrom == null || atUntil == null
                            ? Double.NaN
                            : (atUntil.forecasts - atFrom.forecasts) / secs;
            String note = l.count() == 0 ? "no latency samples" : "ok";
            if (!LatencySettle.keptUp(pts / secs, rate)) {
                note +=
                        String.format(
                                Locale.ROOT,
                                "; the job read %,.0f points/s, %.0f%% of the rate asked: a backlog"
                                        + " building, not a steady state",
                                pts / secs,
                                100 * pts / secs / rate);
            }
            if (!settled) {
                note +=
                        String.format(
                                Locale.ROOT,
                                "; latency had not settled within the %d s cap (--settle-max)",
                                s.settleMax.toSeconds());
            }
            if (published > 0) {
                String swap =
                        swapNote(reader.firstOfWatchedVersion(), published, publishMs, models)
                                + "; forecasts read per version "
                                + reader.forecastsPerVersion();
                note += "; " + swap;
                say("  %s", swap);
            }
            return new BenchResult(
                    c,
                    started,
                    load,
                    load1(),
                    pts,
                    secs,
                    pts / secs,
                    fps,
                    rate,
                    l.count(),
                    l.percentile(50),
                    l.percentile(90),
                    l.percentile(99),
                    l.percentile(99.9),
                    l.max(),
                    steady.inJob().percentile(99),
                    steady.delivery().percentile(99),
                    cp.completed,
                    cp.avgMs,
                    cp.maxMs,
                    cp.stateBytes,
                    m.heapUsedMax / 1048576.0,
                    m.heapMax / 1048576.0,
                    m.busy("source"),
                    m.busy("source-bp"),
                    m.busy("window"),
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    phases,
                    profile == null ? "" : profile.summary(),
                    note);
        }
    }

    // ---------------------------------------------------------------- shared

    /** The case's models (topics created, nothing published), or null without models=N. */
    private BenchModels models(BenchCase c) throws java.io.IOException {
        if (c.models() == 0) {
            return null;
        }
        return BenchModels.create(
                broker.bootstrapServers(),
                "models-" + caseNo,
                "model-events-" + caseNo,
                s.model,
                s.work.resolve("models-" + caseNo),
                c.keys(),
                c.models());
    }

    /**
     * The time from the publish of version 2 (the last record acknowledged) to the first forecast
     * of each model's version 2 read by the reader: the first, the median and the last model.
     */
    static String swapNote(
            Map<String, Long> firstRead, long published, long publishMs, BenchModels models) {
        List<Long> after = new ArrayList<>();
        firstRead.values().forEach(t -> after.add(Math.max(0, t - published)));
        java.util.Collections.sort(after);
        if (after.isEmpty()) {
            return String.format(
                    Locale.ROOT,
                    "models=%d: no forecast of version 2 read (publish took %d ms)",
                    models.count(),
                    publishMs);
        }
        return String.format(
                Locale.ROOT,
                "models=%d: publish of version 2 (%d ms) to its first forecast read: first model"
                        + " %d ms, median %d ms, last %d ms (%d of %d models seen)",
                models.count(),
                publishMs,
                after.get(0),
                after.get(after.size() / 2),
                after.get(after.size() - 1),
                after.size(),
                models.count());
    }

    private ForecastOptions options(BenchCase c, String pointsTopic, String forecasts) {
        Map<String, String> o = new LinkedHashMap<>();
        if (c.models() > 0) {
            // every key is routed to one of the topic's models: no model.path
            o.put("kafka.models.topic", "models-" + caseNo);
            o.put("kafka.model-events.topic", "model-events-" + caseNo);
        } else {
            o.put(ForecastOptions.MODEL_PATH.key(), s.model.toAbsolutePath().toString());
        }
        o.put(ForecastOptions.WINDOW_SIZE.key(), "60");
        // The benchmark's points are in order per key (hot-key cases aside, below): no
        // out-of-orderness to wait for.
        o.put(ForecastOptions.OUT_OF_ORDERNESS.key(), "0 ms");
        o.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), s.checkpointInterval.toMillis() + " ms");
        if (BenchCase.DEFAULT_PROFILE.equals(c.profile())) {
            o.put(ForecastOptions.BATCH_MAX_DELAY.key(), "20 ms");
        } else {
            // the profile's own defaults: max-delay, watermark interval (over the cluster's
            // --watermark-interval), buffer timeout, sink linger, delivery
            o.put(ForecastOptions.PROFILE.key(), c.profile());
        }
        o.putAll(c.setting().jobOptions());
        if (c.identity()) {
            o.put(ForecastOptions.ENGINE.key(), IdentityEngine.NAME);
        }
        if (c.hot()) {
            o.put(ForecastOptions.OUT_OF_ORDERNESS.key(), BenchCase.HOT_OUT_OF_ORDERNESS);
        }
        o.put("kafka.bootstrap.servers", broker.bootstrapServers());
        o.put("kafka.points.topic", pointsTopic);
        o.put("kafka.points.format", pointFormat(c).name());
        o.put("kafka.forecasts.topic", forecasts);
        o.put("kafka.dead-letters.topic", "dead-letters");
        o.put("kafka.group.id", "e2e-bench-" + caseNo);
        o.put("kafka.sink.transactional-id-prefix", "e2e-bench-" + caseNo);
        o.put("kafka.sink.delivery", c.delivery().toString());
        if (c.gridInterval() != null) {
            o.put("series.interval", c.gridInterval());
        }
        if (c.horizon() != 1) {
            o.put(ForecastOptions.HORIZON.key(), Integer.toString(c.horizon()));
        }
        if (c.intervals()) {
            o.put(ForecastOptions.INTERVAL_LEVELS.key(), BenchCase.INTERVAL_LEVELS);
        }
        o.putAll(s.jobOptions);
        return ForecastOptions.fromMap(o);
    }

    private JobTarget target(BenchCase c) {
        return c.cluster().equals(BenchCase.STANDALONE)
                ? new StandaloneTarget(
                        s.root,
                        s.work.resolve("cluster-" + caseNo),
                        s.watermarkInterval,
                        s.flinkConf)
                : new MiniClusterTarget(
                        s.work.resolve("checkpoints"),
                        s.watermarkInterval,
                        PARALLELISM,
                        s.flinkConf,
                        c.sql());
    }

    private String newTopic(String prefix) {
        String t = prefix + "-" + (++caseNo);
        Topics.create(broker.bootstrapServers(), t, PARTITIONS, Map.of());
        return t;
    }

    private void writeProfile(BenchCase c, StackSampler.Profile p, Monitor m) {
        StringBuilder sb = new StringBuilder();
        sb.append("== ").append(c.name()).append('\n');
        sb.append(
                String.format(
                        Locale.ROOT,
                        "  Flink busy time (ms/s, mean of subtasks): source %.0f (back-pressured"
                            + " %.0f), window+inference+sink %.0f; inference batch size mean %.1f,"
                            + " time per batch mean %.0f us%n",
                        m.busy("source"),
                        m.busy("source-bp"),
                        m.busy("window"),
                        m.busy("batch"),
                        m.busy("inference-us")));
        if (!Double.isNaN(m.busy("forecast"))) {
            // models=N: the two-input forecast operator is a vertex of its own, the window
            // vertex above is ordering and windowing alone
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  (models input: the window vertex does not chain inference;"
                                    + " inference+sink vertex %.0f ms/s)%n",
                            m.busy("forecast")));
        }
        if (p != null) {
            sb.append(p.text());
        }
        profiles.append(sb);
        LOG.info("profile:\n{}", sb);
    }

    private final StringBuilder profiles = new StringBuilder();
    private final StringBuilder timelines = new StringBuilder();
    private int round;

    /**
     * Every latency case's timeline so far, a row per second (CSV with a header), or empty without
     * latency cases.
     */
    String timelines() {
        return timelines.isEmpty() ? "" : Stalls.HEADER + timelines;
    }

    /**
     * Where a latency case's time went, steady state: append to made and made to read from the
     * reader (p50 / p99), and inside the job, from its metrics sampled every second over the
     * measured interval: the source's emit lag, the release lag (event time, the producer's send
     * time, to release by the watermark) and the batch wait (release to the batch's evaluation).
     */
    static String latencyBudget(LatencySeries.Figures steady, Monitor m) {
        return String.format(
                Locale.ROOT,
                "latency budget (ms, p50 / p99): append->made %.0f / %.0f, made->read %.0f / %.0f;"
                        + " in the job: source emit lag %.0f (mean of samples), event time->release"
                        + " %.0f / %.0f, batch wait %.1f / %.1f, inference per batch %.1f (mean)",
                steady.inJob().percentile(50),
                steady.inJob().percentile(99),
                steady.delivery().percentile(50),
                steady.delivery().percentile(99),
                m.busy("emit-lag"),
                m.busy("release-p50"),
                m.busy("release-p99"),
                m.busy("wait-p50") / 1000,
                m.busy("wait-p99") / 1000,
                m.busy("inference-us") / 1000);
    }

    /** The profiles of every case, as text. */
    String profiles() {
        return profiles.toString();
    }

    private void say(String format, Object... args) {
        console.printf(Locale.ROOT, format + "%n", args);
        console.flush();
    }

    static String oneLine(BenchResult r) {
        BenchCase c = r.benchCase();
        if (r.status().startsWith("failed")) {
            return r.status();
        }
        String common =
                String.format(
                        Locale.ROOT,
                        "%,.0f points/s, %,.0f forecasts/s over %.0f s; checkpoints %d (avg %.0f"
                                + " ms, max %.0f ms), state %.0f B/key, heap max %.0f MB; %s",
                        r.pointsPerSecond(),
                        r.forecastsPerSecond(),
                        r.seconds(),
                        r.checkpoints(),
                        r.checkpointAvgMs(),
                        r.checkpointMaxMs(),
                        r.stateBytesPerKey(),
                        r.heapUsedMaxMb(),
                        r.status());
        if (c.kind() == BenchCase.Kind.LATENCY) {
            LatencyPhases ph = r.phases();
            return String.format(
                    Locale.ROOT,
                    "steady state (after %.0f s of warm-up%s): latency p50 %.0f p90 %.0f p99 %.0f"
                            + " p99.9 %.0f max %.0f ms (%d samples; p99 append->made %.0f,"
                            + " made->read %.0f); first %.0f s: p50 %.0f p99 %.0f max %.0f ms"
                            + " (%d samples); at %,.0f points/s asked; %s",
                    ph.warmupSeconds(),
                    ph.settled() ? "" : ", not settled",
                    r.p50(),
                    r.p90(),
                    r.p99(),
                    r.p999(),
                    r.maxLatency(),
                    r.latencySamples(),
                    r.p99InJob(),
                    r.p99Delivery(),
                    ph.firstSeconds(),
                    ph.firstP50(),
                    ph.firstP99(),
                    ph.firstMax(),
                    ph.firstSamples(),
                    r.targetRate(),
                    common);
        }
        return common;
    }

    static double load1() {
        try {
            String l = Files.readString(Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(l.split("\\s+")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    // ---------------------------------------------------------------- REST sampling

    /** One REST sample: points into the windowing vertex and forecasts made, so far. */
    record Sample(long nanos, long points, long forecasts) {}

    /** The measured interval of a throughput run. */
    record Interval(long points, long forecasts, double seconds) {
        /**
         * From {@code start} (the first sample after the warm-up) to the last sample before the job
         * had read 99% of the {@code total} preloaded points (from then on it may idle). Shorter
         * than the run when the preload ran out: {@link PreloadSizing#shortInterval} fails it.
         */
        static Interval of(List<Sample> samples, Sample start, long total) {
            Sample to = start;
            for (Sample x : samples) {
                if (x.nanos > start.nanos && x.points < total * 0.99) {
                    to = x;
                }
            }
            return new Interval(
                    to.points - start.points,
                    to.forecasts - start.forecasts,
                    (to.nanos - start.nanos) / 1e9);
        }
    }

    /** Polls the REST API for one job. */
    static final class Monitor {
        private final FlinkRest rest;
        private final String job;
        final List<Sample> samples = new ArrayList<>();
        private String windowVertex;
        private String sourceVertex;
        private String forecastMetric;
        // the forecast operator's vertex: the window vertex, unless a models input unchains it
        private String forecastVertex;
        long heapUsedMax;
        long heapMax;
        private final Map<String, double[]> busy = new HashMap<>();

        /** The vertex whose input is the points: the job's windowing or the SQL function. */
        private final String pointsVertex;

        private String releasedMetric;

        Monitor(FlinkRest rest, String job, boolean sql) {
            this.rest = rest;
            this.job = job;
            this.pointsVertex = sql ? SqlForecasts.VERTEX : ForecastJob.ORDER_AND_WINDOW;
        }

        void awaitRunning(Duration timeout) throws Exception {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                try {
                    String state = rest.jobState(job);
                    if (state.equals("RUNNING")) {
                        sourceVertex = rest.vertex(job, "Source").orElseThrow();
                        windowVertex = rest.vertex(job, pointsVertex).orElseThrow();
                        JsonNode v = rest.get("/jobs/" + job);
                        boolean allRunning = true;
                        for (JsonNode vx : v.path("vertices")) {
                            allRunning &= vx.path("status").asText().equals("RUNNING");
                        }
                        if (allRunning) {
                            return;
                        }
                    }
                    if (state.equals("FAILED") || state.equals("CANCELED")) {
                        throw new IllegalStateException("job " + job + " is " + state);
                    }
                } catch (java.io.IOException notYet) {
                    // REST not up yet, or the job not yet known
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("job " + job + " not running after " + timeout);
        }

        Sample sample() throws Exception {
            long points = rest.readRecords(job, windowVertex);
            if (pointsVertex.equals(SqlForecasts.VERTEX)) {
                // The function reads points ahead of the watermark of its slowest Kafka partition
                // and holds them: count the points it released (in event-time order) instead.
                if (releasedMetric == null) {
                    releasedMetric =
                            rest.metricNames(job, windowVertex, "pointsReleased").stream()
                                    .findFirst()
                                    .orElse(null);
                }
                points =
                        releasedMetric == null
                                ? 0
                                : (long)
                                        rest.vertexMetric(job, windowVertex, releasedMetric, "sum");
            }
            if (forecastMetric == null) {
                for (String v : rest.vertices(job).values()) {
                    forecastMetric =
                            rest.metricNames(job, v, "forecastsEmitted").stream()
                                    .findFirst()
                                    .orElse(null);
                    if (forecastMetric != null) {
                        forecastVertex = v;
                        break;
                    }
                }
            }
            long forecasts =
                    forecastMetric == null
                            ? 0
                            : (long) rest.vertexMetric(job, forecastVertex, forecastMetric, "sum");
            long[] heap = rest.taskManagerHeap();
            heapUsedMax = Math.max(heapUsedMax, heap[0]);
            heapMax = Math.max(heapMax, heap[1]);
            Sample x = new Sample(System.nanoTime(), Math.max(0, points), forecasts);
            samples.add(x);
            LOG.info(
                    "job {}: {} points in, {} forecasts, heap {} MB",
                    job,
                    x.points,
                    x.forecasts,
                    heap[0] >> 20);
            return x;
        }

        /** Adds the checkpoints of the job's recent history (REST) to {@code stalls}. */
        void checkpointHistory(Stalls stalls) throws Exception {
            for (JsonNode h : rest.checkpoints(job).path("history")) {
                if (h.path("status").asText().equals("COMPLETED")) {
                    stalls.checkpoint(
                            h.path("id").asLong(),
                            h.path("trigger_timestamp").asLong(),
                            h.path("end_to_end_duration").asLong());
                }
            }
        }

        void sampleBusy() throws Exception {
            add("source", rest.vertexMetric(job, sourceVertex, "busyTimeMsPerSecond", "avg"));
            add(
                    "source-bp",
                    rest.vertexMetric(job, sourceVertex, "backPressuredTimeMsPerSecond", "avg"));
            add("window", rest.vertexMetric(job, windowVertex, "busyTimeMsPerSecond", "avg"));
            String inference = forecastVertex == null ? windowVertex : forecastVertex;
            if (!inference.equals(windowVertex)) {
                add("forecast", rest.vertexMetric(job, inference, "busyTimeMsPerSecond", "avg"));
            }
            add(
                    "batch",
                    rest.vertexMetric(job, inference, "forecast.inferenceBatchSize_mean", "avg"));
            add(
                    "inference-us",
                    rest.vertexMetric(
                            job, inference, "forecast.inferenceLatencyMicros_mean", "avg"));
        }

        /**
         * The job's own latency figures, once per sample: each subtask's release lag (event time to
         * release by the watermark) and batch wait (histograms of their latest releases and
         * batches: p50 averaged over the subtasks, p99 their maximum) and the source's {@code
         * currentEmitEventTimeLag} gauge (emit time minus the event time of the last record).
         */
        void sampleLatencyBudget() throws Exception {
            String release = ForecastJob.ORDER_AND_WINDOW + ".releaseLagMillis";
            add("release-p50", rest.vertexMetric(job, windowVertex, release + "_median", "avg"));
            add("release-p99", rest.vertexMetric(job, windowVertex, release + "_p99", "max"));
            String inference = forecastVertex == null ? windowVertex : forecastVertex;
            String wait = ForecastJob.FORECAST + ".batchWaitMicros";
            add("wait-p50", rest.vertexMetric(job, inference, wait + "_median", "avg"));
            add("wait-p99", rest.vertexMetric(job, inference, wait + "_p99", "max"));
            if (emitLagMetric == null) {
                emitLagMetric =
                        rest.metricNames(job, sourceVertex, "currentEmitEventTimeLag").stream()
                                .findFirst()
                                .orElse("");
            }
            if (!emitLagMetric.isEmpty()) {
                add("emit-lag", rest.vertexMetric(job, sourceVertex, emitLagMetric, "avg"));
            }
        }

        private String emitLagMetric;

        private void add(String k, double v) {
            if (!Double.isNaN(v)) {
                double[] a = busy.computeIfAbsent(k, x -> new double[2]);
                a[0] += v;
                a[1]++;
            }
        }

        double busy(String k) {
            double[] a = busy.get(k);
            return a == null || a[1] == 0 ? Double.NaN : a[0] / a[1];
        }

        void checkAlive() throws Exception {
            String state = rest.jobState(job);
            if (state.equals("FAILED") || state.equals("FAILING") || state.equals("RESTARTING")) {
                JsonNode ex = rest.get("/jobs/" + job + "/exceptions");
                throw new IllegalStateException(
                        "job "
                                + state
                                + ": "
                                + ex.path("root-exception")
                                        .asText("")
                                        .lines()
                                        .findFirst()
                                        .orElse(""));
            }
        }
    }

    /** Checkpoint figures from {@code /jobs/<id>/checkpoints}. */
    record Checkpoints(long completed, double avgMs, double maxMs, double stateBytes) {
        static Checkpoints read(FlinkRest rest, String job) throws Exception {
            JsonNode cp = rest.checkpoints(job);
            JsonNode d = cp.path("summary").path("end_to_end_duration");
            JsonNode latest = cp.path("latest").path("completed");
            long completed = cp.path("counts").path("completed").asLong();
            return new Checkpoints(
                    completed,
                    completed > 0 && d.has("avg") ? d.path("avg").asDouble() : Double.NaN,
                    completed > 0 && d.has("max") ? d.path("max").asDouble() : Double.NaN,
                    latest.has("state_size") ? latest.path("state_size").asDouble() : Double.NaN);
        }
    }
}
