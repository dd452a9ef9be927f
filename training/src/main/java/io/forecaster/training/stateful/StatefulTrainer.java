package io.forecaster.training.stateful;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Stepper;
import io.forecaster.training.Dl4jBundles;
import io.forecaster.training.NetworkFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the seed network for the stateful mode, as a Keras {@code stateful=True} model is trained:
 * the training split is one sequence (or {@code streams} contiguous pieces of it side by side), cut
 * into segments of {@code segment} steps; DL4J's truncated back-propagation through time carries
 * the LSTM states from each segment into the next and resets them each epoch. Like Keras' causal
 * Conv1D under stateful training, the convolution zero-pads the first kernelSize-1 steps of every
 * segment; stepped inference gives it the real previous points.
 *
 * <p>Every {@code evalEvery} epochs the model is scored by {@link SteppedEvaluation} (stepped
 * through the training split, then forecasting the validation split) and the best weights are kept,
 * as the windowed trainer's checkpointing does.
 */
public final class StatefulTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(StatefulTrainer.class);

    /**
     * Training options.
     *
     * @param hp the architecture
     * @param seed weight-initialisation seed
     * @param segment truncated-BPTT length, steps
     * @param streams contiguous pieces of the training split trained side by side (batch size)
     * @param epochs passes over the training split
     * @param learningRate Adam's learning rate
     * @param evalEvery epochs between stepped validation scores
     * @param timeLimit stop after this long (the best weights so far are kept)
     */
    public record Options(
            HyperParams hp,
            long seed,
            int segment,
            int streams,
            int epochs,
            double learningRate,
            int evalEvery,
            Duration timeLimit) {

        public static Options defaults() {
            return new Options(HyperParams.SEED, 42L, 60, 1, 300, 1e-3, 5, Duration.ofMinutes(30));
        }

        public Options {
            if (segment < 1 || streams < 1 || epochs < 1 || evalEvery < 1) {
                throw new IllegalArgumentException(
                        "segment, streams, epochs and evalEvery must be at least 1, got "
                                + segment
                                + ", "
                                + streams
                                + ", "
                                + epochs
                                + ", "
                                + evalEvery);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException(
                        "learningRate must be positive, got " + learningRate);
            }
        }
    }

    /** The trained bundle and its figures. */
    public record Result(ModelBundle bundle, double valMae, double baselineMae, int bestEpoch) {}

    private StatefulTrainer() {}

    /**
     * Trains on {@code series[0, split)} and validates by stepping into {@code series[split, n)}.
     *
     * @param source how the model was made, recorded in the bundle
     */
    public static Result train(
            float[] series,
            int split,
            Options o,
            String modelId,
            String dataSha256,
            String source) {
        if (split < 2 || split >= series.length) {
            throw new IllegalArgumentException(
                    "split must be in [2, " + series.length + "), got " + split);
        }
        int len = (split - 1) / o.streams();
        if (len < 1) {
            throw new IllegalArgumentException(
                    o.streams()
                            + " streams leave no steps of a "
                            + split
                            + "-point training split");
        }
        MultiLayerNetwork net = ncwNetwork(o);

        float[] in = new float[o.streams() * len];
        float[] label = new float[o.streams() * len];
        for (int s = 0; s < o.streams(); s++) {
            System.arraycopy(series, s * len, in, s * len, len);
            System.arraycopy(series, s * len + 1, label, s * len, len);
        }
        DataSet data =
                new DataSet(
                        Nd4j.create(in, new long[] {o.streams(), 1, len}, 'c'),
                        Nd4j.create(label, new long[] {o.streams(), 1, len}, 'c'));

        double baseline = SteppedEvaluation.lastValueMae(series, split);
        Instant deadline = Instant.now().plus(o.timeLimit());
        float[] best = null;
        double bestMae = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            net.fit(data);
            boolean last = epoch == o.epochs() || Instant.now().isAfter(deadline);
            if (epoch % o.evalEvery() == 0 || last) {
                float[] params = Dl4jBundles.params(net);
                double mae = score(params, series, split, o, modelId);
                LOG.info(
                        "epoch {}: training score {}, stepped validation MAE {} (best {})",
                        epoch,
                        net.score(),
                        mae,
                        Math.min(mae, bestMae));
                if (mae < bestMae) {
                    bestMae = mae;
                    best = params;
                    bestEpoch = epoch;
                }
            }
            if (last) {
                break;
            }
        }
        Map<String, Double> evaluation = new LinkedHashMap<>();
        evaluation.put("val_mae", bestMae);
        evaluation.put("baseline_mae", baseline);
        evaluation.put("val_points", (double) (series.length - split));
        evaluation.put("split", (double) split);
        evaluation.put("checkpoint_epoch", (double) bestEpoch);
        BundleMetadata meta = metadata(o, modelId, dataSha256, source, evaluation);
        return new Result(new ModelBundle(meta, best), bestMae, baseline, bestEpoch);
    }

    /**
     * Trains on several sequences, each stepped from the zero state: the stretches of a time grid
     * between two restarts, which the job also starts from the zero state. Each epoch fits every
     * sequence's training part {@code [0, trainEnds[i])} in turn, as its own truncated-BPTT
     * sequence (the LSTM state is cleared between them, as at a restart); the stepped validation
     * scores every sequence's points from {@code splits[i]} on, stepping it from its first point. A
     * sequence with fewer than 2 training points trains nothing; one with {@code splits[i] >=
     * length} validates nothing.
     *
     * @param source how the model was made, recorded in the bundle
     * @param evaluation extra figures for the bundle's metadata (the split the data was cut at)
     */
    public static Result trainSequences(
            java.util.List<float[]> sequences,
            int[] trainEnds,
            int[] splits,
            Options o,
            String modelId,
            String dataSha256,
            String source,
            Map<String, Double> evaluation) {
        if (sequences.size() != trainEnds.length || sequences.size() != splits.length) {
            throw new IllegalArgumentException("one training end and one split per sequence");
        }
        java.util.List<DataSet> parts = new java.util.ArrayList<>();
        int validated = 0;
        for (int i = 0; i < sequences.size(); i++) {
            float[] s = sequences.get(i);
            int len = Math.min(trainEnds[i], s.length) - 1;
            if (len >= 1) {
                parts.add(
                        new DataSet(
                                Nd4j.create(
                                        Arrays.copyOfRange(s, 0, len), new long[] {1, 1, len}, 'c'),
                                Nd4j.create(
                                        Arrays.copyOfRange(s, 1, len + 1),
                                        new long[] {1, 1, len},
                                        'c')));
            }
            if (splits[i] >= 1 && splits[i] < s.length) {
                validated += s.length - splits[i];
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no sequence has 2 points to train on");
        }
        if (validated == 0) {
            throw new IllegalArgumentException("no sequence has points to validate");
        }
        MultiLayerNetwork net = ncwNetwork(o);
        double baseline = 0;
        for (int i = 0; i < sequences.size(); i++) {
            float[] s = sequences.get(i);
            if (splits[i] >= 1 && splits[i] < s.length) {
                baseline += SteppedEvaluation.lastValueMae(s, splits[i]) * (s.length - splits[i]);
            }
        }
        baseline /= validated;
        Instant deadline = Instant.now().plus(o.timeLimit());
        float[] best = null;
        double bestMae = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            for (DataSet part : parts) {
                net.fit(part);
            }
            boolean last = epoch == o.epochs() || Instant.now().isAfter(deadline);
            if (epoch % o.evalEvery() == 0 || last) {
                float[] params = Dl4jBundles.params(net);
                double mae = score(params, sequences, splits, validated, o, modelId);
                LOG.info(
                        "epoch {}: stepped validation MAE {} over {} sequences (best {})",
                        epoch,
                        mae,
                        sequences.size(),
                        Math.min(mae, bestMae));
                if (mae < bestMae) {
                    bestMae = mae;
                    best = params;
                    bestEpoch = epoch;
                }
            }
            if (last) {
                break;
            }
        }
        Map<String, Double> eval = new LinkedHashMap<>();
        eval.put("val_mae", bestMae);
        eval.put("baseline_mae", baseline);
        eval.put("val_points", (double) validated);
        eval.putAll(evaluation);
        eval.put("checkpoint_epoch", (double) bestEpoch);
        BundleMetadata meta = metadata(o, modelId, dataSha256, source, eval);
        return new Result(new ModelBundle(meta, best), bestMae, baseline, bestEpoch);
    }

    private static double score(
            float[] params,
            java.util.List<float[]> sequences,
            int[] splits,
            int validated,
            Options o,
            String modelId) {
        ModelBundle b =
                new ModelBundle(
                        metadata(o, modelId, null, "training", Map.of()),
                        Arrays.copyOf(params, params.length));
        double sum = 0;
        try (Stepper s = Engines.openStepper(Engines.FAST, b)) {
            for (int i = 0; i < sequences.size(); i++) {
                float[] seq = sequences.get(i);
                if (splits[i] >= 1 && splits[i] < seq.length) {
                    sum += SteppedEvaluation.mae(s, seq, splits[i]) * (seq.length - splits[i]);
                }
            }
        }
        return sum / validated;
    }

    /**
     * The network of {@link NetworkFactory} with every layer switched to the NCW format: DL4J's
     * truncated BPTT splits sequences along dimension 2 and skips a permutation for NWC
     * convolutions ("conv1d_bp: wrong shape of output gradients"). The format changes how
     * activations are laid out, not the parameters, so the flat weights are the NWC network's.
     */
    static MultiLayerNetwork ncwNetwork(Options o) {
        MultiLayerConfiguration nwc =
                NetworkFactory.configuration(
                        o.hp(), o.seed(), new Adam(o.learningRate()), new LossMAE());
        NeuralNetConfiguration.ListBuilder list =
                new NeuralNetConfiguration.Builder().seed(o.seed()).dataType(DataType.FLOAT).list();
        for (int i = 0; i < nwc.getConfs().size(); i++) {
            Layer layer = nwc.getConf(i).getLayer().clone();
            if (layer instanceof Convolution1DLayer c) {
                c.setRnnDataFormat(RNNFormat.NCW);
            } else if (layer instanceof BaseRecurrentLayer r) {
                r.setRnnDataFormat(RNNFormat.NCW);
            } else if (layer instanceof RnnOutputLayer r) {
                r.setRnnDataFormat(RNNFormat.NCW);
            }
            list.layer(i, layer);
        }
        list.setInputType(InputType.recurrent(1, RNNFormat.NCW));
        list.backpropType(BackpropType.TruncatedBPTT);
        list.tBPTTForwardLength(o.segment());
        list.tBPTTBackwardLength(o.segment());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    private static double score(
            float[] params, float[] series, int split, Options o, String modelId) {
        ModelBundle b =
                new ModelBundle(
                        metadata(o, modelId, null, "training", Map.of()),
                        Arrays.copyOf(params, params.length));
        try (Stepper s = Engines.openStepper(Engines.FAST, b)) {
            return SteppedEvaluation.mae(s, series, split);
        }
    }

    private static BundleMetadata metadata(
            Options o, String modelId, String sha, String source, Map<String, Double> eval) {
        return new BundleMetadata(
                io.forecaster.model.ModelBundle.FORMAT_VERSION,
                modelId,
                o.hp(),
                o.segment(),
                "stateful",
                Scaling.IDENTITY,
                sha,
                source,
                eval,
                Instant.now().toString());
    }
}
