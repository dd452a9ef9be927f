package io.forecaster.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * One measurement of the end-to-end benchmark.
 *
 * <p>Written {@code kind:setting:keys[:option...]}, e.g. {@code
 * throughput:stateful-s10:10k:rocksdb} or {@code latency:stateful-s10:10k:at-least-once:rate=half}.
 * Options: {@code hashmap} (default) or {@code rocksdb}; {@code mini} (default, a Flink MiniCluster
 * in this process) or {@code standalone} (a standalone session cluster started with
 * deploy/cluster.sh); {@code exactly-once} (default) or {@code at-least-once}; for latency {@code
 * rate=N} points/s or {@code rate=half} or {@code rate=P%} (that share of the sustained rate
 * measured for the same setting and keys earlier in this run); {@code grid} or {@code
 * grid=DURATION}: the job on a time grid ({@code series.interval}, 1 s by default: the preloaded
 * points are 1 s apart per key, so every slot holds one real point and nothing is filled); {@code
 * models=N}: the job serves N models from a models topic ({@code kafka.models.topic}), each a copy
 * of the bench model with its own file and sha256, routed by key prefix (every other one by an
 * equivalent regular expression) over contiguous ranges of the keys; in a latency case version 2 of
 * every model is published halfway through the measured interval, and the time from that publish to
 * the first forecast of each new version is reported; {@code identity}: the same job on the {@value
 * io.forecaster.model.engine.IdentityEngine#NAME} engine (the last value repeated instead of the
 * model), the pipeline's own limit; {@code hot}: hot keys (throughput only), each key's points
 * {@value #HOT_SPACING_MS} ms apart in event time and shuffled within blocks of {@value
 * #HOT_DISORDER_MS} ms, the job waiting {@value #HOT_OUT_OF_ORDERNESS} for out-of-order points, so
 * each key holds thousands of pending points in the ordering step; {@code binary}: the points
 * written as 17-byte binary values and read with {@code kafka.points.format=BINARY} instead of JSON
 * (the DataStream job only).
 *
 * @param kind throughput (preloaded points, as fast as the job goes) or latency (paced stream)
 * @param setting mode, slide and engine
 * @param keys number of sensors
 * @param backend hashmap or rocksdb
 * @param cluster mini or standalone
 * @param delivery the forecasts sink's guarantee
 * @param rate latency only: points/s, or 0 for a share of the sustained rate measured in this run
 * @param ratePercent latency with rate 0: that share, in percent of the sustained rate
 * @param gridInterval the job's {@code series.interval} (e.g. {@code 1s}), or null for no grid
 * @param horizon the job's {@code forecast.horizon} (option {@code h=10}; 1 by default)
 * @param intervals whether the job computes prediction intervals at levels 0.8 and 0.95 (option
 *     {@code intervals})
 * @param models models served from a models topic (option {@code models=N}); 0: the job's {@code
 *     model.path} alone
 * @param sql whether the forecasts come from the SQL function {@code FORECAST} over Kafka tables
 *     instead of the DataStream job (option {@code sql}; MiniCluster only)
 * @param identity whether the job runs the identity engine instead of the setting's (option {@code
 *     identity})
 * @param hot whether the points are hot keys' (option {@code hot}): dense and out of order
 * @param binary whether the points topic holds binary values (option {@code binary})
 * @param profile the job's {@code profile} (option {@code low-latency}: the low-latency profile's
 *     defaults instead of the benchmark's {@code inference.max-delay=20 ms} and watermark interval)
 */
public record BenchCase(
        Kind kind,
        BenchSetting setting,
        int keys,
        String backend,
        String cluster,
        DeliveryGuarantee delivery,
        long rate,
        int ratePercent,
        String gridInterval,
        int horizon,
        boolean intervals,
        int models,
        boolean sql,
        boolean identity,
        boolean hot,
        boolean binary,
        String profile) {

    /** The job's default profile. */
    public static final String DEFAULT_PROFILE = "default";

    /** The low-latency profile (case option {@code low-latency}). */
    public static final String LOW_LATENCY = "low-latency";

    /** Event-time spacing of a hot key's points: 1,000 points per second of event time. */
    public static final long HOT_SPACING_MS = 1;

    /** Hot keys' points are shuffled within blocks of this much event time. */
    public static final long HOT_DISORDER_MS = 4000;

    /**
     * Most keys of a hot-key case (a few hot keys are the point, and the shuffle holds a block).
     */
    public static final int HOT_MAX_KEYS = 1000;

    /** The job's {@code watermark.out-of-orderness} in a hot-key case: more than the disorder. */
    public static final String HOT_OUT_OF_ORDERNESS = "5 s";

    /** The levels of the {@code intervals} option. */
    public static final String INTERVAL_LEVELS = "0.8,0.95";

    /** The slot length of the {@code grid} option: the preload's spacing of a key's points. */
    public static final String GRID_DEFAULT = "1s";

    /** What is measured. */
    public enum Kind {
        THROUGHPUT,
        LATENCY
    }

    public static final String HASHMAP = "hashmap";
    public static final String ROCKSDB = "rocksdb";
    public static final String MINI = "mini";
    public static final String STANDALONE = "standalone";

    /** A short unique name, e.g. {@code throughput-stateful-s10-10k-rocksdb-mini-eo}. */
    public String name() {
        return String.join(
                        "-",
                        kind.name().toLowerCase(Locale.ROOT),
                        setting.label(),
                        keysLabel(keys),
                        backend,
                        cluster,
                        delivery == DeliveryGuarantee.EXACTLY_ONCE ? "eo" : "alo")
                + (kind == Kind.LATENCY ? "-" + rateLabel() : "")
                + (gridInterval != null ? "-grid" + gridInterval.replace(" ", "") : "")
                + (horizon != 1 ? "-h" + horizon : "")
                + (intervals ? "-intervals" : "")
                + (models > 0 ? "-models" + models : "")
                + (sql ? "-sql" : "")
                + (hot ? "-hot" : "")
                + (binary ? "-binary" : "")
                + (DEFAULT_PROFILE.equals(profile) ? "" : "-" + profile)
                + (identity ? "-identity" : "");
    }

    /** {@code 5000}, {@code half}, {@code 25pct}. */
    String rateLabel() {
        return rate != 0 ? Long.toString(rate) : ratePercent == 50 ? "half" : ratePercent + "pct";
    }

    /**
     * True when {@code other} measured the same job on the same keys (for rates and ratios); the
     * profile aside, so that {@code rate=half} of a low-latency case is half of the same throughput
     * case as without it.
     */
    public boolean sameJob(BenchCase other) {
        return keys == other.keys
                && backend.equals(other.backend)
                && cluster.equals(other.cluster)
                && java.util.Objects.equals(gridInterval, other.gridInterval)
                && horizon == other.horizon
                && intervals == other.intervals
                && models == other.models
                && sql == other.sql
                && identity == other.identity
                && hot == other.hot
                && binary == other.binary;
    }

    /**
     * True when {@code other} is this case with the identity engine instead of the setting's: the
     * same kind, setting, job and keys (for the {@code setting / identity} ratio).
     */
    public boolean isIdentityOf(BenchCase other) {
        return identity
                && !other.identity
                && kind == other.kind
                && setting == other.setting
                && delivery == other.delivery
                && rate == other.rate
                && ratePercent == other.ratePercent
                && profile.equals(other.profile)
                && withIdentity().sameJob(other.withIdentity());
    }

    /** This case on the identity engine. */
    public BenchCase withIdentity() {
        return new BenchCase(
                kind,
                setting,
                keys,
                backend,
                cluster,
                delivery,
                rate,
                ratePercent,
                gridInterval,
                horizon,
                intervals,
                models,
                sql,
                true,
                hot,
                binary,
                profile);
    }

    /** Parses {@code kind:setting:keys[:option...]}. */
    public static BenchCase parse(String spec) {
        String[] t = spec.strip().split(":");
        if (t.length < 3) {
            throw new IllegalArgumentException(
                    "case '" + spec + "' must be kind:setting:keys[:option...]");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(t[0].strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "case '" + spec + "': kind must be throughput or latency, got '" + t[0] + "'");
        }
        BenchSetting setting = BenchSetting.parse(t[1]);
        int keys = parseKeys(t[2]);
        String backend = HASHMAP;
        String cluster = MINI;
        DeliveryGuarantee delivery = DeliveryGuarantee.EXACTLY_ONCE;
        long rate = 0;
        int percent = 50;
        boolean rateGiven = false;
        String grid = null;
        int horizon = 1;
        boolean intervals = false;
        int models = 0;
        boolean sql = false;
        boolean identity = false;
        boolean hot = false;
        boolean binary = false;
        String profile = DEFAULT_PROFILE;
        for (int i = 3; i < t.length; i++) {
            String o = t[i].strip().toLowerCase(Locale.ROOT);
            switch (o) {
                case HASHMAP, ROCKSDB -> backend = o;
                case MINI, STANDALONE -> cluster = o;
                case "exactly-once", "eo" -> delivery = DeliveryGuarantee.EXACTLY_ONCE;
                case "at-least-once", "alo" -> delivery = DeliveryGuarantee.AT_LEAST_ONCE;
                case "intervals" -> intervals = true;
                case "sql" -> sql = true;
                case "identity" -> identity = true;
                case "hot" -> hot = true;
                case "binary" -> binary = true;
                case LOW_LATENCY -> profile = LOW_LATENCY;
                default -> {
                    if (o.startsWith("h=")) {
                        try {
                            horizon = Integer.parseInt(o.substring(2).strip());
                        } catch (NumberFormatException e) {
                            horizon = 0;
                        }
                        if (horizon < 1) {
                            throw new IllegalArgumentException(
                                    "case '"
                                            + spec
                                            + "': "
                                            + o
                                            + " must be a horizon of at least 1");
                        }
                    } else if (o.startsWith("models=")) {
                        try {
                            models = parseKeys(o.substring(7));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(
                                    "case '"
                                            + spec
                                            + "': "
                                            + o
                                            + " must be a count of models of at least 1");
                        }
                    } else if (o.equals("grid")) {
                        grid = GRID_DEFAULT;
                    } else if (o.startsWith("grid=")) {
                        grid = o.substring(5).strip();
                        try {
                            org.apache.flink.util.TimeUtils.parseDuration(grid);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(
                                    "case '" + spec + "': grid=" + grid + " is not a duration");
                        }
                    } else if (o.startsWith("rate=")) {
                        String r = o.substring(5);
                        rateGiven = true;
                        if (r.equals("half")) {
                            percent = 50;
                        } else if (r.endsWith("%")) {
                            percent = parsePercent(spec, r);
                        } else {
                            rate = parseKeys(r);
                        }
                    } else {
                        throw new IllegalArgumentException(
                                "case '" + spec + "': unknown option '" + t[i] + "'");
                    }
                }
            }
        }
        if (models > keys) {
            throw new IllegalArgumentException(
                    "case '"
                            + spec
                            + "': models="
                            + models
                            + " is more than the "
                            + keys
                            + " keys");
        }
        if (sql
                && (kind != Kind.THROUGHPUT
                        || !cluster.equals(MINI)
                        || grid != null
                        || intervals
                        || models > 0)) {
            throw new IllegalArgumentException(
                    "case '"
                            + spec
                            + "': sql is a throughput case on the MiniCluster, without grid, models"
                            + " or intervals");
        }
        if (identity && setting.isBaseline()) {
            throw new IllegalArgumentException(
                    "case '"
                            + spec
                            + "': identity replaces the engine, and a baseline is its engine");
        }
        // (one key would leave one of the 2 partitions empty, holding the watermark back until
        // watermark.idleness; keys s000000-s000003 go to partitions 0, 1, 0, 1)
        if (hot
                && (kind != Kind.THROUGHPUT
                        || grid != null
                        || sql
                        || keys < 2
                        || keys > HOT_MAX_KEYS)) {
            throw new IllegalArgumentException(
                    "case '"
                            + spec
                            + "': hot is a throughput case of the DataStream job, without grid,"
                            + " for 2 to "
                            + HOT_MAX_KEYS
                            + " keys");
        }
        if (binary && sql) {
            throw new IllegalArgumentException(
                    "case '" + spec + "': binary points are for the DataStream job, not sql");
        }
        if (rateGiven && kind != Kind.LATENCY) {
            throw new IllegalArgumentException("case '" + spec + "': rate= is for latency cases");
        }
        return new BenchCase(
                kind,
                setting,
                keys,
                backend,
                cluster,
                delivery,
                rate,
                rate == 0 ? percent : 0,
                grid,
                horizon,
                intervals,
                models,
                sql,
                identity,
                hot,
                binary,
                profile);
    }

    private static int parsePercent(String spec, String r) {
        try {
            int p = Integer.parseInt(r.substring(0, r.length() - 1));
            if (p >= 1 && p <= 100) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "case '" + spec + "': rate=" + r + " must be 1% to 100% (or half, or points/s)");
    }

    /** {@code 1000}, {@code 1k}, {@code 10K}, {@code 1m}. */
    static int parseKeys(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        int mult = 1;
        if (s.endsWith("k")) {
            mult = 1_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            mult = 1_000_000;
            s = s.substring(0, s.length() - 1);
        }
        try {
            int v = Math.multiplyExact(Integer.parseInt(s), mult);
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a positive count: '" + text + "'");
        }
    }

    static String keysLabel(int keys) {
        if (keys >= 1_000_000 && keys % 1_000_000 == 0) {
            return keys / 1_000_000 + "m";
        }
        return keys >= 1_000 && keys % 1_000 == 0 ? keys / 1_000 + "k" : Integer.toString(keys);
    }

    /** The reduced matrix run by default (see docs/benchmarks.md for what it leaves out). */
    public static List<BenchCase> reducedMatrix() {
        return parseAll(
                List.of(
                        "throughput:window-s1:1k",
                        "throughput:baseline:1k",
                        "throughput:stateful-s10:10k",
                        "latency:stateful-s10:10k:at-least-once:rate=half",
                        "latency:stateful-s10:10k:at-least-once:rate=25%",
                        "latency:stateful-s10:10k:exactly-once:rate=half",
                        "throughput:window-s1:10k",
                        "throughput:baseline:10k",
                        "throughput:baseline-dl4j-b256-s1:10k",
                        "throughput:window-s10:10k",
                        "throughput:window-s10:1k",
                        "throughput:stateful-s10:1k",
                        "throughput:stateful-s10:10k:rocksdb",
                        "throughput:stateful-s10:4:hot",
                        "throughput:stateful-s10:4:hot:rocksdb",
                        "latency:window-s1:1k:at-least-once:rate=half",
                        "latency:window-s1:1k:at-least-once:rate=25%",
                        "throughput:stateful-s10:100k:rocksdb",
                        "throughput:stateful-s10:10k:standalone"));
    }

    /**
     * The full matrix of the issue: every setting at 1K, 10K and 100K keys on both backends, the
     * baseline at each key count, and latency for every setting at 10K keys (both guarantees at
     * half the measured rate, at-least-once also at a quarter), and 4 hot keys per setting on both
     * backends.
     */
    public static List<BenchCase> fullMatrix() {
        List<String> specs = new ArrayList<>();
        for (String keys : List.of("1k", "10k", "100k")) {
            for (String backend : List.of(HASHMAP, ROCKSDB)) {
                for (BenchSetting s : BenchSetting.values()) {
                    if (s.isBaseline() && backend.equals(ROCKSDB)) {
                        continue;
                    }
                    specs.add("throughput:" + s.label() + ":" + keys + ":" + backend);
                }
            }
        }
        for (BenchSetting s :
                List.of(
                        BenchSetting.WINDOW_S1,
                        BenchSetting.WINDOW_S10,
                        BenchSetting.STATEFUL_S10)) {
            specs.add("latency:" + s.label() + ":10k:at-least-once:rate=half");
            specs.add("latency:" + s.label() + ":10k:at-least-once:rate=25%");
            specs.add("latency:" + s.label() + ":10k:exactly-once:rate=half");
        }
        for (String backend : List.of(HASHMAP, ROCKSDB)) {
            for (BenchSetting s :
                    List.of(
                            BenchSetting.WINDOW_S1,
                            BenchSetting.WINDOW_S10,
                            BenchSetting.STATEFUL_S10)) {
                specs.add("throughput:" + s.label() + ":4:hot:" + backend);
            }
        }
        specs.add("throughput:stateful-s10:10k:standalone");
        specs.add("throughput:window-s1:10k:standalone");
        return parseAll(specs);
    }

    static List<BenchCase> parseAll(List<String> specs) {
        return specs.stream().map(BenchCase::parse).toList();
    }
}
