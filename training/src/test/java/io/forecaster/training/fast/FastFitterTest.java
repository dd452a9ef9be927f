package io.forecaster.training.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Target;
import io.forecaster.training.Dl4jBundles;
import io.forecaster.training.NetworkFactory;
import io.forecaster.training.data.SeriesCsv;
import io.forecaster.training.data.TestData;
import io.forecaster.training.data.Windows;
import io.forecaster.training.train.HuberLoss;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The fast trainer's loss and gradients against DL4J's on the same weights and windows (the
 * trainer's network: NCW, Huber loss), on freshly initialised and on trained weights.
 *
 * <p>Tolerance: both sides compute in float32 (about 6e-8 relative per operation) with different
 * summation orders over 60 steps and up to 256-wide products, and the fast side's exp is a
 * polynomial within a few ulp; the gradient of each layer's weights is compared as a vector,
 * relative error ‖fast − dl4j‖ / ‖dl4j‖ below 1e-4 (float rounding gives about 1e-6; a wrong index
 * or a missing term gives errors of order 1).
 */
class FastFitterTest {

    private static final int WINDOW = 60;

    private static float[][] sunspotWindows(int n, int from) {
        double[] s = SeriesCsv.read(TestData.SUNSPOTS, TestData.SUNSPOT_COLUMN);
        List<float[]> all = Windows.of(s, from, from + n + WINDOW, WINDOW, 1);
        return all.subList(0, n).toArray(new float[0][]);
    }

    private static MultiLayerNetwork dl4j(HyperParams hp, float[] params) {
        MultiLayerNetwork net =
                NetworkFactory.build(hp, 7L, new Adam(1e-3), new HuberLoss(1.0), RNNFormat.NCW);
        if (params != null) {
            net.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
        }
        return net;
    }

    /** DL4J's score and gradient (the raw sum over the batch, before the updater's division). */
    private static double dl4jGradient(
            MultiLayerNetwork net, float[][] windows, float[] out, Target target) {
        int n = windows.length;
        float[] f = new float[n * WINDOW];
        float[] l = new float[n * WINDOW];
        for (int b = 0; b < n; b++) {
            System.arraycopy(windows[b], 0, f, b * WINDOW, WINDOW);
            System.arraycopy(windows[b], 1, l, b * WINDOW, WINDOW);
            for (int t = 0; t < WINDOW && target != Target.LEVEL; t++) {
                // labels are changes; with differences the inputs too (0 at the first step)
                l[b * WINDOW + t] = windows[b][t + 1] - windows[b][t];
                if (target == Target.DIFFERENCES) {
                    f[b * WINDOW + t] = t == 0 ? 0f : windows[b][t] - windows[b][t - 1];
                }
            }
        }
        net.setInput(Nd4j.createFromArray(f).reshape('c', n, 1, WINDOW));
        net.setLabels(Nd4j.createFromArray(l).reshape('c', n, 1, WINDOW));
        net.computeGradientAndScore();
        INDArray g = net.gradient().gradient().castTo(DataType.FLOAT).dup();
        float[] a = g.data().asFloat();
        System.arraycopy(a, 0, out, 0, a.length);
        return net.score();
    }

    private static void compare(HyperParams hp, float[] params, float[][] windows, int threads) {
        compare(hp, params, windows, threads, Target.LEVEL);
    }

    private static void compare(
            HyperParams hp, float[] params, float[][] windows, int threads, Target target) {
        MultiLayerNetwork net = dl4j(hp, params);
        float[] p = Dl4jBundles.params(net);
        float[] expected = new float[p.length];
        double dl4jScore = dl4jGradient(net, windows, expected, target);
        float[] actual = new float[p.length];
        double score;
        try (FastFitter fast =
                new FastFitter(
                        hp,
                        p,
                        WINDOW,
                        windows.length,
                        FastFitter.Rule.ADAM,
                        1e-3,
                        0,
                        1,
                        1.0,
                        threads,
                        target)) {
            score = fast.gradient(windows, windows.length, actual);
        }
        int n = windows.length;
        assertThat(score).isCloseTo(dl4jScore, within(1e-5 * Math.abs(dl4jScore)));
        // DL4J's raw gradient sums over the batch; the fitter's is the batch mean
        for (int i = 0; i < actual.length; i++) {
            actual[i] *= n;
        }
        Packing packing = new Packing(hp);
        int[][] blocks = blocks(hp);
        String[] names = {
            "conv b",
            "conv W",
            "lstm1 W",
            "lstm1 RW",
            "lstm1 b",
            "lstm2 W",
            "lstm2 RW",
            "lstm2 b",
            "dense1 W",
            "dense1 b",
            "dense2 W",
            "dense2 b",
            "out W",
            "out b"
        };
        assertThat(blocks[blocks.length - 1][1]).isEqualTo(packing.parameters);
        for (int b = 0; b < blocks.length; b++) {
            double diff = 0, norm = 0;
            for (int i = blocks[b][0]; i < blocks[b][1]; i++) {
                double d = actual[i] - expected[i];
                diff += d * d;
                norm += (double) expected[i] * expected[i];
            }
            assertThat(norm).as(names[b] + " gradient is zero").isGreaterThan(0);
            assertThat(Math.sqrt(diff / norm)).as(names[b]).isLessThan(1e-4);
        }
    }

    /** [from, to) of each parameter block in DL4J's flat order. */
    private static int[][] blocks(HyperParams hp) {
        int f = hp.convFilters(), k = hp.kernelSize(), h1 = hp.lstm1Units(), h2 = hp.lstm2Units();
        int n1 = hp.dense1Units(), n2 = hp.dense2Units();
        int[] sizes = {
            f,
            k * f,
            f * 4 * h1,
            h1 * 4 * h1,
            4 * h1,
            h1 * 4 * h2,
            h2 * 4 * h2,
            4 * h2,
            h2 * n1,
            n1,
            n1 * n2,
            n2,
            n2,
            1
        };
        int[][] out = new int[sizes.length][];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = new int[] {at, at + sizes[i]};
            at += sizes[i];
        }
        return out;
    }

    @Test
    void gradientMatchesDl4jOnInitialWeights() {
        compare(HyperParams.SEED, null, sunspotWindows(24, 100), 1);
    }

    @Test
    void gradientMatchesDl4jOnRandomWeightsWithTwoThreads() {
        // scale 1 with raw targets keeps most errors outside the Huber delta; scale 400 inside
        HyperParams hp = HyperParams.SEED.withOutputScale(1.0);
        float[] p = Dl4jBundles.params(dl4j(hp, null));
        Random random = new Random(3);
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (random.nextGaussian() * 0.2);
        }
        float[][] w = sunspotWindows(37, 900);
        for (float[] row : w) {
            for (int i = 0; i < row.length; i++) {
                row[i] /= 100f;
            }
        }
        compare(hp, p, w, 2);
    }

    @Test
    void gradientMatchesDl4jForWidthsThatAreNoMultipleOfTheVectorLength() {
        // every layer padded: 6 filters of 3 taps, LSTMs of 12 and 10 units, dense 5 and 3
        HyperParams odd = new HyperParams(6, 3, 12, 10, 5, 3, 2.0);
        float[][] w = sunspotWindows(9, 1500);
        for (float[] row : w) {
            for (int i = 0; i < row.length; i++) {
                row[i] /= 50f;
            }
        }
        compare(odd, null, w, 2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void gradientMatchesDl4jForTargetsThatForecastChanges(Target target) {
        HyperParams hp = HyperParams.SEED.withOutputScale(1.0);
        float[][] w = sunspotWindows(29, 1200);
        for (float[] row : w) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (row[i] - 80f) / 25f;
            }
        }
        compare(hp, null, w, 2, target);
    }

    @Test
    void gradientMatchesDl4jOnTrainedWeights() throws Exception {
        ModelBundle bundle = ModelBundle.load(Path.of("..", "models", "sunspots.zip"));
        compare(bundle.metadata().hyperParams(), bundle.params(), sunspotWindows(50, 2500), 1);
    }

    @Test
    void adamStepMatchesDl4j() {
        HyperParams hp = HyperParams.SEED;
        float[][] w = sunspotWindows(20, 300);
        MultiLayerNetwork net = dl4j(hp, null);
        float[] p0 = Dl4jBundles.params(net);
        try (FastFitter fast =
                new FastFitter(
                        hp, p0, WINDOW, w.length, FastFitter.Rule.ADAM, 1e-3, 0, 1, 1.0, 1)) {
            for (int step = 0; step < 3; step++) {
                float[] f = new float[w.length * WINDOW];
                float[] l = new float[w.length * WINDOW];
                for (int b = 0; b < w.length; b++) {
                    System.arraycopy(w[b], 0, f, b * WINDOW, WINDOW);
                    System.arraycopy(w[b], 1, l, b * WINDOW, WINDOW);
                }
                net.fit(
                        new org.nd4j.linalg.dataset.DataSet(
                                Nd4j.createFromArray(f).reshape('c', w.length, 1, WINDOW),
                                Nd4j.createFromArray(l).reshape('c', w.length, 1, WINDOW)));
                fast.fit(w, w.length);
            }
            float[] expected = Dl4jBundles.params(net);
            float[] actual = fast.params();
            double diff = 0, moved = 0;
            for (int i = 0; i < expected.length; i++) {
                diff += Math.pow(actual[i] - expected[i], 2);
                moved += Math.pow(expected[i] - p0[i], 2);
            }
            assertThat(moved).isGreaterThan(0);
            // the parameters moved by three steps of about lr each; both sides land together
            assertThat(Math.sqrt(diff / moved)).isLessThan(1e-3);
            assertThat(Arrays.equals(actual, p0)).isFalse();
        }
    }
}
