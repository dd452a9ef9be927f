package io.forecaster.training.keras;

import io.forecaster.model.ModelBundle;
import io.forecaster.training.Dl4jBundles;
import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Runs windows through a DL4J network directly (NWC input [batch, time, 1]). */
final class Dl4jRunner {

    private Dl4jRunner() {}

    static Function<float[][], float[][]> of(ModelBundle bundle) {
        return of(Dl4jBundles.toNetwork(bundle));
    }

    static Function<float[][], float[][]> of(MultiLayerNetwork net) {
        return windows -> {
            int batch = windows.length;
            int len = windows[0].length;
            float[] flat = new float[batch * len];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(windows[b], 0, flat, b * len, len);
            }
            INDArray in = Nd4j.create(flat, new long[] {batch, len, 1}, 'c');
            INDArray out = net.output(in).castTo(DataType.FLOAT).reshape('c', batch, len);
            float[][] result = new float[batch][len];
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < len; t++) {
                    result[b][t] = out.getFloat(b, t);
                }
            }
            return result;
        };
    }
}
