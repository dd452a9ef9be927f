package io.forecaster.training.fast;

import io.forecaster.model.HyperParams;
import java.util.Arrays;

/**
 * Where each parameter of the seed architecture sits in the fast trainer's packed arrays, and where
 * it sits in DL4J's flat parameter vector (the layout of a bundle's {@code params.f32}).
 *
 * <p>DL4J's flat order: the conv bias [F], then its weights [tap][filter] (tap 0 = oldest input);
 * each LSTM's input weights ('f'-ordered [nIn][4H]: element (i, col) at {@code col * nIn + i}),
 * recurrent weights (element (j, col) at {@code col * H + j}) and bias [4H], in gate blocks [cell
 * input | forget | output | input]; each dense layer's weights (element (i, o) at {@code o * nIn +
 * i}) then its bias; the output unit's weights and bias.
 *
 * <p>Packed: every matrix row-major [in][out] with the widths padded to a multiple of the vector
 * length (padded weights stay zero, so padded units stay zero), the LSTM gate blocks kept in DL4J's
 * order, each block {@code hp} columns wide. The transposed copies ([out][in]) serve the backward
 * products.
 */
final class Packing {

    final int kernel;
    final int f; // conv filters
    final int fp; // padded
    final int h1;
    final int h1p;
    final int h2;
    final int h2p;
    final int n1;
    final int n1p;
    final int n2;
    final int n2p;
    final float outputScale;

    // offsets in the packed array
    final int convW; // [kernel][fp]
    final int convB; // [fp]
    final int wx1; // [fp][4 h1p]
    final int wh1; // [h1p][4 h1p]
    final int b1; // [4 h1p]
    final int wx2; // [h1p][4 h2p]
    final int wh2; // [h2p][4 h2p]
    final int b2;
    final int wd1; // [h2p][n1p]
    final int bd1;
    final int wd2; // [n1p][n2p]
    final int bd2;
    final int wOut; // [n2p]
    final int bOut; // one value (padded to a vector)
    final int size;

    // offsets in the transposed array
    final int wx1T; // [4 h1p][fp]
    final int wh1T; // [4 h1p][h1p]
    final int wx2T; // [4 h2p][h1p]
    final int wh2T; // [4 h2p][h2p]
    final int wd1T; // [n1p][h2p]
    final int wd2T; // [n2p][n1p]
    final int sizeT;

    /** For each packed index, its index in DL4J's flat vector, or -1 for padding. */
    final int[] flat;

    final int parameters;

    Packing(HyperParams hp) {
        kernel = hp.kernelSize();
        f = hp.convFilters();
        fp = Ops.pad(f);
        h1 = hp.lstm1Units();
        h1p = Ops.pad(h1);
        h2 = hp.lstm2Units();
        h2p = Ops.pad(h2);
        n1 = hp.dense1Units();
        n1p = Ops.pad(n1);
        n2 = hp.dense2Units();
        n2p = Ops.pad(n2);
        outputScale = (float) hp.outputScale();
        parameters = Math.toIntExact(hp.parameterCount());

        int at = 0;
        convW = at;
        at += kernel * fp;
        convB = at;
        at += fp;
        wx1 = at;
        at += fp * 4 * h1p;
        wh1 = at;
        at += h1p * 4 * h1p;
        b1 = at;
        at += 4 * h1p;
        wx2 = at;
        at += h1p * 4 * h2p;
        wh2 = at;
        at += h2p * 4 * h2p;
        b2 = at;
        at += 4 * h2p;
        wd1 = at;
        at += h2p * n1p;
        bd1 = at;
        at += n1p;
        wd2 = at;
        at += n1p * n2p;
        bd2 = at;
        at += n2p;
        wOut = at;
        at += n2p;
        bOut = at;
        at += Ops.L;
        size = at;

        at = 0;
        wx1T = at;
        at += 4 * h1p * fp;
        wh1T = at;
        at += 4 * h1p * h1p;
        wx2T = at;
        at += 4 * h2p * h1p;
        wh2T = at;
        at += 4 * h2p * h2p;
        wd1T = at;
        at += n1p * h2p;
        wd2T = at;
        at += n2p * n1p;
        sizeT = at;

        flat = new int[size];
        Arrays.fill(flat, -1);
        int p = 0;
        for (int o = 0; o < f; o++) {
            flat[convB + o] = p++;
        }
        for (int j = 0; j < kernel; j++) {
            for (int o = 0; o < f; o++) {
                flat[convW + j * fp + o] = p++;
            }
        }
        p = lstm(p, f, h1, h1p, wx1, wh1, b1);
        p = lstm(p, h1, h2, h2p, wx2, wh2, b2);
        p = dense(p, h2, n1, n1p, wd1, bd1);
        p = dense(p, n1, n2, n2p, wd2, bd2);
        for (int i = 0; i < n2; i++) {
            flat[wOut + i] = p++;
        }
        flat[bOut] = p++;
        if (p != parameters) {
            throw new IllegalStateException("mapped " + p + " of " + parameters + " parameters");
        }
    }

    private int lstm(int p, int nIn, int h, int hp, int wx, int wh, int b) {
        int cols = 4 * hp;
        for (int col = 0; col < 4 * h; col++) {
            int packedCol = (col / h) * hp + col % h;
            for (int i = 0; i < nIn; i++) {
                flat[wx + i * cols + packedCol] = p++;
            }
        }
        for (int col = 0; col < 4 * h; col++) {
            int packedCol = (col / h) * hp + col % h;
            for (int j = 0; j < h; j++) {
                flat[wh + j * cols + packedCol] = p++;
            }
        }
        for (int col = 0; col < 4 * h; col++) {
            flat[b + (col / h) * hp + col % h] = p++;
        }
        return p;
    }

    private int dense(int p, int nIn, int nOut, int np, int w, int b) {
        for (int o = 0; o < nOut; o++) {
            for (int i = 0; i < nIn; i++) {
                flat[w + i * np + o] = p++;
            }
        }
        for (int o = 0; o < nOut; o++) {
            flat[b + o] = p++;
        }
        return p;
    }

    /** DL4J's flat parameters into the packed array (padding zero) and its transposed copies. */
    void pack(float[] params, float[] packed, float[] transposed) {
        for (int i = 0; i < size; i++) {
            int q = flat[i];
            packed[i] = q < 0 ? 0f : params[q];
        }
        transpose(packed, wx1, fp, 4 * h1p, transposed, wx1T);
        transpose(packed, wh1, h1p, 4 * h1p, transposed, wh1T);
        transpose(packed, wx2, h1p, 4 * h2p, transposed, wx2T);
        transpose(packed, wh2, h2p, 4 * h2p, transposed, wh2T);
        transpose(packed, wd1, h2p, n1p, transposed, wd1T);
        transpose(packed, wd2, n1p, n2p, transposed, wd2T);
    }

    /** The packed gradient into DL4J's flat order ({@code out} has one slot per parameter). */
    void unpack(float[] packed, float[] out) {
        for (int i = 0; i < size; i++) {
            int q = flat[i];
            if (q >= 0) {
                out[q] = packed[i];
            }
        }
    }

    private static void transpose(float[] a, int aOff, int rows, int cols, float[] t, int tOff) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[tOff + c * rows + r] = a[aOff + r * cols + c];
            }
        }
    }
}
