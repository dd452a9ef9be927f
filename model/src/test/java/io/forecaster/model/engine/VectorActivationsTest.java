package io.forecaster.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel's LSTM cell (polynomial expm1, two divisions per unit) against the same cell in
 * double precision with {@link Math#tanh} and {@link Math#exp}, on dense grids.
 */
class VectorActivationsTest {

    private static final int L = new VectorKernel().lanes();

    /** A gate value whose sigmoid is 1 (and of its negation 0) in float. */
    private static final float SATURATED = 100f;

    /** One group of lanes: gates [i, f, o, g][lanes] (overwritten), c and h over the lanes. */
    private static void cell(float[] gates, float[] c, float[] h) {
        VectorKernel.cellsOf(gates, new float[L], 1, 0, L, c, h, 0);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double ulps(float value, double reference) {
        float ulp = Math.ulp((float) reference);
        return Math.abs(value - reference) / ulp;
    }

    /**
     * tanh through h: with sigmoid(f) = 1, sigmoid(i) = 0 and sigmoid(o) = 1 the cell keeps c = x
     * and outputs tanh(x); every x in [-12, 12] a multiple of 2^-14.
     */
    @Test
    void tanhIsWithinAFewUlpsOfMathTanh() {
        float[] gates = new float[4 * L];
        float[] c = new float[L];
        float[] h = new float[L];
        double worstUlps = 0;
        double worstAt = 0;
        double keptC = 0;
        int n = 24 << 14;
        for (int at = 0; at <= n; at += L) {
            java.util.Arrays.fill(gates, 0, L, -SATURATED);
            java.util.Arrays.fill(gates, L, 3 * L, SATURATED);
            java.util.Arrays.fill(gates, 3 * L, 4 * L, 0f);
            for (int j = 0; j < L; j++) {
                c[j] = (at + j - n / 2) / 16384f;
            }
            float[] x = c.clone();
            cell(gates, c, h);
            for (int j = 0; j < L; j++) {
                double u = ulps(h[j], Math.tanh(c[j]));
                keptC = Math.max(keptC, ulps(c[j], x[j]));
                if (u > worstUlps) {
                    worstUlps = u;
                    worstAt = x[j];
                }
            }
        }
        System.out.printf(
                "tanh: max %.2f ulps (at %s), c kept within %.2f ulps%n",
                worstUlps, worstAt, keptC);
        assertThat(keptC).as("c through a saturated forget gate").isLessThanOrEqualTo(1);
        assertThat(worstUlps).as("max error in ulps, at x = %s", worstAt).isLessThanOrEqualTo(4);
    }

    /**
     * sigmoid through h: with c saturated (tanh(c) = 1) the cell outputs sigmoid(o); every o in
     * [-24, 24] a multiple of 2^-13. Computed as (1 + tanh(o/2)) / 2, its error is absolute: within
     * one float ulp of 1 everywhere, a few ulps of the value where it is over 1/4.
     */
    @Test
    void sigmoidIsWithinTwoUlpsOfOneEverywhere() {
        float[] gates = new float[4 * L];
        float[] c = new float[L];
        float[] h = new float[L];
        double worstAbs = 0;
        double worstUlps = 0;
        int n = 48 << 13;
        for (int at = 0; at <= n; at += L) {
            java.util.Arrays.fill(gates, 0, L, -SATURATED);
            java.util.Arrays.fill(gates, L, 2 * L, SATURATED);
            java.util.Arrays.fill(gates, 3 * L, 4 * L, 0f);
            java.util.Arrays.fill(c, 50f);
            float[] o = new float[L];
            for (int j = 0; j < L; j++) {
                o[j] = (at + j - n / 2) / 8192f;
                gates[2 * L + j] = o[j];
            }
            cell(gates, c, h);
            for (int j = 0; j < L; j++) {
                double ref = sigmoid(o[j]);
                worstAbs = Math.max(worstAbs, Math.abs(h[j] - ref));
                if (ref >= 0.25) {
                    worstUlps = Math.max(worstUlps, ulps(h[j], ref));
                }
            }
        }
        System.out.printf(
                "sigmoid: max |error| %.3g, max %.2f ulps where >= 1/4%n", worstAbs, worstUlps);
        assertThat(worstAbs).isLessThanOrEqualTo(2 * Math.ulp(1f));
        assertThat(worstUlps).isLessThanOrEqualTo(4);
    }

    /** The whole cell on random gates and states against the double-precision cell. */
    @Test
    void cellMatchesTheDoublePrecisionCell() {
        SplittableRandom random = new SplittableRandom(20261201);
        float[] gates = new float[4 * L];
        float[] c = new float[L];
        float[] h = new float[L];
        double worstC = 0;
        double worstH = 0;
        for (int round = 0; round < 200_000 / L; round++) {
            for (int j = 0; j < 4 * L; j++) {
                gates[j] = (float) random.nextDouble(-10, 10);
            }
            float[] g = gates.clone();
            for (int j = 0; j < L; j++) {
                c[j] = (float) random.nextDouble(-5, 5);
            }
            float[] before = c.clone();
            cell(gates, c, h);
            for (int j = 0; j < L; j++) {
                double cc = sigmoid(g[L + j]) * before[j] + sigmoid(g[j]) * Math.tanh(g[3 * L + j]);
                double hh = sigmoid(g[2 * L + j]) * Math.tanh(cc);
                // relative to the terms' size: c carries the rounding of sigmoid(f) c
                worstC = Math.max(worstC, Math.abs(c[j] - cc) / (1 + Math.abs(before[j])));
                worstH = Math.max(worstH, Math.abs(h[j] - hh));
            }
        }
        System.out.printf(
                "cell: max |c error| / (1 + |c|) %.3g, max |h error| %.3g%n", worstC, worstH);
        assertThat(worstC).isLessThanOrEqualTo(4 * Math.ulp(1f));
        assertThat(worstH).isLessThanOrEqualTo(4 * Math.ulp(1f));
    }
}
