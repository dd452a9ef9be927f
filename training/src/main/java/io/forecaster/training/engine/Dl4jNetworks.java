package io.forecaster.training.engine;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.training.NetworkFactory;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Splits the bundle's DL4J network into its convolution and its recurrent tail (LSTM1 to the
 * output), each a network of its own holding the bundle's weights. The DL4J stepper needs the split
 * because the whole network's {@code rnnTimeStep} feeds the causal convolution the new step only.
 */
final class Dl4jNetworks {

    private Dl4jNetworks() {}

    /** The convolution layer alone: {@code [n, time, 1]} in, {@code [n, time, filters]} out. */
    static MultiLayerNetwork conv(ModelBundle bundle) {
        return slice(bundle, NetworkFactory.CONV, NetworkFactory.CONV, 1);
    }

    /** LSTM1 to the output layer: {@code [n, time, filters]} in, {@code [n, time, 1]} out. */
    static MultiLayerNetwork tail(ModelBundle bundle) {
        HyperParams hp = bundle.metadata().hyperParams();
        return slice(bundle, NetworkFactory.LSTM1, NetworkFactory.OUTPUT, hp.convFilters());
    }

    private static MultiLayerNetwork slice(ModelBundle bundle, int from, int to, int nIn) {
        HyperParams hp = bundle.metadata().hyperParams();
        MultiLayerConfiguration full =
                NetworkFactory.configuration(hp, 0L, new NoOp(), new LossMSE());
        NeuralNetConfiguration.ListBuilder list =
                new NeuralNetConfiguration.Builder().seed(0L).dataType(DataType.FLOAT).list();
        long offset = 0;
        MultiLayerNetwork whole = new MultiLayerNetwork(full);
        whole.init();
        for (int i = 0; i < from; i++) {
            offset += whole.getLayer(i).numParams();
        }
        for (int i = from; i <= to; i++) {
            list.layer(i - from, full.getConf(i).getLayer().clone());
        }
        list.setInputType(InputType.recurrent(nIn, RNNFormat.NWC));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        float[] params =
                Arrays.copyOfRange(bundle.params(), (int) offset, (int) (offset + net.numParams()));
        net.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
        return net;
    }
}
