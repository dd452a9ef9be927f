package io.forecaster.training.train;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.training.NetworkFactory;
import io.forecaster.training.data.WindowDataset;
import io.forecaster.training.data.Windows;
import io.forecaster.training.eval.Evaluator;
import io.forecaster.training.eval.NetworkPredictor;
import io.forecaster.training.eval.ValidationScore;
import io.forecaster.training.fast.FastFitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the forecaster on windows of the training ranges before their validation slices (the
 * course's recipe by default, see {@link TrainingOptions#COURSE}), scores the validation slices
 * after every epoch, and keeps the weights with the best validation MAE; stops early after {@code
 * patience} epochs without improvement, or when the time limit is reached. The test points (from
 * each split on) are scored once, with the kept weights, and never used for selection.
 *
 * <p>The weight updates run on a {@link Backend}: DL4J's {@code fit}, or the fast trainer ({@link
 * FastFitter}), which computes the same loss and gradients in plain Java and starts from the same
 * DL4J-initialised weights on the same batches.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainingOptions options;
    private final TrainingListener listener;
    private final Backend backend;
    private final int threads;

    /** A trainer on DL4J. */
    public Trainer(TrainingOptions options, TrainingListener listener) {
        this(options, listener, Backend.DL4J, 1);
    }

    /**
     * A trainer on {@code backend}; {@code threads} is how many threads the fast backend splits
     * each batch over (DL4J's threads are its OpenMP setting).
     */
    public Trainer(
            TrainingOptions options, TrainingListener listener, Backend backend, int threads) {
        this.options = options;
        this.listener = listener == null ? TrainingListener.NONE : listener;
        this.backend = backend;
        this.threads = threads;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (backend == Backend.FAST && !FastFitter.available()) {
            throw new IllegalArgumentException(
                    "the fast trainer needs the Vector API: run java with --add-modules"
                            + " jdk.incubator.vector, or use the dl4j trainer");
        }
        if (backend == Backend.FAST && !Backend.FAST.supports(options.optimizer())) {
            throw new IllegalArgumentException(
                    "the fast trainer has no "
                            + options.optimizer().name().toLowerCase(java.util.Locale.ROOT)
                            + " optimiser; use adam or sgd, or the dl4j trainer");
        }
    }

    /** The learning rate of epoch 0 as the network sees it (see {@link Optimizer}). */
    private double initialLearningRate() {
        double lr = options.learningRate();
        if (options.optimizer().gradientScaled()) {
            lr /= options.window();
        }
        return lr;
    }

    /**
     * The network built for training with these options (updater, schedule, Huber loss), in NCW
     * layout (see {@link NetworkFactory#build(HyperParams, long,
     * org.nd4j.linalg.learning.config.IUpdater, org.nd4j.linalg.lossfunctions.ILossFunction,
     * RNNFormat)}).
     */
    MultiLayerNetwork newNetwork(HyperParams hp) {
        double lr = initialLearningRate();
        ISchedule schedule = new ExponentialSchedule(ScheduleType.EPOCH, lr, options.lrDecay());
        return NetworkFactory.build(
                hp,
                options.seed(),
                options.optimizer().updater(schedule, options.momentum()),
                new HuberLoss(options.huberDelta()),
                RNNFormat.NCW);
    }

    /**
     * Trains a fresh network of architecture {@code hp} with input scaling {@code scaling}; the
     * result holds an NWC network ({@code [batch, time, 1]}) with the best weights.
     */
    public TrainingResult train(HyperParams hp, Scaling scaling, TrainingData data) {
        return train(hp, scaling, data, 0);
    }

    /**
     * Trains on the windows before each series' validation slice, selects the epoch by the
     * validation slices' MAE, then scores the kept weights once on the test points (with the
     * seasonal-naive baseline of {@code season} steps, 0 = none).
     */
    public TrainingResult train(HyperParams hp, Scaling scaling, TrainingData data, int season) {
        MultiLayerNetwork net = newNetwork(hp);
        try (FastFitter fast = backend == Backend.FAST ? fastFitter(hp, net) : null) {
            return train(hp, scaling, data, season, net, fast);
        }
    }

    private FastFitter fastFitter(HyperParams hp, MultiLayerNetwork net) {
        FastFitter.Rule rule =
                switch (options.optimizer()) {
                    case ADAM -> FastFitter.Rule.ADAM;
                    case SGD ->
                            options.momentum() > 0
                                    ? FastFitter.Rule.NESTEROVS
                                    : FastFitter.Rule.SGD;
                    default -> throw new IllegalStateException("checked in the constructor");
                };
        // the same initial weights as the DL4J network (DL4J's initialisation from the seed)
        return new FastFitter(
                hp,
                io.forecaster.training.Dl4jBundles.params(net),
                options.window(),
                options.batchSize(),
                rule,
                initialLearningRate(),
                options.momentum(),
                options.lrDecay(),
                options.huberDelta(),
                threads,
                options.target());
    }

    /**
     * The validation figures of the network's weights on the fast engine (what serves the bundle),
     * which scores the slices in a tenth of DL4J's time.
     */
    private Map<String, ValidationScore> fastScores(
            HyperParams hp,
            Scaling scaling,
            MultiLayerNetwork net,
            Map<String, double[]> validated,
            Map<String, Integer> valStarts) {
        BundleMetadata meta =
                new BundleMetadata(
                                ModelBundle.FORMAT_VERSION,
                                "training",
                                hp,
                                options.window(),
                                "window",
                                scaling,
                                "",
                                "training",
                                Map.of(),
                                "")
                        .withTarget(options.target());
        try (Predictor p =
                Engines.open(
                        Engines.FAST,
                        new ModelBundle(meta, io.forecaster.training.Dl4jBundles.params(net)))) {
            return new Evaluator(p, options.window()).scoreAll(validated, valStarts);
        }
    }

    private TrainingResult train(
            HyperParams hp,
            Scaling scaling,
            TrainingData data,
            int season,
            MultiLayerNetwork net,
            FastFitter fast) {
        int w = options.window();
        List<float[]> windows = new ArrayList<>();
        Map<String, double[]> validated = new LinkedHashMap<>();
        Map<String, Integer> valStarts = new LinkedHashMap<>();
        Map<String, double[]> tested = new LinkedHashMap<>();
        Map<String, Integer> splits = new LinkedHashMap<>();
        data.series()
                .forEach(
                        (key, raw) -> {
                            int split = data.splits().get(key);
                            int end = data.trainEnds().get(key);
                            int valStart = data.valStarts().get(key);
                            double[] scaled = new double[valStart];
                            for (int i = 0; i < valStart; i++) {
                                scaled[i] = scaling.toModel(raw[i]);
                            }
                            windows.addAll(Windows.of(scaled, 0, valStart, w, options.stride()));
                            // a slice right after a restart is scored from its W-th slot on
                            int scoredFrom = Math.max(valStart, w);
                            if (valStart < end && scoredFrom < end) {
                                validated.put(key, java.util.Arrays.copyOf(raw, end));
                                valStarts.put(key, scoredFrom);
                            }
                            if (split >= w && split < raw.length) {
                                tested.put(key, raw);
                                splits.put(key, split);
                            }
                        });
        if (windows.isEmpty()) {
            throw new IllegalArgumentException(
                    "no training window of " + (w + 1) + " points before the validation slices");
        }
        WindowDataset dataset =
                new WindowDataset(
                        windows,
                        options.batchSize(),
                        options.shuffleBuffer(),
                        options.seed(),
                        RNNFormat.NCW,
                        options.target());
        Evaluator evaluator =
                new Evaluator(
                        new NetworkPredictor(net, scaling, RNNFormat.NCW, options.target()), w);
        LOG.info(
                "training on {} windows of {} steps ({} batches/epoch), validating {} series,"
                        + " testing {}",
                dataset.size(),
                w,
                dataset.batchesPerEpoch(),
                validated.size(),
                tested.size());

        List<EpochStats> history = new ArrayList<>();
        long start = System.nanoTime();
        double bestMae = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        INDArray bestParams = null;
        Map<String, ValidationScore> bestScores = Map.of();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            double lr =
                    fast != null
                            ? fast.learningRate()
                            : net.getLayerWiseConfigurations().getConf(0).getLayer()
                                            instanceof
                                            org.deeplearning4j.nn.conf.layers.BaseLayer layer
                                    ? layer.getIUpdater().getLearningRate(0, net.getEpochCount())
                                    : Double.NaN;
            double lossSum = 0;
            long steps = 0;
            if (fast != null) {
                for (Iterator<float[][]> it = dataset.epochWindows(); it.hasNext(); ) {
                    float[][] batch = it.next();
                    // the same score as DL4J's: summed over time steps, averaged over the batch
                    lossSum += fast.fit(batch, batch.length) * batch.length;
                    steps += (long) batch.length * w;
                }
                fast.endEpoch();
                float[] p = fast.params();
                // the network validates, and the listener sees, the fast trainer's weights
                net.setParams(Nd4j.createFromArray(p).reshape(1, p.length));
            } else {
                for (Iterator<DataSet> it = dataset.epoch(); it.hasNext(); ) {
                    DataSet batch = it.next();
                    net.fit(batch);
                    long n = batch.getFeatures().size(0);
                    // DL4J's score sums the loss over time steps and averages over the batch
                    lossSum += net.score() * n;
                    steps += n * w;
                }
            }
            net.incrementEpochCount();
            Map<String, ValidationScore> scores =
                    validated.isEmpty()
                            ? Map.of()
                            : fast != null
                                    ? fastScores(hp, scaling, net, validated, valStarts)
                                    : evaluator.scoreAll(validated, valStarts);
            ValidationScore overall =
                    scores.isEmpty() ? null : ValidationScore.pooled(scores.values());
            boolean best = overall != null && overall.mae() < bestMae;
            if (best) {
                bestMae = overall.mae();
                bestEpoch = epoch;
                bestParams = net.params().dup();
                bestScores = scores;
            }
            long now = System.nanoTime();
            EpochStats stats =
                    new EpochStats(
                            epoch,
                            options.epochs(),
                            lossSum / steps,
                            lr,
                            overall,
                            best,
                            Duration.ofNanos(now - start),
                            Duration.ofNanos(now - epochStart));
            history.add(stats);
            listener.onEpoch(stats, net);
            if (!Double.isFinite(stats.loss())) {
                LOG.warn("loss is {} at epoch {}: stopping", stats.loss(), epoch);
                break;
            }
            if (options.patience() > 0
                    && bestEpoch > 0
                    && epoch - bestEpoch >= options.patience()) {
                LOG.info("no better validation MAE for {} epochs: stopping", options.patience());
                break;
            }
            if (options.timeLimit() != null
                    && stats.elapsed().compareTo(options.timeLimit()) >= 0) {
                LOG.info("time limit {} reached: stopping", options.timeLimit());
                break;
            }
        }
        if (bestParams == null) {
            bestParams = net.params();
            bestEpoch = history.size();
        }
        MultiLayerNetwork trained = NetworkFactory.build(hp, options.seed());
        trained.setParams(bestParams);
        Map<String, ValidationScore> test =
                tested.isEmpty()
                        ? Map.of()
                        : new Evaluator(
                                        new NetworkPredictor(
                                                trained, scaling, RNNFormat.NWC, options.target()),
                                        w,
                                        season)
                                .scoreAll(tested, splits);
        return new TrainingResult(
                trained,
                scaling,
                bestEpoch,
                bestScores,
                test,
                List.copyOf(history),
                Duration.ofNanos(System.nanoTime() - start));
    }
}
