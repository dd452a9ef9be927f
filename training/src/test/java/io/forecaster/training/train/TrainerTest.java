package io.forecaster.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.HyperParams;
import io.forecaster.model.Scaling;
import io.forecaster.training.data.SeriesCsv;
import io.forecaster.training.data.Split;
import io.forecaster.training.data.TestData;
import io.forecaster.training.data.WindowDataset;
import io.forecaster.training.data.Windows;
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
    void aFewEpochsLowerTheLossAndKeepTheBestWeights() {
        Trainer trainer = new Trainer(options(4, 0), TrainingListener.NONE);
        TrainingResult r =
                trainer.train(
                        HyperParams.SEED,
                        new Scaling(0, 100),
                        TrainingData.of(Map.of("s", slice), Split.atIndex(320)));
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
        ValidationScore again =
                new Evaluator(new NetworkPredictor(r.net(), r.scaling()), WINDOW).score(slice, 320);
        assertThat(again.mae()).isCloseTo(best.validation().mae(), within(1e-3));
        assertThat(r.overall().mae()).isCloseTo(best.validation().mae(), within(1e-9));
        assertThat(again.points()).isEqualTo(80);
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
                                TrainingData.of(Map.of("s", slice), Split.atIndex(320)));
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
}
