package io.forecaster.cli.demo;

import io.forecaster.broker.EmbeddedKafkaBroker;
import io.forecaster.broker.Topics;
import io.forecaster.cli.CliErrors;
import io.forecaster.cli.kafka.Accuracy;
import io.forecaster.cli.kafka.AccuracyRecords;
import io.forecaster.cli.kafka.FileReplayer;
import io.forecaster.cli.kafka.Pace;
import io.forecaster.cli.kafka.Progress;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.flink.KafkaOptions;
import io.forecaster.connectors.wire.AccuracyCodec;
import io.forecaster.connectors.wire.ForecastCodec;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.job.ForecastOptions;
import io.forecaster.job.ForecastRunner;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one-command demo: an embedded Kafka broker and a Flink MiniCluster (web UI on 127.0.0.1:8081)
 * run the real job with a committed model over the part of a shared data set the model never saw,
 * forecasting H steps ahead with prediction intervals, while a live table shows each station's last
 * value, next forecast, running MAE against the last-value baseline and the job's interval
 * coverage. At the end it writes a PNG plot (actual values, forecast fans and interval bands) and a
 * text summary, and stops everything (Ctrl-C too).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the forecaster end to end on this machine: embedded Kafka, a Flink MiniCluster "
                    + "with its web UI, the committed model, a replay of unseen data, a live "
                    + "accuracy table, and a plot and summary at the end."
        })
public final class DemoCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            defaultValue = "wind",
            description =
                    "Data set: wind (12 Irish stations), sunspots, or your own CSV or JSON-lines"
                        + " FILE (long key,time,value or a single series, columns guessed as replay"
                        + " guesses them; needs --model; the last 30%% of each key is replayed)"
                        + " (default: ${DEFAULT-VALUE}).")
    String dataName;

    private DemoData.Kind data;

    @Option(
            names = "--seconds",
            defaultValue = "60",
            description = "Replay the data in about this many seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--follow",
            description = "Keep the broker and the job running after the replay, until Ctrl-C.")
    boolean follow;

    @Option(
            names = "--out",
            description = "Folder for the plot and summary (default: demo-output/<data>-<time>).")
    Path out;

    @Option(
            names = "--model",
            description = "Model bundle (default: the committed one for --data).")
    Path model;

    @Option(
            names = "--engine",
            defaultValue = "fast",
            description =
                    "Inference engine: fast, dl4j or onnx (ONNX bundles; default:"
                            + " ${DEFAULT-VALUE}).")
    String engine;

    @Option(
            names = "--mode",
            defaultValue = "window",
            description = "window or stateful (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(
            names = "--horizon",
            defaultValue = "10",
            description =
                    "Forecast this many steps ahead (forecast.horizon; default:"
                            + " ${DEFAULT-VALUE}).")
    int horizon;

    @Option(
            names = "--levels",
            defaultValue = "0.8,0.95",
            description =
                    "Prediction-interval levels (forecast.interval-levels); empty: no intervals"
                            + " (default: ${DEFAULT-VALUE}).")
    String levels;

    private double[] intervalLevels;

    @Option(
            names = "--ui-port",
            defaultValue = "8081",
            description = "Flink web UI port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int uiPort;

    @Option(
            names = "--shared-data",
            defaultValue = "../shared/data",
            description = "Folder of the shared data sets (default: ${DEFAULT-VALUE}).")
    Path sharedData;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    /**
     * Checks the options and input files (usage errors), then that the web UI port is free (a
     * failure if not), then runs; anything failing from then on is a failure while running.
     */
    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        Path dataFile = null;
        try {
            data = DemoData.Kind.valueOf(dataName.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            dataFile = Path.of(dataName);
            if (!java.nio.file.Files.isRegularFile(dataFile)) {
                throw CliErrors.usage(
                        spec,
                        "--data",
                        "'" + dataName + "' must be wind, sunspots or a CSV or JSON-lines file");
            }
            if (model == null) {
                throw CliErrors.usage(
                        spec, "--model", "is needed with --data FILE (a bundle made by train)");
            }
        }
        CliErrors.above(spec, "--seconds", seconds, 0);
        if (!Engines.names().contains(engine)) {
            throw CliErrors.usage(
                    spec,
                    "--engine",
                    "unknown engine '" + engine + "'; choose one of " + Engines.names());
        }
        if (!mode.equals("window") && !mode.equals("stateful")) {
            throw CliErrors.usage(spec, "--mode", "'" + mode + "' must be window or stateful");
        }
        CliErrors.atLeast(spec, "--horizon", horizon, 1);
        intervalLevels =
                CliErrors.option(
                        spec,
                        "--levels",
                        () -> {
                            double[] l = ForecastOptions.parseLevels(levels);
                            for (double level : l) {
                                if (!(level > 0 && level < 1)) {
                                    throw new IllegalArgumentException(
                                            "'" + levels + "' must list levels between 0 and 1");
                                }
                            }
                            return l;
                        });
        if (uiPort < 1 || uiPort > 65535) {
            throw CliErrors.usage(spec, "--ui-port", "'" + uiPort + "' must be in 1-65535");
        }
        Path root = Path.of("").toAbsolutePath();
        Path modelFile = model != null ? model : root.resolve(data.model);
        CliErrors.inputFile(spec, "--model", modelFile);
        if (dataFile == null) {
            CliErrors.inputFile(spec, "--shared-data", sharedData.resolve(data.file));
        }
        CliErrors.portFree("--ui-port", uiPort);
        ModelBundle bundle = CliErrors.option(spec, "--model", () -> ModelBundle.load(modelFile));
        int window = bundle.metadata().windowSize();
        Path userFile = dataFile;
        DemoData d =
                userFile != null
                        ? CliErrors.option(
                                spec,
                                "--data",
                                () ->
                                        DemoData.loadFile(
                                                userFile, modelFile.toAbsolutePath(), window))
                        : CliErrors.option(
                                spec,
                                "--shared-data",
                                () -> DemoData.load(data, sharedData, root, window));
        Path modelPath = model != null ? model.toAbsolutePath() : d.model();
        if (out == null) {
            out =
                    root.resolve("demo-output")
                            .resolve(
                                    d.name()
                                            + "-"
                                            + LocalDateTime.now()
                                                    .format(
                                                            DateTimeFormatter.ofPattern(
                                                                    "yyyyMMdd-HHmmss")));
        }
        Files.createDirectories(out);
        Thread hook = new Thread(this::onCtrlC, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            run(console, d, bundle, modelPath);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for us.
            }
        }
        return 0;
    }

    private void onCtrlC() {
        stopping.set(true);
        try {
            finished.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(PrintWriter console, DemoData d, ModelBundle bundle, Path modelPath)
            throws Exception {
        console.printf(
                "demo: %s, model %s (%s engine, %s mode, window %d, horizon %d%s), %,d points of"
                        + " %d keys%n",
                d.name(),
                modelPath,
                engine,
                mode,
                bundle.metadata().windowSize(),
                horizon,
                intervalLevels.length == 0 ? "" : ", intervals " + levelLabels(),
                d.points().size(),
                d.byKey().size());
        console.println("demo: starting the embedded Kafka broker ...");
        console.flush();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            String points = "sensor-points";
            String forecasts = "forecasts";
            String deadLetters = "dead-letters";
            String accuracyTopic = "accuracy";
            Topics.create(bootstrap, points, 2, Map.of());
            Topics.create(bootstrap, forecasts, 2, Map.of());
            Topics.create(bootstrap, deadLetters, 1, Map.of());
            Topics.create(bootstrap, accuracyTopic, 2, Map.of());

            Map<String, String> raw = new HashMap<>();
            raw.put(ForecastOptions.MODEL_PATH.key(), modelPath.toString());
            raw.put(ForecastOptions.ENGINE.key(), engine);
            raw.put(ForecastOptions.MODE.key(), mode);
            raw.put(
                    ForecastOptions.WINDOW_SIZE.key(),
                    Integer.toString(bundle.metadata().windowSize()));
            raw.put(ForecastOptions.HORIZON.key(), Integer.toString(horizon));
            if (intervalLevels.length > 0) {
                raw.put(ForecastOptions.INTERVAL_LEVELS.key(), levels);
            }
            raw.put(ForecastOptions.CHECKPOINT_INTERVAL.key(), "1s");
            // A one-key data set leaves a partition without data: let the watermark pass it soon.
            raw.put(ForecastOptions.IDLENESS.key(), "2s");
            raw.put("kafka.bootstrap.servers", bootstrap);
            raw.put("kafka.points.topic", points);
            raw.put("kafka.forecasts.topic", forecasts);
            raw.put("kafka.dead-letters.topic", deadLetters);
            raw.put(KafkaOptions.ACCURACY_TOPIC.key(), accuracyTopic);
            // a record about every ten points of a key, whatever the horizon
            raw.put(ForecastOptions.ACCURACY_EVERY.key(), Integer.toString(10 * horizon));
            ForecastOptions options = ForecastOptions.fromMap(raw);

            Configuration conf = ForecastRunner.jobConfiguration();
            conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            conf.set(RestOptions.ADDRESS, "127.0.0.1");
            conf.set(RestOptions.PORT, uiPort);
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            env.setParallelism(2);
            ForecastRunner.checkModel(options);
            ForecastRunner.build(env, options);
            JobClient job = env.executeAsync("forecaster-demo");
            console.printf(
                    "demo: Flink job %s running, web UI http://127.0.0.1:%d%n",
                    job.getJobID(), uiPort);
            console.flush();
            try {
                stream(
                        console,
                        d,
                        bundle.metadata().windowSize(),
                        bootstrap,
                        points,
                        forecasts,
                        accuracyTopic);
            } finally {
                console.println("demo: stopping the job and the broker ...");
                console.flush();
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("cancelling the demo job failed", e);
                }
                env.close();
            }
        }
        console.println("demo: done, nothing left running.");
        console.flush();
    }

    /** Replays the points while reading forecasts, drawing the table; then writes the report. */
    private void stream(
            PrintWriter console,
            DemoData d,
            int window,
            String bootstrap,
            String pointsTopic,
            String forecastsTopic,
            String accuracyTopic)
            throws Exception {
        FileReplayer replayer = new FileReplayer();
        AtomicReference<FileReplayer.Result> replayed = new AtomicReference<>();
        double rate = Math.max(1, d.points().size() / Math.max(1.0, seconds));
        Thread replay =
                new Thread(
                        () ->
                                replayed.set(
                                        replayer.replay(
                                                d.points(),
                                                new FileReplayer.Options(
                                                        bootstrap,
                                                        pointsTopic,
                                                        PointFormat.JSON,
                                                        Pace.rate(rate),
                                                        1,
                                                        true,
                                                        FileReplayer.RecordTime.SEND),
                                                Progress.none())),
                        "demo-replay");
        replay.setDaemon(true);
        replay.start();

        Accuracy accuracy = new Accuracy();
        d.points().forEach(accuracy::point);
        Map<String, TreeMap<Long, Double>> values = new HashMap<>();
        d.points()
                .forEach(
                        p ->
                                values.computeIfAbsent(p.sensorId(), k -> new TreeMap<>())
                                        .put(p.eventTime(), p.value()));
        Map<String, LiveTable.Latest> latest = new LinkedHashMap<>();
        d.byKey()
                .keySet()
                .forEach(k -> latest.put(k, new LiveTable.Latest(Double.NaN, Double.NaN, 0)));
        Map<String, List<Accuracy.Scored>> scored = new LinkedHashMap<>();
        d.byKey().keySet().forEach(k -> scored.put(k, new ArrayList<>()));
        AccuracyRecords live = new AccuracyRecords();
        LiveTable table = new LiveTable(console, System.console() != null, intervalLevels);
        int expected = "window".equals(mode) ? d.expectedForecasts(window) : d.points().size();
        long received = 0;
        long t0 = System.nanoTime();
        long lastDraw = 0;
        long lastForecastAt = 0;
        long replayDoneAt = 0;

        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerProperties(bootstrap))) {
            consumer.subscribe(List.of(forecastsTopic, accuracyTopic));
            while (!stopping.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(accuracyTopic)) {
                        live.add(AccuracyCodec.fromJson(r.value()));
                        continue;
                    }
                    Forecast f = ForecastCodec.read(r.value());
                    received++;
                    lastForecastAt = System.nanoTime();
                    LiveTable.Latest l = latest.get(f.sensorId());
                    Map.Entry<Long, Double> at = values.get(f.sensorId()).floorEntry(f.windowEnd());
                    double last = at == null ? Double.NaN : at.getValue();
                    latest.put(
                            f.sensorId(),
                            new LiveTable.Latest(
                                    last, f.next(), l == null ? 1 : l.forecasts() + 1));
                    for (Accuracy.Scored s : accuracy.forecast(f)) {
                        scored.computeIfAbsent(s.forecast().sensorId(), k -> new ArrayList<>())
                                .add(s);
                    }
                }
                long now = System.nanoTime();
                boolean replayDone = replayed.get() != null;
                if (replayDone && replayDoneAt == 0) {
                    replayDoneAt = now;
                }
                if (now - lastDraw > (table.terminal() ? 1_000_000_000L : 10_000_000_000L)) {
                    lastDraw = now;
                    table.draw(
                            String.format(
                                    "forecaster demo: %s, %.0f s, web UI http://127.0.0.1:%d",
                                    d.name(), (now - t0) / 1e9, uiPort),
                            latest,
                            accuracy,
                            live,
                            String.format(
                                    "forecasts %,d of %,d expected; replay %s",
                                    received, expected, replayDone ? "finished" : "running"));
                }
                // Done: every window forecast (the last point of each key waits for a watermark
                // that only a later point would move), or nothing new for 15 s after the replay.
                if (replayDone
                        && !follow
                        && (received >= expected - d.byKey().size()
                                || now - Math.max(lastForecastAt, replayDoneAt)
                                        > 15_000_000_000L)) {
                    break;
                }
            }
        } finally {
            replayer.stop();
        }
        table.draw(
                String.format(
                        "forecaster demo: %s, finished after %.0f s",
                        d.name(), (System.nanoTime() - t0) / 1e9),
                latest,
                accuracy,
                live,
                String.format("forecasts %,d of %,d expected", received, expected));
        String header =
                String.format(
                        "forecaster demo on %s: %,d points of %d keys replayed, %,d forecasts,"
                            + " model %s (%s engine, %s mode)%nMAE of next-step forecasts against"
                            + " the actual next point, next to the last-value baseline:",
                        d.name(),
                        replayed.get() == null ? 0 : replayed.get().sent(),
                        d.byKey().size(),
                        received,
                        d.model().getFileName(),
                        engine,
                        mode);
        String jobHeader =
                String.format(
                        "%nThe job's live accuracy (accuracy topic, latest record per key): MAE"
                                + " %s, the last-value baseline on the same steps, and the share"
                                + " of actual values inside each interval:",
                        horizon == 1
                                ? "of the next-step forecasts"
                                : "over all " + horizon + " forecast steps");
        Path summary = DemoReport.summary(out, header, accuracy, jobHeader, live, intervalLevels);
        Path png = DemoReport.plot(out, d.name(), scored, d.byKey(), horizon);
        console.printf("demo: summary %s%n", summary);
        if (png != null) {
            console.printf("demo: plot %s%n", png);
        }
        console.flush();
    }

    private String levelLabels() {
        List<String> l = new ArrayList<>();
        for (double level : intervalLevels) {
            l.add(AccuracyRecords.label(level));
        }
        return String.join(", ", l);
    }

    private static Properties consumerProperties(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "forecaster-demo");
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.setProperty(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        return p;
    }
}
