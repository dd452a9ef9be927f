package io.forecaster.model.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast engine's arithmetic on the Vector API. Only {@link Kernels} names this class, by
 * reflection, after checking that {@code jdk.incubator.vector} is in the boot layer, so the rest of
 * the engine loads without the module.
 *
 * <p>An LSTM step keeps one chunk of {@code lanes} units' four gate columns in registers for four
 * rows at a time (16 accumulators) while streaming k, then finishes the cells from a small scratch
 * array. No vector crosses a method boundary: C2 boxes a vector passed to a call it did not inline,
 * and its node-count limits stop inlining early in vector-heavy code, so each method here is a
 * self-contained loop over arrays. The activations use a polynomial e^x - 1 (Cephes expf's, about 1
 * ulp) so nothing leaves the vector units.
 *
 * <p>For windows, {@link #project} computes an LSTM's input projections for many row-steps at once
 * (four rows per weight load, even at batch 1, where the rows are the window's steps) and {@link
 * #recur} adds h W per step; a lone row's recurrence computes the gates of all chunks before their
 * cells, so the cells' dependent chains (the step's critical path) run side by side.
 *
 * <p>The LSTM weights are chunk-major ({@link FastWeights}): each chunk streams one contiguous run
 * front to back. They stay where the JVM puts them (8-byte aligned, so a 512-bit load usually spans
 * two cache lines), except in a JVM whose objects are aligned to 32 bytes or more, where {@link
 * Placement} starts them on a 32-byte boundary.
 */
final class VectorKernel implements Kernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Where the LSTM weights start in their arrays ({@link Placement}). */
    private static final int W0 = Placement.ORIGIN;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float MAGIC = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final int MAGIC_BITS = 0x4B400000;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float CLAMP = 25f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    /** Four rows' gates, [row][i|f|g|o][lanes]. */
    private final float[] gates = new float[16 * L];

    /** Four rows' tanh(c). */
    private final float[] tc = new float[4 * L];

    /** One row's gates of every chunk, [i|f|o|g][units], and its tanh(c): grown once. */
    private float[] rowGates = new float[0];

    private float[] rowTc = new float[0];

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public boolean chunkMajor() {
        return true;
    }

    @Override
    public String name() {
        return "vector" + S.vectorBitSize();
    }

    @Override
    public void lstm(
            float[] xh, int rows, int k, float[] w, float[] b, int units, float[] c, float[] h) {
        for (int ch = 0; ch < units / L; ch++) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                gates4(xh, r, k, w, b, units, ch);
                cells(4, r * units + ch * L, units, c, h, 0);
            }
            for (; r < rows; r++) {
                gates1(xh, r, k, w, b, units, ch);
                cells(1, r * units + ch * L, units, c, h, 0);
            }
        }
    }

    /** Pre-activation gates of chunk {@code ch} for rows r..r+3 into {@link #gates}. */
    private void gates4(float[] xh, int r, int k, float[] w, float[] b, int units, int ch) {
        // chunk-major weights: this chunk's k rows of 4 gates x L lanes are contiguous
        int stride = 4 * L;
        int wb = ch * 4 * L;
        FloatVector i0 = FloatVector.fromArray(S, b, wb);
        FloatVector f0 = FloatVector.fromArray(S, b, wb + L);
        FloatVector g0 = FloatVector.fromArray(S, b, wb + 2 * L);
        FloatVector o0 = FloatVector.fromArray(S, b, wb + 3 * L);
        FloatVector i1 = i0, f1 = f0, g1 = g0, o1 = o0;
        FloatVector i2 = i0, f2 = f0, g2 = g0, o2 = o0;
        FloatVector i3 = i0, f3 = f0, g3 = g0, o3 = o0;
        int x0 = r * k;
        int x1 = x0 + k;
        int x2 = x1 + k;
        int x3 = x2 + k;
        for (int kk = 0, wo = W0 + ch * k * stride; kk < k; kk++, wo += stride) {
            FloatVector wi = FloatVector.fromArray(S, w, wo);
            FloatVector wf = FloatVector.fromArray(S, w, wo + L);
            FloatVector wg = FloatVector.fromArray(S, w, wo + 2 * L);
            FloatVector wq = FloatVector.fromArray(S, w, wo + 3 * L);
            FloatVector a = FloatVector.broadcast(S, xh[x0 + kk]);
            i0 = wi.fma(a, i0);
            f0 = wf.fma(a, f0);
            g0 = wg.fma(a, g0);
            o0 = wq.fma(a, o0);
            a = FloatVector.broadcast(S, xh[x1 + kk]);
            i1 = wi.fma(a, i1);
            f1 = wf.fma(a, f1);
            g1 = wg.fma(a, g1);
            o1 = wq.fma(a, o1);
            a = FloatVector.broadcast(S, xh[x2 + kk]);
            i2 = wi.fma(a, i2);
            f2 = wf.fma(a, f2);
            g2 = wg.fma(a, g2);
            o2 = wq.fma(a, o2);
            a = FloatVector.broadcast(S, xh[x3 + kk]);
            i3 = wi.fma(a, i3);
            f3 = wf.fma(a, f3);
            g3 = wg.fma(a, g3);
            o3 = wq.fma(a, o3);
        }
        // scratch layout [gate: i, f, o, g][row][lanes]: the sigmoid gates are contiguous
        float[] g = gates;
        i0.intoArray(g, 0);
        i1.intoArray(g, L);
        i2.intoArray(g, 2 * L);
        i3.intoArray(g, 3 * L);
        f0.intoArray(g, 4 * L);
        f1.intoArray(g, 5 * L);
        f2.intoArray(g, 6 * L);
        f3.intoArray(g, 7 * L);
        o0.intoArray(g, 8 * L);
        o1.intoArray(g, 9 * L);
        o2.intoArray(g, 10 * L);
        o3.intoArray(g, 11 * L);
        g0.intoArray(g, 12 * L);
        g1.intoArray(g, 13 * L);
        g2.intoArray(g, 14 * L);
        g3.intoArray(g, 15 * L);
    }

    /** One row's gates; two accumulators per gate (even, odd k) hide the FMA latency. */
    private void gates1(float[] xh, int r, int k, float[] w, float[] b, int units, int ch) {
        int stride = 4 * L;
        int wb = ch * 4 * L;
        FloatVector i0 = FloatVector.fromArray(S, b, wb);
        FloatVector f0 = FloatVector.fromArray(S, b, wb + L);
        FloatVector g0 = FloatVector.fromArray(S, b, wb + 2 * L);
        FloatVector o0 = FloatVector.fromArray(S, b, wb + 3 * L);
        FloatVector i1 = FloatVector.zero(S), f1 = i1, g1 = i1, o1 = i1;
        int x0 = r * k;
        int kk = 0;
        int wo = W0 + ch * k * stride;
        for (; kk + 2 <= k; kk += 2, wo += 2 * stride) {
            FloatVector a = FloatVector.broadcast(S, xh[x0 + kk]);
            i0 = FloatVector.fromArray(S, w, wo).fma(a, i0);
            f0 = FloatVector.fromArray(S, w, wo + L).fma(a, f0);
            g0 = FloatVector.fromArray(S, w, wo + 2 * L).fma(a, g0);
            o0 = FloatVector.fromArray(S, w, wo + 3 * L).fma(a, o0);
            a = FloatVector.broadcast(S, xh[x0 + kk + 1]);
            int w1 = wo + stride;
            i1 = FloatVector.fromArray(S, w, w1).fma(a, i1);
            f1 = FloatVector.fromArray(S, w, w1 + L).fma(a, f1);
            g1 = FloatVector.fromArray(S, w, w1 + 2 * L).fma(a, g1);
            o1 = FloatVector.fromArray(S, w, w1 + 3 * L).fma(a, o1);
        }
        if (kk < k) {
            FloatVector a = FloatVector.broadcast(S, xh[x0 + kk]);
            i0 = FloatVector.fromArray(S, w, wo).fma(a, i0);
            f0 = FloatVector.fromArray(S, w, wo + L).fma(a, f0);
            g0 = FloatVector.fromArray(S, w, wo + 2 * L).fma(a, g0);
            o0 = FloatVector.fromArray(S, w, wo + 3 * L).fma(a, o0);
        }
        float[] g = gates;
        i0.add(i1).intoArray(g, 0);
        f0.add(f1).intoArray(g, L);
        o0.add(o1).intoArray(g, 2 * L);
        g0.add(g1).intoArray(g, 3 * L);
    }

    @Override
    public boolean projects() {
        return true;
    }

    @Override
    public void project(
            float[] x, int rows, int nIn, int k, float[] w, float[] b, int units, float[] pre) {
        for (int ch = 0; ch < units / L; ch++) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                project4(x, r, nIn, k, w, b, units, ch, pre);
            }
            for (; r < rows; r++) {
                project1(x, r, nIn, k, w, b, units, ch, pre);
            }
        }
    }

    /** Input projections of chunk {@code ch} for rows r..r+3, stored in the packed order. */
    private static void project4(
            float[] x,
            int r,
            int nIn,
            int k,
            float[] w,
            float[] b,
            int units,
            int ch,
            float[] pre) {
        int stride = 4 * L;
        int wb = ch * 4 * L;
        FloatVector i0 = FloatVector.fromArray(S, b, wb);
        FloatVector f0 = FloatVector.fromArray(S, b, wb + L);
        FloatVector g0 = FloatVector.fromArray(S, b, wb + 2 * L);
        FloatVector o0 = FloatVector.fromArray(S, b, wb + 3 * L);
        FloatVector i1 = i0, f1 = f0, g1 = g0, o1 = o0;
        FloatVector i2 = i0, f2 = f0, g2 = g0, o2 = o0;
        FloatVector i3 = i0, f3 = f0, g3 = g0, o3 = o0;
        int x0 = r * nIn;
        int x1 = x0 + nIn;
        int x2 = x1 + nIn;
        int x3 = x2 + nIn;
        for (int kk = 0, wo = W0 + ch * k * stride; kk < nIn; kk++, wo += stride) {
            FloatVector wi = FloatVector.fromArray(S, w, wo);
            FloatVector wf = FloatVector.fromArray(S, w, wo + L);
            FloatVector wg = FloatVector.fromArray(S, w, wo + 2 * L);
            FloatVector wq = FloatVector.fromArray(S, w, wo + 3 * L);
            FloatVector a = FloatVector.broadcast(S, x[x0 + kk]);
            i0 = wi.fma(a, i0);
            f0 = wf.fma(a, f0);
            g0 = wg.fma(a, g0);
            o0 = wq.fma(a, o0);
            a = FloatVector.broadcast(S, x[x1 + kk]);
            i1 = wi.fma(a, i1);
            f1 = wf.fma(a, f1);
            g1 = wg.fma(a, g1);
            o1 = wq.fma(a, o1);
            a = FloatVector.broadcast(S, x[x2 + kk]);
            i2 = wi.fma(a, i2);
            f2 = wf.fma(a, f2);
            g2 = wg.fma(a, g2);
            o2 = wq.fma(a, o2);
            a = FloatVector.broadcast(S, x[x3 + kk]);
            i3 = wi.fma(a, i3);
            f3 = wf.fma(a, f3);
            g3 = wg.fma(a, g3);
            o3 = wq.fma(a, o3);
        }
        int width = 4 * units;
        int p = r * width + ch * 4 * L;
        i0.intoArray(pre, p);
        f0.intoArray(pre, p + L);
        g0.intoArray(pre, p + 2 * L);
        o0.intoArray(pre, p + 3 * L);
        p += width;
        i1.intoArray(pre, p);
        f1.intoArray(pre, p + L);
        g1.intoArray(pre, p + 2 * L);
        o1.intoArray(pre, p + 3 * L);
        p += width;
        i2.intoArray(pre, p);
        f2.intoArray(pre, p + L);
        g2.intoArray(pre, p + 2 * L);
        o2.intoArray(pre, p + 3 * L);
        p += width;
        i3.intoArray(pre, p);
        f3.intoArray(pre, p + L);
        g3.intoArray(pre, p + 2 * L);
        o3.intoArray(pre, p + 3 * L);
    }

    private static void project1(
            float[] x,
            int r,
            int nIn,
            int k,
            float[] w,
            float[] b,
            int units,
            int ch,
            float[] pre) {
        int stride = 4 * L;
        int wb = ch * 4 * L;
        FloatVector i0 = FloatVector.fromArray(S, b, wb);
        FloatVector f0 = FloatVector.fromArray(S, b, wb + L);
        FloatVector g0 = FloatVector.fromArray(S, b, wb + 2 * L);
        FloatVector o0 = FloatVector.fromArray(S, b, wb + 3 * L);
        int x0 = r * nIn;
        for (int kk = 0, wo = W0 + ch * k * stride; kk < nIn; kk++, wo += stride) {
            FloatVector a = FloatVector.broadcast(S, x[x0 + kk]);
            i0 = FloatVector.fromArray(S, w, wo).fma(a, i0);
            f0 = FloatVector.fromArray(S, w, wo + L).fma(a, f0);
            g0 = FloatVector.fromArray(S, w, wo + 2 * L).fma(a, g0);
            o0 = FloatVector.fromArray(S, w, wo + 3 * L).fma(a, o0);
        }
        int p = r * 4 * units + ch * 4 * L;
        i0.intoArray(pre, p);
        f0.intoArray(pre, p + L);
        g0.intoArray(pre, p + 2 * L);
        o0.intoArray(pre, p + 3 * L);
    }

    @Override
    public void recur(
            float[] pre,
            int preOff,
            float[] hp,
            int hpOff,
            int rows,
            int nIn,
            int k,
            float[] w,
            int units,
            float[] c,
            float[] h,
            int hOff,
            boolean backward) {
        int chunks = units / L;
        int full = rows / 4 * 4;
        for (int i = 0; i < chunks; i++) {
            int ch = backward ? chunks - 1 - i : i;
            for (int r = 0; r < full; r += 4) {
                recur4(pre, preOff, hp, hpOff, r, nIn, k, w, units, ch);
                cells(4, r * units + ch * L, units, c, h, hOff);
            }
        }
        if (full == rows) {
            return;
        }
        if (rowGates.length < 4 * units) {
            rowGates = new float[4 * units];
            rowTc = new float[units];
        }
        // a row alone: all chunks' gates first, then all its cells at once, so the cells'
        // dependent chains (the step's critical path) run side by side
        for (int r = full; r < rows; r++) {
            for (int i = 0; i < chunks; i++) {
                int ch = backward ? chunks - 1 - i : i;
                recur1(pre, preOff, hp, hpOff, r, nIn, k, w, units, ch, rowGates, ch * L, units);
            }
            cellsOf(rowGates, rowTc, chunks, r * units, L, c, h, hOff);
        }
    }

    /** Gates of chunk {@code ch} for rows r..r+3: pre + h W[nIn, k), into {@link #gates}. */
    private void recur4(
            float[] pre,
            int preOff,
            float[] hp,
            int hpOff,
            int r,
            int nIn,
            int k,
            float[] w,
            int units,
            int ch) {
        int stride = 4 * L;
        int width = 4 * units;
        int p0 = preOff + r * width + ch * 4 * L;
        int p1 = p0 + width;
        int p2 = p1 + width;
        int p3 = p2 + width;
        FloatVector i0 = FloatVector.fromArray(S, pre, p0);
        FloatVector f0 = FloatVector.fromArray(S, pre, p0 + L);
        FloatVector g0 = FloatVector.fromArray(S, pre, p0 + 2 * L);
        FloatVector o0 = FloatVector.fromArray(S, pre, p0 + 3 * L);
        FloatVector i1 = FloatVector.fromArray(S, pre, p1);
        FloatVector f1 = FloatVector.fromArray(S, pre, p1 + L);
        FloatVector g1 = FloatVector.fromArray(S, pre, p1 + 2 * L);
        FloatVector o1 = FloatVector.fromArray(S, pre, p1 + 3 * L);
        FloatVector i2 = FloatVector.fromArray(S, pre, p2);
        FloatVector f2 = FloatVector.fromArray(S, pre, p2 + L);
        FloatVector g2 = FloatVector.fromArray(S, pre, p2 + 2 * L);
        FloatVector o2 = FloatVector.fromArray(S, pre, p2 + 3 * L);
        FloatVector i3 = FloatVector.fromArray(S, pre, p3);
        FloatVector f3 = FloatVector.fromArray(S, pre, p3 + L);
        FloatVector g3 = FloatVector.fromArray(S, pre, p3 + 2 * L);
        FloatVector o3 = FloatVector.fromArray(S, pre, p3 + 3 * L);
        int x0 = hpOff + r * units;
        int x1 = x0 + units;
        int x2 = x1 + units;
        int x3 = x2 + units;
        for (int kk = 0, wo = W0 + (ch * k + nIn) * stride; kk < units; kk++, wo += stride) {
            FloatVector wi = FloatVector.fromArray(S, w, wo);
            FloatVector wf = FloatVector.fromArray(S, w, wo + L);
            FloatVector wg = FloatVector.fromArray(S, w, wo + 2 * L);
            FloatVector wq = FloatVector.fromArray(S, w, wo + 3 * L);
            FloatVector a = FloatVector.broadcast(S, hp[x0 + kk]);
            i0 = wi.fma(a, i0);
            f0 = wf.fma(a, f0);
            g0 = wg.fma(a, g0);
            o0 = wq.fma(a, o0);
            a = FloatVector.broadcast(S, hp[x1 + kk]);
            i1 = wi.fma(a, i1);
            f1 = wf.fma(a, f1);
            g1 = wg.fma(a, g1);
            o1 = wq.fma(a, o1);
            a = FloatVector.broadcast(S, hp[x2 + kk]);
            i2 = wi.fma(a, i2);
            f2 = wf.fma(a, f2);
            g2 = wg.fma(a, g2);
            o2 = wq.fma(a, o2);
            a = FloatVector.broadcast(S, hp[x3 + kk]);
            i3 = wi.fma(a, i3);
            f3 = wf.fma(a, f3);
            g3 = wg.fma(a, g3);
            o3 = wq.fma(a, o3);
        }
        float[] g = gates;
        i0.intoArray(g, 0);
        i1.intoArray(g, L);
        i2.intoArray(g, 2 * L);
        i3.intoArray(g, 3 * L);
        f0.intoArray(g, 4 * L);
        f1.intoArray(g, 5 * L);
        f2.intoArray(g, 6 * L);
        f3.intoArray(g, 7 * L);
        o0.intoArray(g, 8 * L);
        o1.intoArray(g, 9 * L);
        o2.intoArray(g, 10 * L);
        o3.intoArray(g, 11 * L);
        g0.intoArray(g, 12 * L);
        g1.intoArray(g, 13 * L);
        g2.intoArray(g, 14 * L);
        g3.intoArray(g, 15 * L);
    }

    /**
     * One row's recurrent gates; four accumulators per gate (k mod 4) keep 16 FMA chains and their
     * weight loads in flight.
     */
    private void recur1(
            float[] pre,
            int preOff,
            float[] hp,
            int hpOff,
            int r,
            int nIn,
            int k,
            float[] w,
            int units,
            int ch,
            float[] g,
            int gAt,
            int gStride) {
        int stride = 4 * L;
        int p0 = preOff + r * 4 * units + ch * 4 * L;
        FloatVector i0 = FloatVector.fromArray(S, pre, p0);
        FloatVector f0 = FloatVector.fromArray(S, pre, p0 + L);
        FloatVector g0 = FloatVector.fromArray(S, pre, p0 + 2 * L);
        FloatVector o0 = FloatVector.fromArray(S, pre, p0 + 3 * L);
        FloatVector i1 = FloatVector.zero(S), f1 = i1, g1 = i1, o1 = i1;
        FloatVector i2 = i1, f2 = i1, g2 = i1, o2 = i1;
        FloatVector i3 = i1, f3 = i1, g3 = i1, o3 = i1;
        int x0 = hpOff + r * units;
        int kk = 0;
        int wo = W0 + (ch * k + nIn) * stride;
        for (; kk + 4 <= units; kk += 4, wo += 4 * stride) {
            FloatVector a = FloatVector.broadcast(S, hp[x0 + kk]);
            i0 = FloatVector.fromArray(S, w, wo).fma(a, i0);
            f0 = FloatVector.fromArray(S, w, wo + L).fma(a, f0);
            g0 = FloatVector.fromArray(S, w, wo + 2 * L).fma(a, g0);
            o0 = FloatVector.fromArray(S, w, wo + 3 * L).fma(a, o0);
            a = FloatVector.broadcast(S, hp[x0 + kk + 1]);
            int w1 = wo + stride;
            i1 = FloatVector.fromArray(S, w, w1).fma(a, i1);
            f1 = FloatVector.fromArray(S, w, w1 + L).fma(a, f1);
            g1 = FloatVector.fromArray(S, w, w1 + 2 * L).fma(a, g1);
            o1 = FloatVector.fromArray(S, w, w1 + 3 * L).fma(a, o1);
            a = FloatVector.broadcast(S, hp[x0 + kk + 2]);
            int w2 = w1 + stride;
            i2 = FloatVector.fromArray(S, w, w2).fma(a, i2);
            f2 = FloatVector.fromArray(S, w, w2 + L).fma(a, f2);
            g2 = FloatVector.fromArray(S, w, w2 + 2 * L).fma(a, g2);
            o2 = FloatVector.fromArray(S, w, w2 + 3 * L).fma(a, o2);
            a = FloatVector.broadcast(S, hp[x0 + kk + 3]);
            int w3 = w2 + stride;
            i3 = FloatVector.fromArray(S, w, w3).fma(a, i3);
            f3 = FloatVector.fromArray(S, w, w3 + L).fma(a, f3);
            g3 = FloatVector.fromArray(S, w, w3 + 2 * L).fma(a, g3);
            o3 = FloatVector.fromArray(S, w, w3 + 3 * L).fma(a, o3);
        }
        for (; kk < units; kk++, wo += stride) {
            FloatVector a = FloatVector.broadcast(S, hp[x0 + kk]);
            i0 = FloatVector.fromArray(S, w, wo).fma(a, i0);
            f0 = FloatVector.fromArray(S, w, wo + L).fma(a, f0);
            g0 = FloatVector.fromArray(S, w, wo + 2 * L).fma(a, g0);
            o0 = FloatVector.fromArray(S, w, wo + 3 * L).fma(a, o0);
        }
        i0.add(i1).add(i2.add(i3)).intoArray(g, gAt);
        f0.add(f1).add(f2.add(f3)).intoArray(g, gAt + gStride);
        o0.add(o1).add(o2.add(o3)).intoArray(g, gAt + 2 * gStride);
        g0.add(g1).add(g2.add(g3)).intoArray(g, gAt + 3 * gStride);
    }

    /**
     * c = sigmoid(f) c + sigmoid(i) tanh(g); h = sigmoid(o) tanh(c), for n rows of one chunk from
     * {@code at} (c's index; rows {@code step} apart), with the gates in {@link #gates} as [i, f,
     * o, g][n rows][lanes].
     *
     * <p>With a = expm1(-x), sigmoid(x) = 1 / (2 + a), and with m = expm1(2x), tanh(x) = m / (m +
     * 2). So with Df = 2 + a_f and Dig = (2 + a_i)(m_g + 2), one reciprocal R = 1 / (Df Dig) gives
     * both sigmoid(f) = Dig R and sigmoid(i) tanh(g) = m_g Df R, and h = m_c / ((2 + a_o)(m_c + 2))
     * is a second division: two divisions per unit instead of five. The expm1 arguments are clamped
     * to [-{@value #CLAMP}, {@value #CLAMP}] so the triple product stays finite (e^75 < 2^127); the
     * clamp changes no result by more than e^-25 (and float tanh(12.5) is already 1).
     */
    private void cells(int n, int at, int step, float[] c, float[] h, int hOff) {
        cellsOf(gates, tc, n, at, step, c, h, hOff);
    }

    /**
     * The cells of n groups of lanes whose gates are in {@code g} as [i, f, o, g][n][lanes]: group
     * q's c at {@code at + q * step}, its h at {@code hOff + at + q * step}.
     */
    static void cellsOf(
            float[] g, float[] tc, int n, int at0, int step, float[] c, float[] h, int hOff) {
        int nl = n * L;
        expm1(g, 0, 3 * nl, false); // a_i, a_f, a_o
        expm1(g, 3 * nl, nl, true); // m_g
        for (int q = 0; q < n; q++) {
            int at = at0 + q * step;
            FloatVector df = FloatVector.fromArray(S, g, nl + q * L).add(2f);
            FloatVector mg = FloatVector.fromArray(S, g, 3 * nl + q * L);
            FloatVector dig = FloatVector.fromArray(S, g, q * L).add(2f).mul(mg.add(2f));
            FloatVector rr = FloatVector.broadcast(S, 1f).div(df.mul(dig));
            FloatVector cell =
                    FloatVector.fromArray(S, c, at).mul(dig.mul(rr)).add(mg.mul(df.mul(rr)));
            cell.intoArray(c, at);
            cell.intoArray(tc, q * L);
        }
        expm1(tc, 0, nl, true); // m_c
        for (int q = 0; q < n; q++) {
            FloatVector mc = FloatVector.fromArray(S, tc, q * L);
            FloatVector d = FloatVector.fromArray(S, g, 2 * nl + q * L).add(2f).mul(mc.add(2f));
            mc.div(d).intoArray(h, hOff + at0 + q * step);
        }
    }

    @Override
    public void dense(
            float[] in, int rows, int k, float[] w, float[] b, int n, boolean relu, float[] out) {
        for (int col = 0; col < n; col += L) {
            int r = 0;
            if (col + L < n) {
                // two column chunks at once: each input broadcast feeds two FMAs, the same sums
                for (; r + 4 <= rows; r += 4) {
                    dense4x2(in, r, k, w, b, n, col, relu, out);
                }
                for (; r < rows; r++) {
                    dense1(in, r, k, w, b, n, col, relu, out);
                    dense1(in, r, k, w, b, n, col + L, relu, out);
                }
                col += L;
                continue;
            }
            for (; r + 4 <= rows; r += 4) {
                dense4(in, r, k, w, b, n, col, relu, out);
            }
            for (; r < rows; r++) {
                dense1(in, r, k, w, b, n, col, relu, out);
            }
        }
    }

    private static void dense1(
            float[] in,
            int r,
            int k,
            float[] w,
            float[] b,
            int n,
            int col,
            boolean relu,
            float[] out) {
        FloatVector a0 = FloatVector.fromArray(S, b, col);
        int x0 = r * k;
        for (int kk = 0, wo = col; kk < k; kk++, wo += n) {
            a0 = FloatVector.fromArray(S, w, wo).fma(FloatVector.broadcast(S, in[x0 + kk]), a0);
        }
        (relu ? a0.max(0f) : a0).intoArray(out, r * n + col);
    }

    /** Rows r..r+3 of column chunks col and col + L. */
    private static void dense4x2(
            float[] in,
            int r,
            int k,
            float[] w,
            float[] b,
            int n,
            int col,
            boolean relu,
            float[] out) {
        FloatVector a0 = FloatVector.fromArray(S, b, col);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        FloatVector e0 = FloatVector.fromArray(S, b, col + L);
        FloatVector e1 = e0, e2 = e0, e3 = e0;
        int x0 = r * k;
        for (int kk = 0, wo = col; kk < k; kk++, wo += n) {
            FloatVector wv = FloatVector.fromArray(S, w, wo);
            FloatVector wu = FloatVector.fromArray(S, w, wo + L);
            FloatVector x = FloatVector.broadcast(S, in[x0 + kk]);
            a0 = wv.fma(x, a0);
            e0 = wu.fma(x, e0);
            x = FloatVector.broadcast(S, in[x0 + k + kk]);
            a1 = wv.fma(x, a1);
            e1 = wu.fma(x, e1);
            x = FloatVector.broadcast(S, in[x0 + 2 * k + kk]);
            a2 = wv.fma(x, a2);
            e2 = wu.fma(x, e2);
            x = FloatVector.broadcast(S, in[x0 + 3 * k + kk]);
            a3 = wv.fma(x, a3);
            e3 = wu.fma(x, e3);
        }
        if (relu) {
            a0 = a0.max(0f);
            a1 = a1.max(0f);
            a2 = a2.max(0f);
            a3 = a3.max(0f);
            e0 = e0.max(0f);
            e1 = e1.max(0f);
            e2 = e2.max(0f);
            e3 = e3.max(0f);
        }
        int o = r * n + col;
        a0.intoArray(out, o);
        a1.intoArray(out, o + n);
        a2.intoArray(out, o + 2 * n);
        a3.intoArray(out, o + 3 * n);
        e0.intoArray(out, o + L);
        e1.intoArray(out, o + n + L);
        e2.intoArray(out, o + 2 * n + L);
        e3.intoArray(out, o + 3 * n + L);
    }

    private static void dense4(
            float[] in,
            int r,
            int k,
            float[] w,
            float[] b,
            int n,
            int col,
            boolean relu,
            float[] out) {
        FloatVector a0 = FloatVector.fromArray(S, b, col);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        int x0 = r * k;
        for (int kk = 0, wo = col; kk < k; kk++, wo += n) {
            FloatVector wv = FloatVector.fromArray(S, w, wo);
            a0 = wv.fma(FloatVector.broadcast(S, in[x0 + kk]), a0);
            a1 = wv.fma(FloatVector.broadcast(S, in[x0 + k + kk]), a1);
            a2 = wv.fma(FloatVector.broadcast(S, in[x0 + 2 * k + kk]), a2);
            a3 = wv.fma(FloatVector.broadcast(S, in[x0 + 3 * k + kk]), a3);
        }
        if (relu) {
            a0 = a0.max(0f);
            a1 = a1.max(0f);
            a2 = a2.max(0f);
            a3 = a3.max(0f);
        }
        int o = r * n + col;
        a0.intoArray(out, o);
        a1.intoArray(out, o + n);
        a2.intoArray(out, o + 2 * n);
        a3.intoArray(out, o + 3 * n);
    }

    /**
     * a[from, from+n) = expm1(clamp(s a)) with s = 2 ({@code twice}) or -1, the argument clamped to
     * [-{@value #CLAMP}, {@value #CLAMP}]; n a multiple of the lanes. The scaling is an add or a
     * sign flip (exact, as the product was), which leaves the FMA units to the polynomial.
     */
    private static void expm1(float[] a, int from, int n, boolean twice) {
        for (int i = from; i < from + n; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            FloatVector x = (twice ? v.add(v) : v.neg()).max(-CLAMP).min(CLAMP);
            FloatVector t = x.fma(LOG2E, MAGIC);
            FloatVector m = t.sub(MAGIC);
            FloatVector r =
                    m.fma(
                            FloatVector.broadcast(S, -LN2_LO),
                            m.fma(FloatVector.broadcast(S, -LN2_HI), x));
            FloatVector p = FloatVector.broadcast(S, P0);
            p = p.fma(r, FloatVector.broadcast(S, P1));
            p = p.fma(r, FloatVector.broadcast(S, P2));
            p = p.fma(r, FloatVector.broadcast(S, P3));
            p = p.fma(r, FloatVector.broadcast(S, P4));
            p = p.fma(r, FloatVector.broadcast(S, P5));
            FloatVector pow2 =
                    t.reinterpretAsInts()
                            .add(127 - MAGIC_BITS)
                            .lanewise(VectorOperators.LSHL, 23)
                            .reinterpretAsFloats();
            p.fma(r.mul(r), r).fma(pow2, pow2.sub(1f)).intoArray(a, i);
        }
    }
}
