package io.forecaster.model.engine;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;

/**
 * The fast engine's forward pass over a tile of up to {@link #TILE} rows, one time step at a time,
 * with every buffer allocated once. A row is a window (predictor) or a key (stepper); the recurrent
 * state of the tile's rows lives in the buffers between steps.
 */
final class FastNetwork {

    /**
     * Rows per tile: large enough to reuse each weight vector 4x in registers, small enough to keep
     * the tile's state in L1.
     */
    static final int TILE = 32;

    final HyperParams hp;
    final Scaling scaling;
    final Kernel kernel;
    final FastWeights w;

    final float[] convIn; // [TILE][kernel] model-scale inputs, oldest first
    final float[] xh1; // [TILE][k1]: conv output, h1
    final float[] c1;
    final float[] h1;
    final float[] xh2; // [TILE][k2]: h1, h2
    final float[] c2;
    final float[] h2;
    private final float[] d1;
    private final float[] d2;
    final float[] y; // [TILE] model output after the output scale

    FastNetwork(ModelBundle bundle, Kernel kernel) {
        Engines.requireParams(bundle, Engines.FAST);
        this.hp = bundle.metadata().hyperParams();
        this.scaling = bundle.metadata().scaling();
        this.kernel = kernel;
        this.w = new FastWeights(hp, bundle.params(), kernel.lanes(), kernel.chunkMajor());
        convIn = new float[TILE * w.kernel];
        xh1 = new float[TILE * w.k1];
        c1 = new float[TILE * w.units1];
        h1 = new float[TILE * w.units1];
        xh2 = new float[TILE * w.k2];
        c2 = new float[TILE * w.units2];
        h2 = new float[TILE * w.units2];
        d1 = new float[TILE * w.n1];
        d2 = new float[TILE * w.n2];
        y = new float[TILE];
    }

    /** Zeroes the recurrent state of rows [0, rows). */
    void reset(int rows) {
        java.util.Arrays.fill(xh1, 0, rows * w.k1, 0f);
        java.util.Arrays.fill(c1, 0, rows * w.units1, 0f);
        java.util.Arrays.fill(xh2, 0, rows * w.k2, 0f);
        java.util.Arrays.fill(c2, 0, rows * w.units2, 0f);
    }

    /**
     * One step for rows [0, rows): reads {@link #convIn}, advances the state, writes {@link #y}.
     */
    void step(int rows) {
        int k = w.kernel;
        int f = w.filters;
        float[] cw = w.convW;
        float[] cb = w.convB;
        for (int r = 0; r < rows; r++) {
            int x = r * w.k1;
            int in = r * k;
            if (k == 5) {
                // the common kernel size as one loop over the filters, which C2 vectorizes
                // (the same sums in the same order as the general loop below)
                float v0 = convIn[in], v1 = convIn[in + 1], v2 = convIn[in + 2];
                float v3 = convIn[in + 3], v4 = convIn[in + 4];
                for (int o = 0; o < f; o++) {
                    float s =
                            cb[o]
                                    + v0 * cw[o]
                                    + v1 * cw[f + o]
                                    + v2 * cw[2 * f + o]
                                    + v3 * cw[3 * f + o]
                                    + v4 * cw[4 * f + o];
                    xh1[x + o] = Math.max(s, 0f);
                }
                continue;
            }
            System.arraycopy(cb, 0, xh1, x, f);
            for (int j = 0; j < k; j++) {
                float v = convIn[in + j];
                int wo = j * f;
                for (int o = 0; o < f; o++) {
                    xh1[x + o] += v * cw[wo + o];
                }
            }
            for (int o = 0; o < f; o++) {
                xh1[x + o] = Math.max(xh1[x + o], 0f);
            }
        }
        kernel.lstm(xh1, rows, w.k1, w.w1, w.b1, w.units1, c1, h1);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(h1, r * w.units1, xh1, r * w.k1 + f, w.units1);
            System.arraycopy(h1, r * w.units1, xh2, r * w.k2, w.units1);
        }
        kernel.lstm(xh2, rows, w.k2, w.w2, w.b2, w.units2, c2, h2);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(h2, r * w.units2, xh2, r * w.k2 + w.units1, w.units2);
        }
        kernel.dense(h2, rows, w.units2, w.d1W, w.d1B, w.n1, true, d1);
        kernel.dense(d1, rows, w.n1, w.d2W, w.d2B, w.n2, true, d2);
        int n2 = w.n2;
        for (int r = 0; r < rows; r++) {
            float s = w.outB;
            for (int j = 0; j < n2; j++) {
                s += d2[r * n2 + j] * w.outW[j];
            }
            y[r] = s * w.outputScale;
        }
    }
}
