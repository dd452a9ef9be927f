package io.forecaster.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.HyperParams;
import io.forecaster.training.NetworkFactory;
import io.forecaster.training.ScaledIdentity;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** Tests for {@link HuberLoss}: its values, and its gradient by finite differences. */
class HuberLossTest {

    @Test
    void isHalfSquareInsideDeltaAndLinearOutside() {
        INDArray labels = Nd4j.createFromArray(new double[][] {{0.0}, {0.0}, {1.0}, {10.0}});
        INDArray out = Nd4j.createFromArray(new double[][] {{0.5}, {-3.0}, {1.0}, {12.0}});
        HuberLoss loss = new HuberLoss(1.0);
        INDArray perRow = loss.computeScoreArray(labels, out, new ActivationIdentity(), null);
        // 0.5²/2, 1·(3 − 0.5), 0, 1·(2 − 0.5)
        assertThat(perRow.toDoubleVector())
                .containsExactly(new double[] {0.125, 2.5, 0.0, 1.5}, within(1e-12));
        assertThat(loss.computeScore(labels, out, new ActivationIdentity(), null, true))
                .isCloseTo((0.125 + 2.5 + 1.5) / 4, within(1e-12));
        INDArray grad = loss.computeGradient(labels, out, new ActivationIdentity(), null);
        assertThat(grad.toDoubleVector())
                .containsExactly(new double[] {0.5, -1.0, 0.0, 1.0}, within(1e-12));
        // delta 2: |e| = 3 → 2·(3 − 1) = 4
        assertThat(
                        new HuberLoss(2.0)
                                .computeScoreArray(labels, out, new ActivationIdentity(), null)
                                .getDouble(1))
                .isCloseTo(4.0, within(1e-12));
    }

    @Test
    void gradientMatchesFiniteDifferencesOnADenseNetwork() {
        MultiLayerNetwork net =
                new MultiLayerNetwork(
                        new NeuralNetConfiguration.Builder()
                                .seed(7)
                                .dataType(DataType.DOUBLE)
                                .updater(new NoOp())
                                .weightInit(WeightInit.XAVIER)
                                .list()
                                .layer(
                                        new DenseLayer.Builder()
                                                .nIn(3)
                                                .nOut(5)
                                                .activation(Activation.TANH)
                                                .build())
                                .layer(
                                        new OutputLayer.Builder(new HuberLoss(0.7))
                                                .nIn(5)
                                                .nOut(2)
                                                .activation(new ScaledIdentity(3.0))
                                                .build())
                                .build());
        net.init();
        Nd4j.getRandom().setSeed(12);
        INDArray in = Nd4j.rand(DataType.DOUBLE, 8, 3).subi(0.5).muli(4);
        // labels spread so that errors fall both inside and outside delta
        INDArray labels = Nd4j.rand(DataType.DOUBLE, 8, 2).subi(0.5).muli(8);
        assertThat(outsideAndInside(net.output(in), labels, 0.7)).isTrue();
        assertThat(check(net, in, labels)).isTrue();
    }

    @Test
    void gradientMatchesFiniteDifferencesThroughTheSeedArchitecture() {
        // the seed layer stack at a small size, in the trainer's NCW layout, in double precision
        HyperParams small = new HyperParams(3, 5, 4, 3, 4, 3, 4.0);
        MultiLayerNetwork net =
                NetworkFactory.build(small, 3, new NoOp(), new HuberLoss(1.0), RNNFormat.NCW)
                        .convertDataType(DataType.DOUBLE);
        Nd4j.getRandom().setSeed(5);
        INDArray in = Nd4j.rand(DataType.DOUBLE, 3, 1, 9).muli(2);
        INDArray labels = Nd4j.rand(DataType.DOUBLE, 3, 1, 9).subi(0.5).muli(6);
        assertThat(outsideAndInside(net.output(in), labels, 1.0)).isTrue();
        assertThat(check(net, in, labels)).isTrue();
    }

    private static boolean check(MultiLayerNetwork net, INDArray in, INDArray labels) {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return checkInDouble(net, in, labels);
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    private static boolean checkInDouble(MultiLayerNetwork net, INDArray in, INDArray labels) {
        return GradientCheckUtil.checkGradients(
                new GradientCheckUtil.MLNConfig()
                        .net(net)
                        .input(in)
                        .labels(labels)
                        .epsilon(1e-6)
                        .maxRelError(1e-4)
                        .minAbsoluteError(1e-8)
                        .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                        .exitOnFirstError(false));
    }

    private static boolean outsideAndInside(INDArray out, INDArray labels, double delta) {
        double[] e = out.sub(labels).data().asDouble();
        boolean inside = false, outside = false;
        for (double v : e) {
            inside |= Math.abs(v) < delta;
            outside |= Math.abs(v) > delta;
        }
        return inside && outside;
    }
}
