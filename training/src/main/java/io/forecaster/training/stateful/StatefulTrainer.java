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

    /**
     * The trained bundle and its figures: stepped MAE and last-value baseline on the validation
     * slice (NaN without one) and on the test points.
     */
    public record Result(
            ModelBundle bundle,
            double valMae,
            double baselineMae,
            int bestEpoch,
            double testMae,
            double testBaselineMae,
            int testPoints) {}

    private StatefulTrainer() {}

    /**
     * Trains on {@code series[0, valStart)}, keeps the epoch with the best stepped MAE on the
     * validation slice {@code series[valStart, split)} (the last epoch when {@code valStart ==
     * split}), and scores it once by stepping into the test points {@code series[split, n)}.
     *
     * @param source how the model was made, recorded in the bundle
     */
    public static Result train(
            float[] series,
            int valStart,
            int split,
            Options o,
            String modelId,
            String dataSha256,
            String source) {
        if (split < 2 || split >= series.length) {
            throw new IllegalArgumentException(
                    "split must be in [2, " + series.length + "), got " + split);
        }
        if (valStart < 2 || valStart > split) {
            throw new IllegalArgumentException(
                    "validation slice start must be in [2, " + split + "], got " + valStart);
        }
        float[] selection = Arrays.copyOf(series, split);
        boolean validates = valStart < split;
        int len = (valStart - 1) / o.streams();
        if (len < 1) {
            throw new IllegalArgumentException(
                    o.streams()
                            + " streams leave no steps of a "
                            + valStart
                            + "-point training range");
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

        double baseline =
                validates ? SteppedEvaluation.lastValueMae(selection, valStart) : Double.NaN;
        Instant deadline = Instant.now().plus(o.timeLimit());
        float[] best = null;
        double bestMae = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            net.fit(data);
            boolean last = epoch == o.epochs() || Instant.now().isAfter(deadline);
            if (!validates && last) {
                best = Dl4jBundles.params(net);
                bestMae = Double.NaN;
                bestEpoch = epoch;
            } else if (validates && (epoch % o.evalEvery() == 0 || last)) {
                float[] params = Dl4jBundles.params(net);
                double mae = score(params, selection, valStart, o, modelId);
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
        double testMae = score(best, series, split, o, modelId);
        double testBaseline = SteppedEvaluation.lastValueMae(series, split);
        Map<String, Double> evaluation = new LinkedHashMap<>();
        if (validates) {
            evaluation.put("val_mae", bestMae);
            evaluation.put("baseline_mae", baseline);
            evaluation.put("val_points", (double) (split - valStart));
            evaluation.put("val_start", (double) valStart);
        }
        evaluation.put("test_mae", testMae);
        evaluation.put("test_baseline_mae", testBaseline);
        evaluation.put("test_points", (double) (series.length - split));
        evaluation.put("split", (double) split);
        evaluation.put("checkpoint_epoch", (double) bestEpoch);
        BundleMetadata meta = metadata(o, modelId, dataSha256, source, evaluation);
        return new Result(
                new ModelBundle(meta, best),
                bestMae,
                baseline,
                bestEpoch,
                testMae,
                testBaseline,
                series.length - split);
    }

    /**
     * Trains on several sequences, each stepped from the zero state: the stretches of a time grid
     * between two restarts, which the job also starts from the zero state. Each epoch fits every
     * sequence's part before its validation slice {@code [0, valStarts[i])} in turn, as its own
     * truncated-BPTT sequence (the LSTM state is cleared between them, as at a restart). Selection
     * scores by stepping each sequence's validation slice {@code [valStarts[i], trainEnds[i])}
     * (from its W-th point at the earliest, as the job forecasts); the kept weights are then scored
     * once on every sequence's test points from {@code splits[i]} on. A sequence with fewer than 2
     * training points trains nothing; one with {@code splits[i] >= length} tests nothing.
     *
     * @param source how the model was made, recorded in the bundle
     * @param evaluation extra figures for the bundle's metadata (the split the data was cut at)
     */
    public static Result trainSequences(
            java.util.List<float[]> sequences,
            int[] trainEnds,
            int[] valStarts,
            int[] splits,
            Options o,
            String modelId,
            String dataSha256,
            String source,
            Map<String, Double> evaluation) {
        if (sequences.size() != trainEnds.length
                || sequences.size() != splits.length
                || sequences.size() != valStarts.length) {
            throw new IllegalArgumentException(
                    "one training end, validation start and split per sequence");
        }
        java.util.List<DataSet> parts = new java.util.ArrayList<>();
        java.util.List<float[]> selection = new java.util.ArrayList<>();
        int[] valAt = new int[sequences.size()];
        int tested = 0;
        int validated = 0;
        for (int i = 0; i < sequences.size(); i++) {
            float[] s = sequences.get(i);
            int end = Math.min(trainEnds[i], s.length);
            int len = Math.min(valStarts[i], end) - 1;
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
            float[] sel = Arrays.copyOf(s, Math.max(end, 0));
            selection.add(sel);
            valAt[i] = Math.max(Math.max(valStarts[i], o.segment()), 1);
            if (valAt[i] < sel.length) {
                validated += sel.length - valAt[i];
            } else {
                valAt[i] = sel.length; // nothing to select on
            }
            if (splits[i] >= 1 && splits[i] < s.length) {
                tested += s.length - splits[i];
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no sequence has 2 points to train on");
        }
        if (tested == 0) {
            throw new IllegalArgumentException("no sequence has points to test");
        }
        MultiLayerNetwork net = ncwNetwork(o);
        double baseline = validated == 0 ? Double.NaN : 0;
        double testBaseline = 0;
        for (int i = 0; i < sequences.size(); i++) {
            float[] s = sequences.get(i);
            if (valAt[i] < selection.get(i).length) {
                baseline +=
                        SteppedEvaluation.lastValueMae(selection.get(i), valAt[i])
                                * (selection.get(i).length - valAt[i]);
            }
            if (splits[i] >= 1 && splits[i] < s.length) {
                testBaseline +=
                        SteppedEvaluation.lastValueMae(s, splits[i]) * (s.length - splits[i]);
            }
        }
        baseline /= validated;
        testBaseline /= tested;
        Instant deadline = Instant.now().plus(o.timeLimit());
        float[] best = null;
        double bestMae = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            for (DataSet part : parts) {
                net.fit(part);
            }
            boolean last = epoch == o.epochs() || Instant.now().isAfter(deadline);
            if (validated == 0 && last) {
                best = Dl4jBundles.params(net);
                bestMae = Double.NaN;
                bestEpoch = epoch;
            } else if (validated > 0 && (epoch % o.evalEvery() == 0 || last)) {
                float[] params = Dl4jBundles.params(net);
                double mae = score(params, selection, valAt, validated, o, modelId);
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
        double testMae = score(best, sequences, splits, tested, o, modelId);
        Map<String, Double> eval = new LinkedHashMap<>();
        if (validated > 0) {
            eval.put("val_mae", bestMae);
            eval.put("baseline_mae", baseline);
            eval.put("val_points", (double) validated);
        }
        eval.put("test_mae", testMae);
        eval.put("test_baseline_mae", testBaseline);
        eval.put("test_points", (double) tested);
        eval.putAll(evaluation);
        eval.put("checkpoint_epoch", (double) bestEpoch);
        BundleMetadata meta = metadata(o, modelId, dataSha256, source, eval);
        return new Result(
                new ModelBundle(meta, best),
                bestMae,
                baseline,
                bestEpoch,
                testMae,
                testBaseline,
                tested);
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
