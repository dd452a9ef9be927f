package io.forecaster.training.engine;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.training.Dl4jBundles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reference engine: the DL4J network's own {@code output} on the bundle's weights. Slow at
 * small batches (DL4J's per-op overhead) but it is the model's definition. One instance per thread.
 */
final class Dl4jPredictor implements Predictor {

    private final MultiLayerNetwork net;
    private final Scaling scaling;
    private final Target target;

    Dl4jPredictor(ModelBundle bundle) {
        this.net = Dl4jBundles.toNetwork(bundle);
        this.scaling = bundle.metadata().scaling();
        this.target = bundle.metadata().target();
    }

    @Override
    public void predict(float[] windows, int batch, int length, float[] out) {
        Engines.checkBatch(windows, batch, length, out);
        int n = batch * length;
        float[] scaled = new float[n];
        for (int b = 0; b < batch; b++) {
            target.encode(scaling, windows, b * length, length, scaled, b * length);
        }
        INDArray in = Nd4j.create(scaled, new long[] {batch, length, 1}, 'c');
        float[] y = net.output(in).castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < n; i++) {
            out[i] = (float) target.toRaw(scaling, y[i], windows[i]);
        }
    }

    @Override
    public String engine() {
        return Dl4jEngine.NAME;
    }

    @Override
    public void close() {
        net.close();
    }
}
