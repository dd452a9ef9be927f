package io.forecaster.model.engine;

/**
 * The fast engine's arithmetic in plain Java loops: the fallback when the Vector API is absent.
 * Inner loops run over contiguous output columns so HotSpot can auto-vectorise them.
 */
final class ScalarKernel implements Kernel {

    /** Layout lanes; any divisor of the padded widths works, 8 keeps padding small. */
    static final int LANES = 8;

    private float[] acc = new float[0];

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public boolean chunkMajor() {
        return false;
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void lstm(
            float[] xh, int rows, int k, float[] w, float[] b, int units, float[] c, float[] h) {
        int width = 4 * units;
        float[] a = accumulator(width);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b, 0, a, 0, width);
            int x = r * k;
            for (int kk = 0; kk < k; kk++) {
                float v = xh[x + kk];
                int wo = kk * width;
                for (int j = 0; j < width; j++) {
                    a[j] += v * w[wo + j];
                }
            }
            int row = r * units;
            for (int u = 0; u < units; u++) {
                int g = (u / LANES) * 4 * LANES + u % LANES;
                float i = sigmoid(a[g]);
                float f = sigmoid(a[g + LANES]);
                float gg = tanh(a[g + 2 * LANES]);
                float o = sigmoid(a[g + 3 * LANES]);
                float cell = f * c[row + u] + i * gg;
                c[row + u] = cell;
                h[row + u] = o * tanh(cell);
            }
        }
    }

    @Override
    public void dense(
            float[] in, int rows, int k, float[] w, float[] b, int n, boolean relu, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            System.arraycopy(b, 0, out, o, n);
            int x = r * k;
            for (int kk = 0; kk < k; kk++) {
                float v = in[x + kk];
                int wo = kk * n;
                for (int j = 0; j < n; j++) {
                    out[o + j] += v * w[wo + j];
                }
            }
            if (relu) {
                for (int j = 0; j < n; j++) {
                    out[o + j] = Math.max(out[o + j], 0f);
                }
            }
        }
    }

    private float[] accumulator(int width) {
        if (acc.length < width) {
            acc = new float[width];
        }
        return acc;
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** Via the intrinsic Math.exp in double (Math.tanh is not intrinsified, and 5x slower). */
    static float tanh(float x) {
        return (float) (1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0));
    }
}
