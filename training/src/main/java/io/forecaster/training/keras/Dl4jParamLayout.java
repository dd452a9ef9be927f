package io.forecaster.training.keras;

import io.forecaster.model.HyperParams;
import java.util.Arrays;

/**
 * Lays Keras weights out as DL4J's flat parameter vector for the network {@link
 * io.forecaster.training.NetworkFactory} builds, layer by layer in network order:
 *
 * <ul>
 *   <li>Conv1D: bias [F], then the kernel as DL4J's conv1d kernel reads it: flat [k][nIn][F], which
 *       is Keras's kernel [k, nIn, F] in row-major order, unchanged;
 *   <li>LSTM: input weights [nIn, 4u], recurrent weights [u, 4u] (both column-major), bias [4u];
 *       the gate blocks go from Keras's i|f|c|o to DL4J's c|f|o|i;
 *   <li>Dense: kernel [nIn, nOut] column-major (Keras's is row-major), then bias [nOut].
 * </ul>
 *
 * Needs no ND4J: the result is the bundle's {@code params.f32} as is.
 */
final class Dl4jParamLayout {

    /** DL4J gate block b holds Keras gate block KERAS_BLOCK_FOR_DL4J[b] (i=0, f=1, c=2, o=3). */
    private static final int[] KERAS_BLOCK_FOR_DL4J = {2, 1, 3, 0};

    private final float[] out;
    private int pos;

    private Dl4jParamLayout(int size) {
        this.out = new float[size];
    }

    /** The flat DL4J parameters of {@code m}; checks every weight's shape first. */
    static float[] params(SeedArchitecture.Matched m) {
        HyperParams hp = m.hyperParams();
        Dl4jParamLayout p = new Dl4jParamLayout(Math.toIntExact(hp.parameterCount()));
        p.conv(m.conv(), hp.kernelSize(), hp.convFilters());
        p.lstm(m.lstm1(), hp.convFilters(), hp.lstm1Units());
        p.lstm(m.lstm2(), hp.lstm1Units(), hp.lstm2Units());
        p.dense(m.dense1(), hp.lstm2Units(), hp.dense1Units());
        p.dense(m.dense2(), hp.dense1Units(), hp.dense2Units());
        p.dense(m.output(), hp.dense2Units(), 1);
        if (p.pos != p.out.length) {
            throw new IllegalStateException(
                    "laid out " + p.pos + " parameters, the network has " + p.out.length);
        }
        return p.out;
    }

    private void conv(KerasLayer layer, int k, int filters) {
        float[] kernel = weight(layer, "kernel", k, 1, filters);
        float[] bias = weight(layer, "bias", filters);
        put(bias);
        put(kernel);
    }

    private void lstm(KerasLayer layer, int nIn, int units) {
        float[] w = weight(layer, "kernel", nIn, 4 * units);
        float[] rw = weight(layer, "recurrent_kernel", units, 4 * units);
        float[] b = weight(layer, "bias", 4 * units);
        putColumnMajor(reorderGates(w, nIn, units), nIn, 4 * units);
        putColumnMajor(reorderGates(rw, units, units), units, 4 * units);
        put(reorderGates(b, 1, units));
    }

    private void dense(KerasLayer layer, int nIn, int nOut) {
        float[] w = weight(layer, "kernel", nIn, nOut);
        float[] b = weight(layer, "bias", nOut);
        putColumnMajor(w, nIn, nOut);
        put(b);
    }

    /** Row-major [rows, 4u] with Keras's gate blocks → the same with DL4J's block order. */
    private static float[] reorderGates(float[] keras, int rows, int units) {
        float[] dl4j = new float[keras.length];
        for (int r = 0; r < rows; r++) {
            for (int block = 0; block < 4; block++) {
                System.arraycopy(
                        keras,
                        r * 4 * units + KERAS_BLOCK_FOR_DL4J[block] * units,
                        dl4j,
                        r * 4 * units + block * units,
                        units);
            }
        }
        return dl4j;
    }

    private void putColumnMajor(float[] rowMajor, int rows, int cols) {
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                out[pos++] = rowMajor[r * cols + c];
            }
        }
    }

    private void put(float[] values) {
        System.arraycopy(values, 0, out, pos, values.length);
        pos += values.length;
    }

    private static float[] weight(KerasLayer layer, String name, int... shape) {
        KerasTensor t = layer.weights().get(name);
        if (t == null) {
            throw new UnsupportedKerasModelException(
                    layer.describe(),
                    "weight " + name,
                    "(missing; has " + layer.weights().keySet() + ")",
                    "the layer needs its " + name + " of shape " + Arrays.toString(shape));
        }
        if (!t.hasShape(shape)) {
            throw new UnsupportedKerasModelException(
                    layer.describe(),
                    "weight " + name + " shape",
                    Arrays.toString(t.shape()),
                    "the config implies " + Arrays.toString(shape));
        }
        return t.data();
    }
}
