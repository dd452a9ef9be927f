package io.forecaster.training.fast;

import java.util.Arrays;

/**
 * Forward and backward through time over a slice of a batch of windows, on the packed weights,
 * adding the loss and the gradient (in the packed layout) into its own accumulators. Buffers are
 * time-major ({@code [step][row][width]}), so the layers' input products run as one matrix product
 * over all steps and rows, and each step's rows are contiguous for the recurrent ones. Everything a
 * backward pass needs is kept from the forward pass; the gate buffers are overwritten in place by
 * the gate gradients on the way back.
 */
final class Worker {

    private final Packing p;
    private final int window;
    private final int maxRows;

    private final float[] x; // [T][rows] inputs
    private final float[] label; // [T][rows]
    private final float[] a0; // [M][fp] conv output (after relu)
    private final float[] z1; // [M][4 h1p] gates
    private final float[] c1; // [M][h1p]
    private final float[] tc1;
    private final float[] h1;
    private final float[] z2;
    private final float[] c2;
    private final float[] tc2;
    private final float[] h2;
    private final float[] d1; // [M][n1p]
    private final float[] d2; // [M][n2p]
    private final float[] dy; // [M]
    private final float[] dd2;
    private final float[] dd1;
    private final float[] dh2;
    private final float[] dh1;
    private final float[] da0;
    private final float[] dc; // [rows][max(h1p, h2p)]

    /** The packed gradient summed over this worker's rows (scaled by the caller's factor). */
    final float[] grad;

    /** The Huber loss summed over this worker's rows and steps. */
    double loss;

    /** Whether labels are changes from the step's input (the change target) instead of levels. */
    private final boolean change;

    /** Whether inputs are changes between consecutive points (the differences target). */
    private final boolean differences;

    Worker(Packing p, int window, int maxRows, boolean change, boolean differences) {
        this.change = change;
        this.differences = differences;
        this.p = p;
        this.window = window;
        this.maxRows = maxRows;
        int m = window * maxRows;
        x = new float[m];
        label = new float[m];
        a0 = new float[m * p.fp];
        z1 = new float[m * 4 * p.h1p];
        c1 = new float[m * p.h1p];
        tc1 = new float[m * p.h1p];
        h1 = new float[m * p.h1p];
        z2 = new float[m * 4 * p.h2p];
        c2 = new float[m * p.h2p];
        tc2 = new float[m * p.h2p];
        h2 = new float[m * p.h2p];
        d1 = new float[m * p.n1p];
        d2 = new float[m * p.n2p];
        dy = new float[m];
        dd2 = new float[m * p.n2p];
        dd1 = new float[m * p.n1p];
        dh2 = new float[m * p.h2p];
        dh1 = new float[m * p.h1p];
        da0 = new float[m * p.fp];
        dc = new float[maxRows * Math.max(p.h1p, p.h2p)];
        grad = new float[p.size];
    }

    /**
     * Loss and gradient of windows {@code [from, to)} (each {@code W + 1} points: inputs the first
     * W, targets the last W), added to {@link #loss} and {@link #grad}; the gradient of each row's
     * loss is multiplied by {@code gradScale} (1 / batch size: DL4J's minibatch mean).
     */
    void run(
            float[][] windows,
            int from,
            int to,
            float[] w,
            float[] wt,
            double huberDelta,
            double gradScale) {
        int nb = to - from;
        if (nb > maxRows) {
            throw new IllegalArgumentException(nb + " rows for a worker of " + maxRows);
        }
        int t = window;
        int m = t * nb;
        for (int r = 0; r < nb; r++) {
            float[] win = windows[from + r];
            for (int s = 0; s < t; s++) {
                x[s * nb + r] = differences ? (s > 0 ? win[s] - win[s - 1] : 0f) : win[s];
                label[s * nb + r] = change ? win[s + 1] - win[s] : win[s + 1];
            }
        }
        forward(nb, w);
        loss += lossAndOutputGradient(m, w, (float) huberDelta, (float) gradScale);
        backward(nb, w, wt);
    }

    private void forward(int nb, float[] w) {
        int t = window;
        int m = t * nb;
        conv(nb, w);
        lstmForward(a0, p.fp, w, p.wx1, p.wh1, p.b1, p.h1p, z1, c1, tc1, h1, nb);
        lstmForward(h1, p.h1p, w, p.wx2, p.wh2, p.b2, p.h2p, z2, c2, tc2, h2, nb);
        Ops.fillRows(w, p.bd1, d1, 0, p.n1p, m, p.n1p);
        Ops.nn(h2, 0, p.h2p, w, p.wd1, p.n1p, d1, 0, p.n1p, m, p.h2p, p.n1p, true);
        Ops.relu(d1, 0, m * p.n1p);
        Ops.fillRows(w, p.bd2, d2, 0, p.n2p, m, p.n2p);
        Ops.nn(d1, 0, p.n1p, w, p.wd2, p.n2p, d2, 0, p.n2p, m, p.n1p, p.n2p, true);
        Ops.relu(d2, 0, m * p.n2p);
    }

    private void conv(int nb, float[] w) {
        int k = p.kernel;
        int fp = p.fp;
        for (int s = 0; s < window; s++) {
            for (int r = 0; r < nb; r++) {
                int o = (s * nb + r) * fp;
                System.arraycopy(w, p.convB, a0, o, fp);
                for (int j = 0; j < k; j++) {
                    int src = s - (k - 1) + j;
                    if (src < 0) {
                        continue;
                    }
                    float v = x[src * nb + r];
                    int wo = p.convW + j * fp;
                    for (int q = 0; q < fp; q++) {
                        a0[o + q] += v * w[wo + q];
                    }
                }
            }
        }
        Ops.relu(a0, 0, window * nb * fp);
    }

    private void lstmForward(
            float[] in,
            int nIn,
            float[] w,
            int wx,
            int wh,
            int b,
            int hp,
            float[] z,
            float[] c,
            float[] tc,
            float[] h,
            int nb) {
        int g = 4 * hp;
        int m = window * nb;
        Ops.fillRows(w, b, z, 0, g, m, g);
        Ops.nn(in, 0, nIn, w, wx, g, z, 0, g, m, nIn, g, true);
        for (int s = 0; s < window; s++) {
            if (s > 0) {
                Ops.nn(h, (s - 1) * nb * hp, hp, w, wh, g, z, s * nb * g, g, nb, hp, g, true);
            }
            for (int r = 0; r < nb; r++) {
                int row = s * nb + r;
                Ops.lstmCell(z, row * g, hp, c, s > 0 ? (row - nb) * hp : -1, c, tc, h, row * hp);
            }
        }
    }

    /**
     * y = (d2 · wOut + bOut) × scale per step; the Huber loss summed; {@link #dy} = dLoss/d(the
     * output unit's pre-activation) × gradScale.
     */
    private double lossAndOutputGradient(int m, float[] w, float delta, float gradScale) {
        int n2p = p.n2p;
        float scale = p.outputScale;
        double sum = 0;
        for (int i = 0; i < m; i++) {
            float s = w[p.bOut];
            for (int j = 0; j < n2p; j++) {
                s += d2[i * n2p + j] * w[p.wOut + j];
            }
            float e = s * scale - label[i];
            float a = Math.abs(e);
            float q = Math.min(a, delta);
            sum += q * (a - 0.5f * q);
            dy[i] = Math.max(-delta, Math.min(delta, e)) * scale * gradScale;
        }
        return sum;
    }

    private void backward(int nb, float[] w, float[] wt) {
        int m = window * nb;
        int n1p = p.n1p;
        int n2p = p.n2p;
        // output unit and second dense layer
        float dOutB = 0;
        for (int i = 0; i < m; i++) {
            float d = dy[i];
            dOutB += d;
            for (int j = 0; j < n2p; j++) {
                float a = d2[i * n2p + j];
                grad[p.wOut + j] += d * a;
                dd2[i * n2p + j] = a > 0 ? d * w[p.wOut + j] : 0f;
            }
        }
        grad[p.bOut] += dOutB;
        Ops.tn(d1, 0, n1p, dd2, 0, n2p, grad, p.wd2, n2p, m, n1p, n2p);
        Ops.colSums(dd2, 0, n2p, m, n2p, grad, p.bd2);
        // first dense layer
        Ops.nn(dd2, 0, n2p, wt, p.wd2T, n1p, dd1, 0, n1p, m, n2p, n1p, false);
        Ops.reluGrad(d1, dd1, 0, m * n1p);
        Ops.tn(h2, 0, p.h2p, dd1, 0, n1p, grad, p.wd1, n1p, m, p.h2p, n1p);
        Ops.colSums(dd1, 0, n1p, m, n1p, grad, p.bd1);
        Ops.nn(dd1, 0, n1p, wt, p.wd1T, p.h2p, dh2, 0, p.h2p, m, n1p, p.h2p, false);
        // the LSTMs, through time
        lstmBackward(
                h1, p.h1p, wt, p.wx2T, p.wh2T, p.wx2, p.wh2, p.b2, p.h2p, z2, c2, tc2, h2, dh2, dh1,
                nb);
        lstmBackward(
                a0, p.fp, wt, p.wx1T, p.wh1T, p.wx1, p.wh1, p.b1, p.h1p, z1, c1, tc1, h1, dh1, da0,
                nb);
        // the convolution
        Ops.reluGrad(a0, da0, 0, m * p.fp);
        Ops.colSums(da0, 0, p.fp, m, p.fp, grad, p.convB);
        int k = p.kernel;
        int fp = p.fp;
        for (int s = 0; s < window; s++) {
            for (int r = 0; r < nb; r++) {
                int o = (s * nb + r) * fp;
                for (int j = 0; j < k; j++) {
                    int src = s - (k - 1) + j;
                    if (src < 0) {
                        continue;
                    }
                    float v = x[src * nb + r];
                    int go = p.convW + j * fp;
                    for (int q = 0; q < fp; q++) {
                        grad[go + q] += v * da0[o + q];
                    }
                }
            }
        }
    }

    /**
     * Backward through time of one LSTM layer. {@code dh} holds dLoss/dh from the layer above for
     * every step (and receives the recurrent contributions on the way); the gradients of the
     * weights go to {@link #grad} at the packed offsets {@code gx, gh, gb}; dLoss/d(input) to
     * {@code dIn}.
     */
    private void lstmBackward(
            float[] in,
            int nIn,
            float[] wt,
            int wxT,
            int whT,
            int gx,
            int gh,
            int gb,
            int hp,
            float[] z,
            float[] c,
            float[] tc,
            float[] h,
            float[] dh,
            float[] dIn,
            int nb) {
        int g = 4 * hp;
        int m = window * nb;
        Arrays.fill(dc, 0, nb * hp, 0f);
        for (int s = window - 1; s >= 0; s--) {
            for (int r = 0; r < nb; r++) {
                int row = s * nb + r;
                Ops.lstmCellBack(
                        z,
                        row * g,
                        hp,
                        c,
                        s > 0 ? (row - nb) * hp : -1,
                        tc,
                        dh,
                        row * hp,
                        dc,
                        r * hp);
            }
            if (s > 0) {
                // dh(s-1) += dz(s) Whᵀ
                Ops.nn(z, s * nb * g, g, wt, whT, hp, dh, (s - 1) * nb * hp, hp, nb, g, hp, true);
            }
        }
        Ops.tn(in, 0, nIn, z, 0, g, grad, gx, g, m, nIn, g);
        Ops.tn(h, 0, hp, z, nb * g, g, grad, gh, g, m - nb, hp, g);
        Ops.colSums(z, 0, g, m, g, grad, gb);
        Ops.nn(z, 0, g, wt, wxT, nIn, dIn, 0, nIn, m, g, nIn, false);
    }

    /** Clears the accumulated loss and gradient. */
    void clear() {
        loss = 0;
        Arrays.fill(grad, 0f);
    }
}
