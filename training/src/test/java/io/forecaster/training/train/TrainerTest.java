package io.forecaster.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.HyperParams;
import io.forecaster.model.Scaling;
import io.forecaster.training.data.SeriesCsv;
import io.forecaster.training.data.Split;
import io.forecaster.training.data.TestData;
import io.forecaster.training.data.ValSlice;
import io.forecaster.training.data.WindowDataset;
import io.forecaster.training.data.Windows;
import io.forecaster.training.eval.Baselines;
import io.forecaster.training.eval.Evaluator;
import io.forecaster.training.eval.NetworkPredictor;
import io.forecaster.training.eval.ValidationScore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Tests for {@link Trainer} on a slice of the sunspot series. */
class TrainerTest {

    private static final int WINDOW = 20;
    private static double[] slice;

    @BeforeAll
    static void readSlice() {
        slice = Arrays.copyOf(SeriesCsv.read(TestData.SUNSPOTS, TestData.SUNSPOT_COLUMN), 400);
    }

    private static TrainingOptions options(int epochs, int patience) {
        return new TrainingOptions(
                WINDOW,
                32,
                1000,
                Optimizer.ADAM,
                3e-3,
                0.9,
                1.0,
                epochs,
                patience,
                1.0,
                1L,
                null,
                1);
    }

    @Test
    void courseRecipeIsTheDefault() {
        TrainingOptions c = TrainingOptions.COURSE;
        assertThat(List.of(c.window(), c.batchSize(), c.shuffleBuffer(), c.epochs()))
                .containsExactly(60, 100, 1000, 500);
        assertThat(c.optimizer()).isEqualTo(Optimizer.SGD);
        assertThat(c.learningRate()).isEqualTo(1e-5);
        assertThat(c.momentum()).isEqualTo(0.9);
        assertThat(c.huberDelta()).isEqualTo(1.0);
        assertThat(c.patience()).isZero();
    }

    @Test
    void aFewEpochsLowerTheLossAndKeepTheBestWeightsByTheValidationSliceOnly() {
        Trainer trainer = new Trainer(options(4, 0), TrainingListener.NONE);
        // training windows in [0, 280), validation slice [280, 320), test points [320, 400)
        TrainingData data =
                TrainingData.of(
                        Map.of("s", slice), Split.atIndex(320), ValSlice.parse("40"), WINDOW);
        assertThat(data.valStarts()).containsEntry("s", 280);
        TrainingResult r = trainer.train(HyperParams.SEED, new Scaling(0, 100), data, 12);
        List<EpochStats> h = r.history();
        assertThat(h).hasSize(4);
        assertThat(h.get(h.size() - 1).loss()).isLessThan(h.get(0).loss());

        EpochStats best =
                h.stream()
                        .min((a, b) -> Double.compare(a.validation().mae(), b.validation().mae()))
                        .orElseThrow();
        assertThat(r.bestEpoch()).isEqualTo(best.epoch());
        assertThat(best.best()).isTrue();
        // the returned (NWC) network holds the best epoch's weights: it scores that epoch's MAE
        // on the validation slice, which never reaches the test points
        Evaluator eval = new Evaluator(new NetworkPredictor(r.net(), r.scaling()), WINDOW, 12);
        ValidationScore again = eval.score(Arrays.copyOf(slice, 320), 280);
        assertThat(again.mae()).isCloseTo(best.validation().mae(), within(1e-3));
        assertThat(again.points()).isEqualTo(40);
        assertThat(r.overall().mae()).isCloseTo(best.validation().mae(), within(1e-9));
        // the test figures are those weights on the points from the split on
        ValidationScore test = eval.score(slice, 320);
        assertThat(r.testOverall().points()).isEqualTo(80);
        assertThat(r.testOverall().mae()).isCloseTo(test.mae(), within(1e-3));
        assertThat(r.testOverall().seasonalMae())
                .isCloseTo(Baselines.seasonalNaiveMae(slice, 320, 400, 12), within(1e-9));
    }

    /**
     * Both backends from the same initial weights on the same batches: the fast trainer's loss
     * curve and validation figures follow DL4J's (float rounding makes them drift apart slowly; its
     * gradients are checked to 1e-4 in FastFitterTest).
     */
    @Test
    void theFastBackendFollowsDl4jsLossCurveFromTheSameWeights() {
        TrainingOptions nesterovs =
                new TrainingOptions(
                        WINDOW, 32, 1000, Optimizer.SGD, 3e-3, 0.9, 0.9, 3, 0, 1.0, 2L, null, 1);
        // and the change target: labels are the change from each step's input on both backends
        TrainingOptions adam = options(3, 0);
        TrainingOptions change = adam.withTarget(io.forecaster.model.Target.CHANGE);
        // and differences: the inputs are the changes between points too
        TrainingOptions differences = adam.withTarget(io.forecaster.model.Target.DIFFERENCES);
        for (TrainingOptions o : List.of(adam, nesterovs, change, differences)) {
            TrainingData data =
                    TrainingData.of(
                            Map.of("s", slice), Split.atIndex(320), ValSlice.parse("40"), WINDOW);
            // the scaling train fits: on the changes when the network sees them
            Scaling scaling =
                    o.target().differencedInputs()
                            ? ScalingMode.STANDARD.fit(data.trainingParts(), o.target())
                            : new Scaling(0, 100);
            TrainingResult dl4j =
                    new Trainer(o, TrainingListener.NONE, Backend.DL4J, 1)
                            .train(HyperParams.SEED, scaling, data);
            TrainingResult fast =
                    new Trainer(o, TrainingListener.NONE, Backend.FAST, 2)
                            .train(HyperParams.SEED, scaling, data);
            assertThat(fast.history()).hasSameSizeAs(dl4j.history());
            for (int e = 0; e < dl4j.history().size(); e++) {
                EpochStats d = dl4j.history().get(e);
                EpochStats f = fast.history().get(e);
                assertThat(f.learningRate()).isCloseTo(d.learningRate(), within(1e-12));
                assertThat(f.loss()).isCloseTo(d.loss(), within(d.loss() * 1e-3));
                assertThat(f.validation().mae())
                        .isCloseTo(d.validation().mae(), within(d.validation().mae() * 1e-2));
            }
            assertThat(fast.history().get(2).loss()).isLessThan(fast.history().get(0).loss());
        }
    }

    @Test
    void theFastBackendNamesTheOptimiserItLacks() {
        TrainingOptions nadam =
                new TrainingOptions(
                        WINDOW, 32, 1000, Optimizer.NADAM, 1e-3, 0.9, 1, 1, 0, 1.0, 1L, null, 1);
        assertThatThrownBy(() -> new Trainer(nadam, TrainingListener.NONE, Backend.FAST, 1))
                .hasMessageContaining("nadam");
        assertThat(Backend.defaultFor(Optimizer.NADAM)).isEqualTo(Backend.DL4J);
        assertThat(Backend.defaultFor(Optimizer.ADAM)).isEqualTo(Backend.FAST);
        assertThatThrownBy(() -> Backend.parse("gpu")).hasMessageContaining("'gpu'");
    }

    @Test
    void withoutAValidationSliceTheLastEpochIsKeptAndTested() {
        TrainingResult r =
                new Trainer(options(2, 1), TrainingListener.NONE)
                        .train(
                                HyperParams.SEED,
                                new Scaling(0, 100),
                                TrainingData.of(Map.of("s", slice), Split.atIndex(320)));
        assertThat(r.history()).hasSize(2);
        assertThat(r.bestEpoch()).isEqualTo(2);
        assertThat(r.overall()).isNull();
        assertThat(r.testOverall().points()).isEqualTo(80);
    }

    @Test
    void theValidationSliceIsTheLastTenthAtLeastOneWindowAndNamedWhenTooBig() {
        assertThat(ValSlice.DEFAULT.start(3000, 60)).isEqualTo(2700);
        assertThat(ValSlice.DEFAULT.start(300, 60)).isEqualTo(239); // 61 points, one window
        assertThat(ValSlice.parse("100").start(3000, 60)).isEqualTo(2900);
        assertThat(ValSlice.parse("0").start(3000, 60)).isEqualTo(3000);
        assertThatThrownBy(() -> ValSlice.parse("0.9").start(300, 60))
                .hasMessageContaining("0.9")
                .hasMessageContaining("fewer than one window");
        assertThatThrownBy(() -> ValSlice.parse("250").start(300, 60)).hasMessageContaining("250");
        assertThatThrownBy(() -> ValSlice.parse("lots")).hasMessageContaining("'lots'");
        assertThatThrownBy(() -> ValSlice.parse("1.5")).hasMessageContaining("'1.5'");
    }

    @Test
    void baselinesAndSeasonGuesses() {
        double[] s = {1, 2, 4, 1, 2, 5, 1, 2, 4};
        assertThat(Baselines.lastValueMae(s, 6, 9)).isCloseTo((4 + 1 + 2) / 3.0, within(1e-12));
        assertThat(Baselines.seasonalNaiveMae(s, 6, 9, 3)).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(Baselines.seasonalNaiveMae(s, 2, 9, 3)).isNaN();
        assertThat(Baselines.guessSeason(3_600_000L)).isEqualTo(24);
        assertThat(Baselines.guessSeason(86_400_000L)).isEqualTo(7);
        assertThat(Baselines.guessSeason(7 * 86_400_000L)).isEqualTo(52);
        assertThat(Baselines.guessSeason(60_000L)).isZero();
        assertThat(Baselines.verdict("last-value", 1.85, 0.65))
                .isEqualTo("model does NOT beat last-value (MAE 1.850 vs 0.650)");
        assertThat(Baselines.verdict("last-value", 13.93, 16.14))
                .isEqualTo("model beats last-value (MAE 13.93 vs 16.14)");
    }

    @Test
    void reportedLossIsTheMeanHuberLossPerStep() {
        // DL4J sums a sequence loss over time steps; the trainer reports Keras' per-step mean
        Trainer trainer = new Trainer(options(1, 0), TrainingListener.NONE);
        MultiLayerNetwork net = trainer.newNetwork(HyperParams.SEED);
        double[] scaled = Arrays.stream(slice).map(v -> v / 100).toArray();
        DataSet batch =
                new WindowDataset(
                                Windows.of(scaled, 0, 200, WINDOW),
                                50,
                                1,
                                1L,
                                org.deeplearning4j.nn.conf.RNNFormat.NCW)
                        .epoch()
                        .next();
        INDArray out = net.output(batch.getFeatures());
        double[] e = out.sub(batch.getLabels()).data().asDouble();
        double sum = 0;
        for (double v : e) {
            double a = Math.abs(v);
            sum += a <= 1 ? a * a / 2 : a - 0.5;
        }
        double perStep = sum / e.length;
        double dl4j = net.score(batch, false);
        assertThat(dl4j / WINDOW).isCloseTo(perStep, within(perStep * 1e-4));
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
        // a learning rate this large makes no progress after the first epochs
        TrainingOptions wild =
                new TrainingOptions(
                        WINDOW, 32, 1000, Optimizer.SGD, 5.0, 0.9, 1.0, 30, 2, 1.0, 1L, null, 1);
        TrainingResult r =
                new Trainer(wild, TrainingListener.NONE)
                        .train(
                                HyperParams.SEED,
                                Scaling.IDENTITY,
                                TrainingData.of(
                                        Map.of("s", slice),
                                        Split.atIndex(320),
                                        ValSlice.DEFAULT,
                                        WINDOW));
        assertThat(r.history().size()).isLessThan(30);
        assertThat(r.history().size()).isLessThanOrEqualTo(r.bestEpoch() + 2);
    }

    @Test
    void optionsNameTheirBadValues() {
        assertThatThrownBy(() -> Optimizer.parse("adagrad")).hasMessageContaining("'adagrad'");
        assertThatThrownBy(() -> ScalingMode.parse("log")).hasMessageContaining("'log'");
        assertThatThrownBy(
                        () ->
                                new TrainingOptions(
                                        0, 1, 1, Optimizer.SGD, 1, 0, 1, 1, 0, 1, 1, null, 1))
                .hasMessageContaining("window");
        assertThatThrownBy(
                        () ->
                                new TrainingOptions(
                                        5, 1, 1, Optimizer.SGD, -1, 0, 1, 1, 0, 1, 1, null, 1))
                .hasMessageContaining("-1");
    }

    @Test
    void scalingIsFittedOnTrainingPartsOnly() {
        double[] s = {1, 2, 3, 100};
        TrainingData d = TrainingData.of(Map.of("s", s), Split.atIndex(3));
        assertThat(ScalingMode.MAX.fit(d.trainingParts())).isEqualTo(new Scaling(0, 3));
        Scaling std = ScalingMode.STANDARD.fit(d.trainingParts());
        assertThat(std.offset()).isEqualTo(2.0);
        assertThat(std.scale()).isCloseTo(Math.sqrt(2.0 / 3), within(1e-12));
    }

    @Test
    void aNetworkThatSeesChangesIsScaledByTheTrainingChanges() {
        double[] s = {1, 2, 4, 100};
        TrainingData d = TrainingData.of(Map.of("s", s), Split.atIndex(3));
        io.forecaster.model.Target diff = io.forecaster.model.Target.DIFFERENCES;
        // training changes 1 and 2 (the jump to 100 is a test point): sd 0.5, largest 2
        Scaling std = ScalingMode.STANDARD.fit(d.trainingParts(), diff);
        assertThat(std.scale()).isCloseTo(0.5, within(1e-12));
        assertThat(std.offset()).isCloseTo(7.0 / 3, within(1e-12));
        assertThat(ScalingMode.MAX.fit(d.trainingParts(), diff)).isEqualTo(new Scaling(0, 2));
        assertThat(ScalingMode.NONE.fit(d.trainingParts(), diff)).isEqualTo(Scaling.IDENTITY);
        // the other targets keep the values' scaling
        assertThat(ScalingMode.STANDARD.fit(d.trainingParts(), io.forecaster.model.Target.CHANGE))
                .isEqualTo(ScalingMode.STANDARD.fit(d.trainingParts()));
    }
}
