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
 * <p>The LSTM weights are chunk-major ({@link FastWeights}): each chunk streams one contiguous run
 * front to back. They stay where the JVM puts them (8-byte aligned, so a 512-bit load usually spans
 * two cache lines); with this layout that costs little (docs/benchmarks.md, "Weight alignment
 * without sun.misc.Unsafe"), so nothing places them on cache lines.
 */
final class VectorKernel implements Kernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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
                cells(r, 4, units, ch, c, h);
            }
            for (; r < rows; r++) {
                gates1(xh, r, k, w, b, units, ch);
                cells(r, 1, units, ch, c, h);
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
        for (int kk = 0, wo = ch * k * stride; kk < k; kk++, wo += stride) {
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
        int wo = ch * k * stride;
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

    /**
     * c = sigmoid(f) c + sigmoid(i) tanh(g); h = sigmoid(o) tanh(c), for n rows from r, with the
     * gates in {@link #gates} as [i, f, o, g][n rows][lanes].
     *
     * <p>With a = expm1(-x), sigmoid(x) = 1 / (2 + a), and with m = expm1(2x), tanh(x) = m / (m +
     * 2). So with Df = 2 + a_f and Dig = (2 + a_i)(m_g + 2), one reciprocal R = 1 / (Df Dig) gives
     * both sigmoid(f) = Dig R and sigmoid(i) tanh(g) = m_g Df R, and h = m_c / ((2 + a_o)(m_c + 2))
     * is a second division: two divisions per unit instead of five. The expm1 arguments are clamped
     * to [-{@value #CLAMP}, {@value #CLAMP}] so the triple product stays finite (e^75 < 2^127); the
     * clamp changes no result by more than e^-25 (and float tanh(12.5) is already 1).
     */
    private void cells(int r, int n, int units, int ch, float[] c, float[] h) {
        float[] g = gates;
        int nl = n * L;
        expm1(g, 0, 3 * nl, -1f); // a_i, a_f, a_o
        expm1(g, 3 * nl, nl, 2f); // m_g
        for (int q = 0; q < n; q++) {
            int at = (r + q) * units + ch * L;
            FloatVector df = FloatVector.fromArray(S, g, nl + q * L).add(2f);
            FloatVector mg = FloatVector.fromArray(S, g, 3 * nl + q * L);
            FloatVector dig = FloatVector.fromArray(S, g, q * L).add(2f).mul(mg.add(2f));
            FloatVector rr = FloatVector.broadcast(S, 1f).div(df.mul(dig));
            FloatVector cell =
                    FloatVector.fromArray(S, c, at).mul(dig.mul(rr)).add(mg.mul(df.mul(rr)));
            cell.intoArray(c, at);
            cell.intoArray(tc, q * L);
        }
        expm1(tc, 0, nl, 2f); // m_c
        for (int q = 0; q < n; q++) {
            FloatVector mc = FloatVector.fromArray(S, tc, q * L);
            FloatVector d = FloatVector.fromArray(S, g, 2 * nl + q * L).add(2f).mul(mc.add(2f));
            mc.div(d).intoArray(h, (r + q) * units + ch * L);
        }
    }

    @Override
    public void dense(
            float[] in, int rows, int k, float[] w, float[] b, int n, boolean relu, float[] out) {
        for (int col = 0; col < n; col += L) {
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                dense4(in, r, k, w, b, n, col, relu, out);
            }
            for (; r < rows; r++) {
                FloatVector a0 = FloatVector.fromArray(S, b, col);
                int x0 = r * k;
                for (int kk = 0, wo = col; kk < k; kk++, wo += n) {
                    a0 =
                            FloatVector.fromArray(S, w, wo)
                                    .fma(FloatVector.broadcast(S, in[x0 + kk]), a0);
                }
                (relu ? a0.max(0f) : a0).intoArray(out, r * n + col);
            }
        }
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
     * a[from, from+n) = expm1(clamp(s a)), the argument clamped to [-{@value #CLAMP}, {@value
     * #CLAMP}]; n a multiple of the lanes.
     */
    private static void expm1(float[] a, int from, int n, float s) {
        for (int i = from; i < from + n; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i).mul(s).max(-CLAMP).min(CLAMP);
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
