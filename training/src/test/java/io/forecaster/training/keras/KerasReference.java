package io.forecaster.training.keras;

/**
 * A plain forward pass with Keras's semantics on Keras-layout weights (conv kernel [k, 1, F], LSTM
 * gates i|f|c|o, row-major Dense kernels), in double precision: an oracle for the DL4J layout that
 * does not share any code with {@link Dl4jParamLayout}.
 */
final class KerasReference {

    private KerasReference() {}

    static float[] forward(SeedArchitecture.Matched m, float[] window) {
        int len = window.length;
        double[][] x = new double[len][1];
        for (int t = 0; t < len; t++) {
            x[t][0] = window[t];
        }
        double[][] h = conv(m.conv(), x);
        h = lstm(m.lstm1(), h);
        h = lstm(m.lstm2(), h);
        h = dense(m.dense1(), h, true);
        h = dense(m.dense2(), h, true);
        h = dense(m.output(), h, false);
        float[] out = new float[len];
        for (int t = 0; t < len; t++) {
            out[t] = (float) (h[t][0] * m.hyperParams().outputScale());
        }
        return out;
    }

    private static double[][] conv(KerasLayer layer, double[][] x) {
        KerasTensor kernel = layer.weights().get("kernel");
        float[] b = layer.weights().get("bias").data();
        int k = kernel.shape()[0];
        int filters = kernel.shape()[2];
        double[][] y = new double[x.length][filters];
        for (int t = 0; t < x.length; t++) {
            for (int f = 0; f < filters; f++) {
                double s = b[f];
                for (int j = 0; j < k; j++) {
                    int src = t - (k - 1) + j; // causal: k-1 leading zeros
                    if (src >= 0) {
                        s += x[src][0] * kernel.data()[j * filters + f];
                    }
                }
                y[t][f] = Math.max(0, s);
            }
        }
        return y;
    }

    private static double[][] lstm(KerasLayer layer, double[][] x) {
        float[] w = layer.weights().get("kernel").data();
        float[] u = layer.weights().get("recurrent_kernel").data();
        float[] b = layer.weights().get("bias").data();
        int n = b.length / 4;
        int nIn = x[0].length;
        double[] h = new double[n];
        double[] c = new double[n];
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double[] z = new double[4 * n];
            for (int g = 0; g < 4 * n; g++) {
                double s = b[g];
                for (int i = 0; i < nIn; i++) {
                    s += x[t][i] * w[i * 4 * n + g];
                }
                for (int i = 0; i < n; i++) {
                    s += h[i] * u[i * 4 * n + g];
                }
                z[g] = s;
            }
            double[] hNext = new double[n];
            for (int j = 0; j < n; j++) {
                double in = sigmoid(z[j]);
                double forget = sigmoid(z[n + j]);
                double cell = Math.tanh(z[2 * n + j]);
                double o = sigmoid(z[3 * n + j]);
                c[j] = forget * c[j] + in * cell;
                hNext[j] = o * Math.tanh(c[j]);
            }
            h = hNext;
            out[t] = h.clone();
        }
        return out;
    }

    private static double[][] dense(KerasLayer layer, double[][] x, boolean relu) {
        float[] w = layer.weights().get("kernel").data();
        float[] b = layer.weights().get("bias").data();
        int nOut = b.length;
        int nIn = x[0].length;
        double[][] y = new double[x.length][nOut];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < nOut; o++) {
                double s = b[o];
                for (int i = 0; i < nIn; i++) {
                    s += x[t][i] * w[i * nOut + o];
                }
                y[t][o] = relu ? Math.max(0, s) : s;
            }
        }
        return y;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
