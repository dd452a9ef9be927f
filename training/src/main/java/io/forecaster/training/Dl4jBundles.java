package io.forecaster.training;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Conversions between a {@link ModelBundle} and a DL4J network. */
public final class Dl4jBundles {

    private Dl4jBundles() {}

    /** The bundle's weights in a freshly built DL4J network. */
    public static MultiLayerNetwork toNetwork(ModelBundle bundle) {
        MultiLayerNetwork net = NetworkFactory.build(bundle.metadata().hyperParams(), 0L);
        net.setParams(Nd4j.createFromArray(bundle.params()).reshape(1, bundle.params().length));
        return net;
    }

    /** The network's current weights as a flat float array in DL4J's parameter order. */
    public static float[] params(MultiLayerNetwork net) {
        return net.params().castTo(DataType.FLOAT).dup().data().asFloat();
    }

    /** A bundle holding {@code net}'s weights. */
    public static ModelBundle fromNetwork(MultiLayerNetwork net, BundleMetadata metadata) {
        return new ModelBundle(metadata, params(net));
    }
}
