package io.forecaster.model.engine;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;

/**
 * The fast engine's forward pass over a tile of up to {@link #TILE} rows, with every buffer
 * allocated once. A row is a window (predictor) or a key (stepper); the recurrent state of the
 * tile's rows lives in the buffers between steps. Two paths: {@link #step} computes one time step
 * ([x, h] W for each LSTM), {@link #window} a whole window with each LSTM's input projections x W
 * computed for many steps as one product and only h W per step (when the kernel {@link
 * Kernel#projects() projects}).
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

    /**
     * Row-steps (steps x rows of a tile) whose input projections {@link #window} computes as one
     * product: the whole window at batch 1 and short windows, a few steps for a full tile.
     */
    static final int BLOCK = 64;

    // the window path's buffers (allocated only when the kernel projects)
    private final float[] convBlock; // [BLOCK][kernel]
    private final float[] x1; // [BLOCK][filters] conv output
    private final float[] pre1; // [BLOCK][4 units1] LSTM1 input projections
    private final float[] seq1; // [BLOCK][units1] LSTM1 output, step-major
    private final float[] prev1; // [TILE][units1] h1 before the block
    private final float[] pre2;
    private final float[] seq2;
    private final float[] prev2;
    private final float[] dense1; // [BLOCK][n1]
    private final float[] dense2; // [BLOCK][n2]

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
        int blk = kernel.projects() ? BLOCK : 0;
        convBlock = new float[blk * w.kernel];
        x1 = new float[blk * w.filters];
        pre1 = new float[blk * 4 * w.units1];
        seq1 = new float[blk * w.units1];
        prev1 = new float[kernel.projects() ? TILE * w.units1 : 0];
        pre2 = new float[blk * 4 * w.units2];
        seq2 = new float[blk * w.units2];
        prev2 = new float[kernel.projects() ? TILE * w.units2 : 0];
        dense1 = new float[blk * w.n1];
        dense2 = new float[blk * w.n2];
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
        conv(convIn, rows, xh1, w.k1);
        int f = w.filters;
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

    /**
     * The causal convolution (with relu) for {@code rows} rows: src {@code [rows][kernel]}, oldest
     * first; out row r at {@code r * stride}.
     */
    private void conv(float[] src, int rows, float[] out, int stride) {
        int k = w.kernel;
        int f = w.filters;
        float[] cw = w.convW;
        float[] cb = w.convB;
        for (int r = 0; r < rows; r++) {
            int x = r * stride;
            int at = r * k;
            if (k == 5) {
                // the common kernel size as one loop over the filters, which C2 vectorizes
                // (the same sums in the same order as the general loop below)
                float v0 = src[at], v1 = src[at + 1], v2 = src[at + 2];
                float v3 = src[at + 3], v4 = src[at + 4];
                for (int o = 0; o < f; o++) {
                    float s =
                            cb[o]
                                    + v0 * cw[o]
                                    + v1 * cw[f + o]
                                    + v2 * cw[2 * f + o]
                                    + v3 * cw[3 * f + o]
                                    + v4 * cw[4 * f + o];
                    out[x + o] = Math.max(s, 0f);
                }
                continue;
            }
            System.arraycopy(cb, 0, out, x, f);
            for (int j = 0; j < k; j++) {
                float v = src[at + j];
                int wo = j * f;
                for (int o = 0; o < f; o++) {
                    out[x + o] += v * cw[wo + o];
                }
            }
            for (int o = 0; o < f; o++) {
                out[x + o] = Math.max(out[x + o], 0f);
            }
        }
    }

    /**
     * A whole window for rows [0, rows) from the zero state, the input projections of each layer
     * computed for up to {@link #BLOCK} row-steps at once and only the recurrent part per step.
     * Reads {@code scaled} ({@code [rows][length]} model-scale inputs), writes the model output of
     * row r at step t to {@code yOut[r * length + t]}, and leaves the state after the last step
     * where {@link #stepAfterWindow} continues from it.
     */
    void window(float[] scaled, int rows, int length, float[] yOut) {
        int k = w.kernel;
        int f = w.filters;
        int u1 = w.units1;
        int u2 = w.units2;
        int n2 = w.n2;
        int tc = Math.max(1, BLOCK / rows);
        java.util.Arrays.fill(prev1, 0, rows * u1, 0f);
        java.util.Arrays.fill(prev2, 0, rows * u2, 0f);
        java.util.Arrays.fill(c1, 0, rows * u1, 0f);
        java.util.Arrays.fill(c2, 0, rows * u2, 0f);
        for (int t0 = 0; t0 < length; t0 += tc) {
            int steps = Math.min(tc, length - t0);
            int n = steps * rows;
            for (int s = 0; s < steps; s++) {
                for (int r = 0; r < rows; r++) {
                    int at = (s * rows + r) * k;
                    int src = r * length + t0 + s - (k - 1);
                    for (int j = 0; j < k; j++, src++) {
                        // the causal convolution pads with zeros before the first step
                        convBlock[at + j] = src >= r * length ? scaled[src] : 0f;
                    }
                }
            }
            conv(convBlock, n, x1, f);
            kernel.project(x1, n, f, w.k1, w.w1, w.b1, u1, pre1);
            for (int s = 0; s < steps; s++) {
                kernel.recur(
                        pre1,
                        s * rows * 4 * u1,
                        s == 0 ? prev1 : seq1,
                        s == 0 ? 0 : (s - 1) * rows * u1,
                        rows,
                        f,
                        w.k1,
                        w.w1,
                        u1,
                        c1,
                        seq1,
                        s * rows * u1,
                        ((t0 + s) & 1) != 0);
            }
            kernel.project(seq1, n, u1, w.k2, w.w2, w.b2, u2, pre2);
            for (int s = 0; s < steps; s++) {
                kernel.recur(
                        pre2,
                        s * rows * 4 * u2,
                        s == 0 ? prev2 : seq2,
                        s == 0 ? 0 : (s - 1) * rows * u2,
                        rows,
                        u1,
                        w.k2,
                        w.w2,
                        u2,
                        c2,
                        seq2,
                        s * rows * u2,
                        ((t0 + s) & 1) != 0);
            }
            kernel.dense(seq2, n, u2, w.d1W, w.d1B, w.n1, true, dense1);
            kernel.dense(dense1, n, w.n1, w.d2W, w.d2B, n2, true, dense2);
            for (int s = 0; s < steps; s++) {
                for (int r = 0; r < rows; r++) {
                    int row = s * rows + r;
                    float sum = w.outB;
                    for (int j = 0; j < n2; j++) {
                        sum += dense2[row * n2 + j] * w.outW[j];
                    }
                    yOut[r * length + t0 + s] = sum * w.outputScale;
                }
            }
            System.arraycopy(seq1, (steps - 1) * rows * u1, prev1, 0, rows * u1);
            System.arraycopy(seq2, (steps - 1) * rows * u2, prev2, 0, rows * u2);
        }
    }

    /**
     * One more step after {@link #window} for rows [0, rows): reads {@link #convIn}, writes {@link
     * #y}, with the window path's sums in the window path's order (so a window continued by this
     * step equals the longer window to the last bit).
     */
    void stepAfterWindow(int rows) {
        int f = w.filters;
        int u1 = w.units1;
        int u2 = w.units2;
        int n2 = w.n2;
        conv(convIn, rows, x1, f);
        kernel.project(x1, rows, f, w.k1, w.w1, w.b1, u1, pre1);
        kernel.recur(pre1, 0, prev1, 0, rows, f, w.k1, w.w1, u1, c1, seq1, 0, false);
        kernel.project(seq1, rows, u1, w.k2, w.w2, w.b2, u2, pre2);
        kernel.recur(pre2, 0, prev2, 0, rows, u1, w.k2, w.w2, u2, c2, seq2, 0, false);
        kernel.dense(seq2, rows, u2, w.d1W, w.d1B, w.n1, true, dense1);
        kernel.dense(dense1, rows, w.n1, w.d2W, w.d2B, n2, true, dense2);
        for (int r = 0; r < rows; r++) {
            float sum = w.outB;
            for (int j = 0; j < n2; j++) {
                sum += dense2[r * n2 + j] * w.outW[j];
            }
            y[r] = sum * w.outputScale;
        }
        System.arraycopy(seq1, 0, prev1, 0, rows * u1);
        System.arraycopy(seq2, 0, prev2, 0, rows * u2);
    }
}
