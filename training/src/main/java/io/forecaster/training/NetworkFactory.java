package io.forecaster.training;

import io.forecaster.model.HyperParams;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Builds the Conv1D-LSTM forecaster in DL4J. The configuration is a pure function of the {@link
 * HyperParams}, the seed, the updater and the loss. Input and output are NWC: {@code [batch, time,
 * 1]} in, {@code [batch, time, 1]} out, one prediction per time step.
 */
public final class NetworkFactory {

    /** Layer indices in the built network, in order. */
    public static final int CONV = 0;

    public static final int LSTM1 = 1;
    public static final int LSTM2 = 2;
    public static final int DENSE1 = 3;
    public static final int DENSE2 = 4;
    public static final int OUTPUT = 5;

    private NetworkFactory() {}

    /** The network for inference: the updater and loss only matter for training. */
    public static MultiLayerNetwork build(HyperParams hp, long seed) {
        return build(hp, seed, new Nesterovs(1e-5, 0.9), new LossMSE());
    }

    /** The network, initialised with weights drawn from {@code seed}. */
    public static MultiLayerNetwork build(
            HyperParams hp, long seed, IUpdater updater, ILossFunction loss) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(hp, seed, updater, loss));
        net.init();
        return net;
    }

    /**
     * The network in layout {@code format}. Training uses {@link RNNFormat#NCW} ({@code [batch, 1,
     * time]}) because DL4J 1.0.0-M2.1's Conv1D backprop fails in NWC (it hands conv1d_bp an NWC
     * epsilon where NCW is expected); the parameters are the same in both layouts.
     */
    public static MultiLayerNetwork build(
            HyperParams hp, long seed, IUpdater updater, ILossFunction loss, RNNFormat format) {
        MultiLayerNetwork net =
                new MultiLayerNetwork(configuration(hp, seed, updater, loss, format));
        net.init();
        return net;
    }

    /** The DL4J configuration of the network. */
    public static MultiLayerConfiguration configuration(
            HyperParams hp, long seed, IUpdater updater, ILossFunction loss) {
        return configuration(hp, seed, updater, loss, RNNFormat.NWC);
    }

    /** The DL4J configuration of the network, in layout {@code format} (NWC or NCW). */
    public static MultiLayerConfiguration configuration(
            HyperParams hp, long seed, IUpdater updater, ILossFunction loss, RNNFormat format) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(updater)
                .list()
                .layer(
                        CONV,
                        new Convolution1DLayer.Builder()
                                .name("conv1d")
                                .kernelSize(hp.kernelSize())
                                .stride(1)
                                .convolutionMode(ConvolutionMode.Causal)
                                .rnnDataFormat(format)
                                .nIn(1)
                                .nOut(hp.convFilters())
                                .activation(Activation.RELU)
                                .build())
                .layer(
                        LSTM1,
                        new LSTM.Builder()
                                .name("lstm")
                                .nOut(hp.lstm1Units())
                                .activation(Activation.TANH)
                                .gateActivationFunction(Activation.SIGMOID)
                                .dataFormat(format)
                                .build())
                .layer(
                        LSTM2,
                        new LSTM.Builder()
                                .name("lstm_1")
                                .nOut(hp.lstm2Units())
                                .activation(Activation.TANH)
                                .gateActivationFunction(Activation.SIGMOID)
                                .dataFormat(format)
                                .build())
                .layer(
                        DENSE1,
                        new DenseLayer.Builder()
                                .name("dense")
                                .nOut(hp.dense1Units())
                                .activation(Activation.RELU)
                                .build())
                .layer(
                        DENSE2,
                        new DenseLayer.Builder()
                                .name("dense_1")
                                .nOut(hp.dense2Units())
                                .activation(Activation.RELU)
                                .build())
                .layer(
                        OUTPUT,
                        new RnnOutputLayer.Builder(loss)
                                .name("dense_2")
                                .nOut(1)
                                .activation(new ScaledIdentity(hp.outputScale()))
                                .dataFormat(format)
                                .build())
                .setInputType(InputType.recurrent(1, format))
                .build();
    }
}
