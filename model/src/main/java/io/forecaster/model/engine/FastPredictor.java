package io.forecaster.model.engine;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;

/**
 * The fast engine's predictor: windows in tiles of {@link FastNetwork#TILE}, each tile run through
 * time from the zero state (with a kernel that projects, {@link FastNetwork#window}: each layer's
 * input projections for many steps as one product; otherwise step by step). Allocates nothing per
 * call once its input buffer has grown to the longest window seen. One instance per thread.
 */
final class FastPredictor implements Predictor {

    private final FastNetwork net;
    private final Scaling scaling;
    private final Target target;
    private float[] scaled = new float[0]; // [TILE][length] model-scale inputs
    private float[] ys = new float[0]; // [TILE][length] model outputs (window path)

    FastPredictor(ModelBundle bundle, Kernel kernel) {
        this.net = new FastNetwork(bundle, kernel);
        this.scaling = bundle.metadata().scaling();
        this.target = bundle.metadata().target();
    }

    /** The kernel's name ("vector512", "scalar", ...). */
    String kernel() {
        return net.kernel.name();
    }

    @Override
    public void predict(float[] windows, int batch, int length, float[] out) {
        run(windows, batch, length, 1, out, null);
    }

    /** Continues each tile from its state after the window: no rerun, no allocation. */
    @Override
    public void forecast(
            float[] windows, int batch, int length, int horizon, float[] out, float[] ahead) {
        Engines.checkHorizon(batch, horizon, ahead);
        run(windows, batch, length, horizon, out, ahead);
    }

    private void run(
            float[] windows, int batch, int length, int horizon, float[] out, float[] ahead) {
        Engines.checkBatch(windows, batch, length, out);
        if (scaled.length < FastNetwork.TILE * length) {
            scaled = new float[FastNetwork.TILE * length];
        }
        boolean project = net.kernel.projects();
        if (project && ys.length < FastNetwork.TILE * length) {
            ys = new float[FastNetwork.TILE * length];
        }
        int k = net.w.kernel;
        float[] convIn = net.convIn;
        float[] y = net.y;
        for (int b0 = 0; b0 < batch; b0 += FastNetwork.TILE) {
            int rows = Math.min(FastNetwork.TILE, batch - b0);
            for (int r = 0; r < rows; r++) {
                target.encode(scaling, windows, (b0 + r) * length, length, scaled, r * length);
            }
            if (project) {
                net.window(scaled, rows, length, ys);
                for (int r = 0; r < rows; r++) {
                    for (int t = 0; t < length; t++) {
                        int at = (b0 + r) * length + t;
                        out[at] = (float) target.toRaw(scaling, ys[r * length + t], windows[at]);
                    }
                }
                if (ahead != null) {
                    gather(rows, length, length - 1, k, convIn);
                }
            } else {
                net.reset(rows);
                for (int t = 0; t < length; t++) {
                    gather(rows, length, t, k, convIn);
                    net.step(rows);
                    for (int r = 0; r < rows; r++) {
                        int at = (b0 + r) * length + t;
                        out[at] = (float) target.toRaw(scaling, y[r], windows[at]);
                    }
                }
            }
            if (ahead == null) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                ahead[(b0 + r) * horizon] = out[(b0 + r) * length + length - 1];
            }
            for (int h = 1; h < horizon; h++) {
                for (int r = 0; r < rows; r++) {
                    // the last prediction (raw, as a caller would feed it) is the next input
                    int in = r * k;
                    System.arraycopy(convIn, in + 1, convIn, in, k - 1);
                    int at = (b0 + r) * horizon + h - 1;
                    float before = h > 1 ? ahead[at - 1] : windows[(b0 + r) * length + length - 1];
                    convIn[in + k - 1] = target.input(scaling, ahead[at], before, true);
                }
                if (project) {
                    net.stepAfterWindow(rows);
                } else {
                    net.step(rows);
                }
                for (int r = 0; r < rows; r++) {
                    int at = (b0 + r) * horizon + h;
                    // the input of this step is the forecast of the one before
                    ahead[at] = (float) target.toRaw(scaling, y[r], ahead[at - 1]);
                }
            }
        }
    }

    /** Step t's convolution inputs of rows [0, rows) into {@code convIn} ({@code [rows][k]}). */
    private void gather(int rows, int length, int t, int k, float[] convIn) {
        for (int r = 0; r < rows; r++) {
            int src = r * length + t - (k - 1);
            for (int j = 0; j < k; j++, src++) {
                // the causal convolution pads with zeros before the first step
                convIn[r * k + j] = src >= r * length ? scaled[src] : 0f;
            }
        }
    }

    @Override
    public String engine() {
        return Engines.FAST;
    }

    @Override
    public void close() {}
}
