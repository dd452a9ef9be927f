package io.forecaster.training.eval;

import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import io.forecaster.model.engine.Predictor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link Predictor} over a DL4J network held in memory (during training and evaluation): scales
 * the raw windows, runs {@code net.output} on NWC {@code [batch, length, 1]} and maps the outputs
 * back to raw values (as {@link Target} says: the outputs are the next values, or their changes
 * from the inputs).
 */
public final class NetworkPredictor implements Predictor {

    private final MultiLayerNetwork net;
    private final Scaling scaling;
    private final RNNFormat format;
    private final Target target;

    /** A predictor over an NWC network (as {@code NetworkFactory.build(hp, seed)} makes). */
    public NetworkPredictor(MultiLayerNetwork net, Scaling scaling) {
        this(net, scaling, RNNFormat.NWC);
    }

    /** A predictor over a network in layout {@code format} (the trainer's is NCW). */
    public NetworkPredictor(MultiLayerNetwork net, Scaling scaling, RNNFormat format) {
        this(net, scaling, format, Target.LEVEL);
    }

    /**
     * A predictor over a network in layout {@code format} whose outputs stand for {@code target}.
     */
    public NetworkPredictor(
            MultiLayerNetwork net, Scaling scaling, RNNFormat format, Target target) {
        this.net = net;
        this.scaling = scaling == null ? Scaling.IDENTITY : scaling;
        this.format = format;
        this.target = target == null ? Target.LEVEL : target;
    }

    @Override
    public void predict(float[] windows, int batch, int length, float[] out) {
        int n = batch * length;
        float[] scaled = new float[n];
        for (int b = 0; b < batch; b++) {
            target.encode(scaling, windows, b * length, length, scaled, b * length);
        }
        // one feature: [b, t, 1] and [b, 1, t] hold the values in the same order
        INDArray in =
                format == RNNFormat.NCW
                        ? Nd4j.createFromArray(scaled).reshape('c', batch, 1, length)
                        : Nd4j.createFromArray(scaled).reshape('c', batch, length, 1);
        INDArray y = net.output(in, false).castTo(DataType.FLOAT).dup('c');
        float[] model = y.data().asFloat();
        for (int i = 0; i < n; i++) {
            out[i] = (float) target.toRaw(scaling, model[i], windows[i]);
        }
    }

    @Override
    public String engine() {
        return "dl4j";
    }

    @Override
    public void close() {}
}
