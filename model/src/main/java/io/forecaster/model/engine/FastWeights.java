package io.forecaster.model.engine;

import io.forecaster.model.HyperParams;

/**
 * The bundle's weights re-laid for the fast engine. DL4J's flat order (verified by the equality
 * tests): conv bias [F] then weights [k][1][F] (tap 0 = oldest input); each LSTM's input weights
 * [4H][nIn] (DL4J's 'f'-ordered [nIn, 4H]), recurrent weights [4H][H], bias [4H], gate blocks [cell
 * input | forget | output | input]; each dense layer's weights [nOut][nIn], then bias.
 *
 * <p>Packed: an LSTM's input and recurrent weights stacked into one [nIn + H][4H] matrix whose
 * columns are grouped per chunk of {@code lanes} units as [input | forget | cell | output] gates,
 * so one chunk's four gates sit side by side; widths padded to multiples of {@code lanes} with zero
 * weights (padded units stay exactly zero). Row-major ({@code [nIn + H][4H]}, the scalar kernel's
 * order) or chunk-major ({@code [H / lanes][nIn + H][4][lanes]}, the vector kernel's: the weights
 * one chunk of units reads are one contiguous run, streamed front to back, instead of 4 * lanes
 * floats every 4H floats). Chunk-major weights start {@link Placement#ORIGIN} floats into their
 * arrays.
 */
final class FastWeights {

    final int kernel;
    final int filters;
    final float[] convW; // [kernel][filters]
    final float[] convB;
    final int units1;
    final int k1; // filters + units1
    final float[] w1; // [k1][4 * units1], packed below
    final float[] b1;
    final int units2;
    final int k2; // units1 + units2
    final float[] w2;
    final float[] b2;
    final int n1;
    final float[] d1W; // [units2][n1]
    final float[] d1B;
    final int n2;
    final float[] d2W; // [n1][n2]
    final float[] d2B;
    final float[] outW; // [n2]
    final float outB;
    final float outputScale;

    // DL4J gate block for each packed gate i, f, g, o
    private static final int[] DL4J_GATE = {3, 1, 0, 2};

    FastWeights(HyperParams hp, float[] p, int lanes) {
        this(hp, p, lanes, false);
    }

    FastWeights(HyperParams hp, float[] p, int lanes, boolean chunkMajor) {
        if (p.length != hp.parameterCount()) {
            throw new IllegalArgumentException(
                    "expected " + hp.parameterCount() + " parameters, got " + p.length);
        }
        kernel = hp.kernelSize();
        filters = hp.convFilters();
        int at = 0;
        convB = new float[filters];
        System.arraycopy(p, at, convB, 0, filters);
        at += filters;
        convW = new float[kernel * filters];
        System.arraycopy(p, at, convW, 0, kernel * filters);
        at += kernel * filters;

        units1 = pad(hp.lstm1Units(), lanes);
        k1 = filters + units1;
        int origin = chunkMajor ? Placement.ORIGIN : 0;
        float[] packed1 = new float[origin + k1 * 4 * units1];
        b1 = new float[4 * units1];
        at =
                lstm(
                        p,
                        at,
                        filters,
                        0,
                        hp.lstm1Units(),
                        units1,
                        lanes,
                        chunkMajor,
                        origin,
                        packed1,
                        b1);
        w1 = packed1;

        units2 = pad(hp.lstm2Units(), lanes);
        k2 = units1 + units2;
        float[] packed2 = new float[origin + k2 * 4 * units2];
        b2 = new float[4 * units2];
        at =
                lstm(
                        p,
                        at,
                        hp.lstm1Units(),
                        units1 - hp.lstm1Units(),
                        hp.lstm2Units(),
                        units2,
                        lanes,
                        chunkMajor,
                        origin,
                        packed2,
                        b2);
        w2 = packed2;

        n1 = pad(hp.dense1Units(), lanes);
        d1W = new float[units2 * n1];
        d1B = new float[n1];
        at = dense(p, at, hp.lstm2Units(), hp.dense1Units(), n1, d1W, d1B);

        n2 = pad(hp.dense2Units(), lanes);
        d2W = new float[n1 * n2];
        d2B = new float[n2];
        at = dense(p, at, hp.dense1Units(), hp.dense2Units(), n2, d2W, d2B);

        outW = new float[n2];
        System.arraycopy(p, at, outW, 0, hp.dense2Units());
        at += hp.dense2Units();
        outB = p[at++];
        outputScale = (float) hp.outputScale();
        if (at != p.length) {
            throw new IllegalStateException("read " + at + " of " + p.length + " parameters");
        }
    }

    /**
     * Reads one DL4J LSTM starting at {@code at}; {@code inPad} zero rows follow the real inputs
     * (the previous layer's padded units). Returns the offset after it.
     */
    private static int lstm(
            float[] p,
            int at,
            int nIn,
            int inPad,
            int h,
            int hp,
            int lanes,
            boolean chunkMajor,
            int origin,
            float[] w,
            float[] b) {
        int cols = 4 * h;
        int rows = nIn + inPad + hp;
        int rec = at + nIn * cols;
        int bias = rec + h * cols;
        for (int gate = 0; gate < 4; gate++) {
            for (int u = 0; u < h; u++) {
                int col = DL4J_GATE[gate] * h + u;
                int packed = (u / lanes) * 4 * lanes + gate * lanes + u % lanes;
                for (int i = 0; i < nIn; i++) {
                    w[origin + index(i, packed, rows, hp, lanes, chunkMajor)] =
                            p[at + col * nIn + i];
                }
                for (int j = 0; j < h; j++) {
                    w[origin + index(nIn + inPad + j, packed, rows, hp, lanes, chunkMajor)] =
                            p[rec + col * h + j];
                }
                b[packed] = p[bias + col];
            }
        }
        return bias + cols;
    }

    /** Where weight (row, packed column) goes in the row-major or chunk-major layout. */
    private static int index(int row, int packed, int rows, int hp, int lanes, boolean chunkMajor) {
        if (!chunkMajor) {
            return row * 4 * hp + packed;
        }
        int chunk = 4 * lanes;
        return (packed / chunk) * rows * chunk + row * chunk + packed % chunk;
    }

    private static int dense(float[] p, int at, int nIn, int nOut, int n, float[] w, float[] b) {
        for (int o = 0; o < nOut; o++) {
            for (int i = 0; i < nIn; i++) {
                w[i * n + o] = p[at + o * nIn + i];
            }
        }
        at += nIn * nOut;
        System.arraycopy(p, at, b, 0, nOut);
        return at + nOut;
    }

    private static int pad(int n, int lanes) {
        return (n + lanes - 1) / lanes * lanes;
    }
}
