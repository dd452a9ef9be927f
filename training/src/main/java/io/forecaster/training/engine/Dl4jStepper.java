package io.forecaster.training.engine;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.util.HashMap;
import java.util.Map;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Stateful stepping done by DL4J itself: the convolution runs over each key's last kernelSize
 * model-scale inputs (so it sees what the full-sequence causal convolution sees), and the LSTM tail
 * advances one step with each key's (h, c) loaded through {@code rnnSetPreviousState} and read back
 * through {@code rnnGetPreviousState}. The reference for the fast engine; one per thread.
 */
final class Dl4jStepper implements Stepper {

    private final HyperParams hp;
    private final Scaling scaling;
    private final Target target;
    private final MultiLayerNetwork conv;
    private final MultiLayerNetwork tail;

    Dl4jStepper(ModelBundle bundle) {
        this.hp = bundle.metadata().hyperParams();
        this.scaling = bundle.metadata().scaling();
        this.target = bundle.metadata().target();
        this.conv = Dl4jNetworks.conv(bundle);
        this.tail = Dl4jNetworks.tail(bundle);
    }

    @Override
    public StepState newState() {
        return StepState.zero(hp.kernelSize(), hp.lstm1Units(), hp.lstm2Units());
    }

    @Override
    public void step(StepState[] states, float[] points, int n, float[] out) {
        Engines.checkStep(states, points, n, out);
        int k = hp.kernelSize();
        float[] recent = new float[n * k];
        for (int i = 0; i < n; i++) {
            StepState s = states[i];
            Engines.checkState(s, hp, i);
            System.arraycopy(s.conv, 0, recent, i * k, k - 1);
            recent[i * k + k - 1] = target.input(scaling, points[i], s.last, s.steps > 0);
        }
        INDArray convOut = conv.output(Nd4j.create(recent, new long[] {n, k, 1}, 'c'));
        INDArray last =
                convOut.get(NDArrayIndex.all(), NDArrayIndex.point(k - 1), NDArrayIndex.all())
                        .dup('c')
                        .reshape('c', n, 1, hp.convFilters());

        tail.rnnSetPreviousState(0, lstmState(states, n, true));
        tail.rnnSetPreviousState(1, lstmState(states, n, false));
        float[] y = tail.rnnTimeStep(last).castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[][] h1 = rows(tail.rnnGetPreviousState(0).get(LSTM.STATE_KEY_PREV_ACTIVATION));
        float[][] c1 = rows(tail.rnnGetPreviousState(0).get(LSTM.STATE_KEY_PREV_MEMCELL));
        float[][] h2 = rows(tail.rnnGetPreviousState(1).get(LSTM.STATE_KEY_PREV_ACTIVATION));
        float[][] c2 = rows(tail.rnnGetPreviousState(1).get(LSTM.STATE_KEY_PREV_MEMCELL));
        tail.rnnClearPreviousState();

        for (int i = 0; i < n; i++) {
            StepState s = states[i];
            System.arraycopy(recent, i * k + 1, s.conv, 0, k - 1);
            s.h1 = h1[i];
            s.c1 = c1[i];
            s.h2 = h2[i];
            s.c2 = c2[i];
            s.steps++;
            s.last = points[i];
            out[i] = (float) target.toRaw(scaling, y[i], points[i]);
        }
    }

    private static Map<String, INDArray> lstmState(StepState[] states, int n, boolean first) {
        float[][] h = new float[n][];
        float[][] c = new float[n][];
        for (int i = 0; i < n; i++) {
            h[i] = first ? states[i].h1 : states[i].h2;
            c[i] = first ? states[i].c1 : states[i].c2;
        }
        Map<String, INDArray> map = new HashMap<>();
        map.put(LSTM.STATE_KEY_PREV_ACTIVATION, Nd4j.createFromArray(h));
        map.put(LSTM.STATE_KEY_PREV_MEMCELL, Nd4j.createFromArray(c));
        return map;
    }

    private static float[][] rows(INDArray a) {
        return a.castTo(DataType.FLOAT).toFloatMatrix();
    }

    @Override
    public void close() {
        conv.close();
        tail.close();
    }
}
