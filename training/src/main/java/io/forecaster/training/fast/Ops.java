package io.forecaster.training.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast trainer's arithmetic on the Vector API: two matrix products (row-major, widths padded to
 * a multiple of {@link #L} columns) and the elementwise activations. Like the fast engine's kernel,
 * each method is one self-contained loop nest so C2 keeps the vectors in registers.
 */
final class Ops {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Floats per vector; every matrix width the kernels see is a multiple of it. */
    static final int L = S.length();

    /** Rows of the left operand kept hot (in L1) while all column blocks pass over them. */
    private static final int ROW_BLOCK = 64;

    /** Rows of both operands of {@link #tn} kept hot (in L2) per pass. */
    private static final int TN_BLOCK = 128;

    private Ops() {}

    /** Rounds {@code n} up to a multiple of {@link #L}. */
    static int pad(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * C = A B, or C += A B when {@code accumulate}: A {@code [m][k]} (row stride lda), B {@code
     * [k][n]} (stride ldb), C {@code [m][n]} (stride ldc); n a multiple of {@link #L}.
     */
    static void nn(
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            int m,
            int k,
            int n,
            boolean accumulate) {
        for (int r0 = 0; r0 < m; r0 += ROW_BLOCK) {
            int r1 = Math.min(m, r0 + ROW_BLOCK);
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                int r = r0;
                for (; r + 4 <= r1; r += 4) {
                    nn4x2(
                            a,
                            aOff + r * lda,
                            lda,
                            b,
                            bOff + j,
                            ldb,
                            c,
                            cOff + r * ldc + j,
                            ldc,
                            k,
                            accumulate);
                }
                for (; r < r1; r++) {
                    nn1(a, aOff + r * lda, b, bOff + j, ldb, c, cOff + r * ldc + j, k, accumulate);
                    nn1(
                            a,
                            aOff + r * lda,
                            b,
                            bOff + j + L,
                            ldb,
                            c,
                            cOff + r * ldc + j + L,
                            k,
                            accumulate);
                }
            }
            for (; j < n; j += L) {
                for (int r = r0; r < r1; r++) {
                    nn1(a, aOff + r * lda, b, bOff + j, ldb, c, cOff + r * ldc + j, k, accumulate);
                }
            }
        }
    }

    private static void nn4x2(
            float[] a,
            int a0,
            int lda,
            float[] b,
            int b0,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            int k,
            boolean accumulate) {
        FloatVector s00, s01, s10, s11, s20, s21, s30, s31;
        if (accumulate) {
            s00 = FloatVector.fromArray(S, c, c0);
            s01 = FloatVector.fromArray(S, c, c0 + L);
            s10 = FloatVector.fromArray(S, c, c0 + ldc);
            s11 = FloatVector.fromArray(S, c, c0 + ldc + L);
            s20 = FloatVector.fromArray(S, c, c0 + 2 * ldc);
            s21 = FloatVector.fromArray(S, c, c0 + 2 * ldc + L);
            s30 = FloatVector.fromArray(S, c, c0 + 3 * ldc);
            s31 = FloatVector.fromArray(S, c, c0 + 3 * ldc + L);
        } else {
            s00 = FloatVector.zero(S);
            s01 = s00;
            s10 = s00;
            s11 = s00;
            s20 = s00;
            s21 = s00;
            s30 = s00;
            s31 = s00;
        }
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int kk = 0, bo = b0; kk < k; kk++, bo += ldb) {
            FloatVector w0 = FloatVector.fromArray(S, b, bo);
            FloatVector w1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            s00 = w0.fma(x, s00);
            s01 = w1.fma(x, s01);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            s10 = w0.fma(x, s10);
            s11 = w1.fma(x, s11);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            s20 = w0.fma(x, s20);
            s21 = w1.fma(x, s21);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            s30 = w0.fma(x, s30);
            s31 = w1.fma(x, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + L);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + L);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + L);
    }

    private static void nn1(
            float[] a,
            int a0,
            float[] b,
            int b0,
            int ldb,
            float[] c,
            int c0,
            int k,
            boolean accumulate) {
        FloatVector s = accumulate ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
        for (int kk = 0, bo = b0; kk < k; kk++, bo += ldb) {
            s = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[a0 + kk]), s);
        }
        s.intoArray(c, c0);
    }

    /**
     * C += Aᵀ B over m rows: A {@code [m][k]} (stride lda), B {@code [m][n]} (stride ldb), C {@code
     * [k][n]} (stride ldc); n a multiple of {@link #L}. The weight gradients.
     */
    static void tn(
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            int m,
            int k,
            int n) {
        for (int r0 = 0; r0 < m; r0 += TN_BLOCK) {
            int rows = Math.min(m, r0 + TN_BLOCK) - r0;
            int ao = aOff + r0 * lda;
            int bo = bOff + r0 * ldb;
            int kk = 0;
            for (; kk + 4 <= k; kk += 4) {
                int j = 0;
                for (; j + 2 * L <= n; j += 2 * L) {
                    tn4x2(a, ao + kk, lda, b, bo + j, ldb, c, cOff + kk * ldc + j, ldc, rows);
                }
                for (; j < n; j += L) {
                    for (int q = 0; q < 4; q++) {
                        tn1(
                                a,
                                ao + kk + q,
                                lda,
                                b,
                                bo + j,
                                ldb,
                                c,
                                cOff + (kk + q) * ldc + j,
                                rows);
                    }
                }
            }
            for (; kk < k; kk++) {
                for (int j = 0; j < n; j += L) {
                    tn1(a, ao + kk, lda, b, bo + j, ldb, c, cOff + kk * ldc + j, rows);
                }
            }
        }
    }

    private static void tn4x2(
            float[] a,
            int a0,
            int lda,
            float[] b,
            int b0,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            int rows) {
        FloatVector s00 = FloatVector.fromArray(S, c, c0);
        FloatVector s01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector s10 = FloatVector.fromArray(S, c, c0 + ldc);
        FloatVector s11 = FloatVector.fromArray(S, c, c0 + ldc + L);
        FloatVector s20 = FloatVector.fromArray(S, c, c0 + 2 * ldc);
        FloatVector s21 = FloatVector.fromArray(S, c, c0 + 2 * ldc + L);
        FloatVector s30 = FloatVector.fromArray(S, c, c0 + 3 * ldc);
        FloatVector s31 = FloatVector.fromArray(S, c, c0 + 3 * ldc + L);
        for (int r = 0, ao = a0, bo = b0; r < rows; r++, ao += lda, bo += ldb) {
            FloatVector g0 = FloatVector.fromArray(S, b, bo);
            FloatVector g1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            s00 = g0.fma(x, s00);
            s01 = g1.fma(x, s01);
            x = FloatVector.broadcast(S, a[ao + 1]);
            s10 = g0.fma(x, s10);
            s11 = g1.fma(x, s11);
            x = FloatVector.broadcast(S, a[ao + 2]);
            s20 = g0.fma(x, s20);
            s21 = g1.fma(x, s21);
            x = FloatVector.broadcast(S, a[ao + 3]);
            s30 = g0.fma(x, s30);
            s31 = g1.fma(x, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + L);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + L);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + L);
    }

    private static void tn1(
            float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int rows) {
        FloatVector s = FloatVector.fromArray(S, c, c0);
        for (int r = 0, ao = a0, bo = b0; r < rows; r++, ao += lda, bo += ldb) {
            s = FloatVector.fromArray(S, b, bo).fma(FloatVector.broadcast(S, a[ao]), s);
        }
        s.intoArray(c, c0);
    }

    /** Adds the column sums of A {@code [m][n]} (stride lda) to {@code sums[off, off + n)}. */
    static void colSums(float[] a, int aOff, int lda, int m, int n, float[] sums, int off) {
        for (int j = 0; j < n; j += L) {
            FloatVector s = FloatVector.fromArray(S, sums, off + j);
            for (int r = 0, ao = aOff + j; r < m; r++, ao += lda) {
                s = s.add(FloatVector.fromArray(S, a, ao));
            }
            s.intoArray(sums, off + j);
        }
    }

    /** Copies {@code bias[bOff, bOff + n)} into each of the m rows of C (stride ldc). */
    static void fillRows(float[] bias, int bOff, float[] c, int cOff, int ldc, int m, int n) {
        for (int r = 0; r < m; r++) {
            System.arraycopy(bias, bOff, c, cOff + r * ldc, n);
        }
    }

    /** x = max(x, 0) over {@code [from, from + n)}, n a multiple of {@link #L}. */
    static void relu(float[] x, int from, int n) {
        for (int i = from; i < from + n; i += L) {
            FloatVector.fromArray(S, x, i).max(0f).intoArray(x, i);
        }
    }

    /** g = g where y > 0, else 0, over {@code [from, from + n)}: relu's backward pass. */
    static void reluGrad(float[] y, float[] g, int from, int n) {
        for (int i = from; i < from + n; i += L) {
            FloatVector v = FloatVector.fromArray(S, g, i);
            v.blend(0f, FloatVector.fromArray(S, y, i).compare(VectorOperators.LE, 0f))
                    .intoArray(g, i);
        }
    }

    /**
     * One LSTM step's activations and cell update for one row, in place: z holds the row's
     * pre-activations in DL4J's gate blocks [cell input | forget | output | input] of {@code hp}
     * units each; afterwards it holds the activations (tanh, sigmoid, sigmoid, sigmoid). Then c = f
     * c' + i a (c' = {@code cPrev} or zero when {@code cPrevOff < 0}), tc = tanh(c), h = o tc.
     */
    static void lstmCell(
            float[] z,
            int zOff,
            int hp,
            float[] cPrev,
            int cPrevOff,
            float[] c,
            float[] tc,
            float[] h,
            int off) {
        for (int u = 0; u < hp; u += L) {
            int za = zOff + u;
            int zf = za + hp;
            int zo = zf + hp;
            int zi = zo + hp;
            FloatVector a = tanh(FloatVector.fromArray(S, z, za));
            FloatVector f = sigmoid(FloatVector.fromArray(S, z, zf));
            FloatVector o = sigmoid(FloatVector.fromArray(S, z, zo));
            FloatVector i = sigmoid(FloatVector.fromArray(S, z, zi));
            a.intoArray(z, za);
            f.intoArray(z, zf);
            o.intoArray(z, zo);
            i.intoArray(z, zi);
            FloatVector cell = i.mul(a);
            if (cPrevOff >= 0) {
                cell = f.fma(FloatVector.fromArray(S, cPrev, cPrevOff + u), cell);
            }
            cell.intoArray(c, off + u);
            FloatVector t = tanh(cell);
            t.intoArray(tc, off + u);
            o.mul(t).intoArray(h, off + u);
        }
    }

    /**
     * One LSTM step's backward pass for one row, in place. In: z holds the activations [a | f | o |
     * i], {@code dh} the gradient of the loss by h (from above and from the next step), {@code dc}
     * the gradient by c from the next step (its cell state's contribution). Out: z holds the
     * gradients by the pre-activations, {@code dc} the gradient by the previous step's c.
     */
    static void lstmCellBack(
            float[] z,
            int zOff,
            int hp,
            float[] cPrev,
            int cPrevOff,
            float[] tc,
            float[] dh,
            int off,
            float[] dc,
            int dcOff) {
        for (int u = 0; u < hp; u += L) {
            int za = zOff + u;
            int zf = za + hp;
            int zo = zf + hp;
            int zi = zo + hp;
            FloatVector a = FloatVector.fromArray(S, z, za);
            FloatVector f = FloatVector.fromArray(S, z, zf);
            FloatVector o = FloatVector.fromArray(S, z, zo);
            FloatVector i = FloatVector.fromArray(S, z, zi);
            FloatVector t = FloatVector.fromArray(S, tc, off + u);
            FloatVector g = FloatVector.fromArray(S, dh, off + u);
            FloatVector one = FloatVector.broadcast(S, 1f);
            // do = dh tanh(c) o (1 - o)
            FloatVector dO = g.mul(t).mul(o).mul(one.sub(o));
            // dc = dc_next + dh o (1 - tanh²(c))
            FloatVector d =
                    FloatVector.fromArray(S, dc, dcOff + u).add(g.mul(o).mul(one.sub(t.mul(t))));
            FloatVector dI = d.mul(a).mul(i).mul(one.sub(i));
            FloatVector dA = d.mul(i).mul(one.sub(a.mul(a)));
            FloatVector dF =
                    cPrevOff >= 0
                            ? d.mul(FloatVector.fromArray(S, cPrev, cPrevOff + u))
                                    .mul(f)
                                    .mul(one.sub(f))
                            : FloatVector.zero(S);
            d.mul(f).intoArray(dc, dcOff + u);
            dA.intoArray(z, za);
            dF.intoArray(z, zf);
            dO.intoArray(z, zo);
            dI.intoArray(z, zi);
        }
    }

    // e^x for x in [-87, 88]: x = n ln2 + r, |r| <= ln2/2, e^r by a degree-6 polynomial (Cephes
    // expf's coefficients), 2^n from the exponent bits
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    private static final float MAGIC = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final int MAGIC_BITS = 0x4B400000;

    static FloatVector exp(FloatVector v) {
        FloatVector x = v.max(-87f).min(88f);
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, MAGIC));
        FloatVector n = t.sub(MAGIC); // round(x log2 e)
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, P0);
        p = p.fma(r, FloatVector.broadcast(S, P1));
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        p = p.fma(r.mul(r), r).add(1f);
        FloatVector pow2 =
                t.reinterpretAsInts()
                        .add(127 - MAGIC_BITS)
                        .lanewise(VectorOperators.LSHL, 23)
                        .reinterpretAsFloats();
        return p.mul(pow2);
    }

    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /** tanh(x) = 1 - 2 / (e^{2x} + 1), exact to a few ulp away from 0 and absolutely near 0. */
    static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.mul(2f));
        return FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
    }
}
