package io.forecaster.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Windows forecast H steps ahead through the step model: each window is stepped from the zero state
 * through its points, then {@code horizon - 1} steps on its own predictions, so a window of T
 * points costs T + H - 1 step-model calls (per chunk of up to {@value #CHUNK} windows) instead of H
 * window- model calls over T, T + 1, ..., T + H - 1 points. The window model has no state outputs,
 * so the state the rollout continues from can only come from stepping the window; stepping from the
 * zero state reproduces the window model's outputs (the contract), so the predictions over the
 * window are the step model's too.
 *
 * <p>The state lives in two sets of direct buffers that swap roles every step (the outputs of one
 * call are the inputs of the next), so nothing is copied between steps; the tensors over them are
 * built when the number of rows changes.
 */
final class OnnxRollout implements AutoCloseable {

    /** Windows per session call at most (bounds the state buffers: ~2 KB per row for sunspots). */
    static final int CHUNK = 1024;

    /** A step-model call's fixed cost, in units of one window-step of one row's work. */
    static final double STEP_CALL = 10;

    /** A window-model call's fixed cost, in the same units. */
    static final double WINDOW_CALL = 20;

    /**
     * Whether this path is expected to be cheaper than rerunning the window model: T + H - 1 step
     * calls of {@code batch} rows against H window calls over T, ..., T + H - 1 steps. Both cost
     * about the same per row and step; what differs is the fixed cost per call (ONNX Runtime's
     * per-run overhead, about 10 and 20 row-steps for the sunspots export, JMH 2026-11-30), which
     * the T + H - 1 calls pay many times: at batch 1 the rerun is cheaper up to H = 8 (60-point
     * windows), from batch 16 on the step model is cheaper for every H above 1. Both paths give the
     * same forecasts, so this only decides the speed.
     */
    static boolean cheaperThanRerun(int batch, int length, int horizon) {
        if (horizon < 2) {
            return false;
        }
        double b = Math.min(batch, CHUNK);
        double step = (length + horizon - 1.0) * (STEP_CALL + b);
        double rerun =
                horizon * WINDOW_CALL
                        + b * (horizon * (double) length + horizon * (horizon - 1.0) / 2.0);
        return step < rerun;
    }

    private static final int STATES = OnnxContract.STATE.size();

    private final OrtSession session;
    private final OnnxContract.Step sizes;
    private final Scaling scaling;
    private final Target target;
    private int capacity = 0;
    private FloatBuffer x;
    private FloatBuffer y;
    private final FloatBuffer[][] state = new FloatBuffer[2][STATES];
    private int rows = -1;
    private OnnxTensor xTensor;
    private OnnxTensor yTensor;
    private final OnnxTensor[][] stateTensors = new OnnxTensor[2][STATES];

    @SuppressWarnings("unchecked")
    private final Map<String, OnnxTensor>[] inputs = new Map[] {new HashMap<>(), new HashMap<>()};

    @SuppressWarnings("unchecked")
    private final Map<String, OnnxTensor>[] outputs = new Map[] {new HashMap<>(), new HashMap<>()};

    private float[] zeros = new float[0];

    OnnxRollout(OrtSession session, OnnxContract.Step sizes, Scaling scaling, Target target) {
        this.session = session;
        this.sizes = sizes;
        this.scaling = scaling;
        this.target = target;
    }

    /**
     * {@code out}: each window's predictions (step t forecasting t + 1); {@code ahead[b * horizon +
     * h]}: window b's forecast h + 1 steps past its last point, as {@link
     * io.forecaster.model.engine.Predictor#forecast} defines them. Arguments checked by the caller.
     */
    void forecast(float[] windows, int batch, int length, int horizon, float[] out, float[] ahead)
            throws OrtException {
        for (int b0 = 0; b0 < batch; b0 += CHUNK) {
            int n = Math.min(CHUNK, batch - b0);
            shape(n);
            for (int j = 0; j < STATES; j++) {
                state[0][j].put(0, zeros, 0, n * sizes.width(j));
            }
            int p = 0;
            for (int t = 0; t < length; t++) {
                for (int r = 0; r < n; r++) {
                    int at = (b0 + r) * length + t;
                    // the differences target sees the change from the point before (0 at t = 0)
                    x.put(
                            r,
                            target.input(scaling, windows[at], t > 0 ? windows[at - 1] : 0, t > 0));
                }
                session.run(inputs[p], outputs[p]).close();
                p ^= 1;
                for (int r = 0; r < n; r++) {
                    int at = (b0 + r) * length + t;
                    out[at] = (float) target.toRaw(scaling, y.get(r), windows[at]);
                }
            }
            for (int r = 0; r < n; r++) {
                ahead[(b0 + r) * horizon] = out[(b0 + r) * length + length - 1];
            }
            for (int h = 1; h < horizon; h++) {
                for (int r = 0; r < n; r++) {
                    // the last forecast (raw, as a caller would feed it) is the next input
                    int at = (b0 + r) * horizon + h - 1;
                    float before = h > 1 ? ahead[at - 1] : windows[(b0 + r) * length + length - 1];
                    x.put(r, target.input(scaling, ahead[at], before, true));
                }
                session.run(inputs[p], outputs[p]).close();
                p ^= 1;
                for (int r = 0; r < n; r++) {
                    int at = (b0 + r) * horizon + h;
                    ahead[at] = (float) target.toRaw(scaling, y.get(r), ahead[at - 1]);
                }
            }
        }
    }

    private void shape(int n) throws OrtException {
        if (n == rows) {
            return;
        }
        closeTensors();
        if (capacity < n) {
            capacity = n;
            x = OnnxSessions.direct(n);
            y = OnnxSessions.direct(n);
            int widest = 0;
            for (int j = 0; j < STATES; j++) {
                state[0][j] = OnnxSessions.direct(n * sizes.width(j));
                state[1][j] = OnnxSessions.direct(n * sizes.width(j));
                widest = Math.max(widest, sizes.width(j));
            }
            zeros = new float[n * widest];
        }
        xTensor = OnnxSessions.tensor(x, n, 1, 1);
        yTensor = OnnxSessions.tensor(y, n, 1, 1);
        for (int p = 0; p < 2; p++) {
            for (int j = 0; j < STATES; j++) {
                long[] shape =
                        j == 0 ? new long[] {n, sizes.width(j), 1} : new long[] {n, sizes.width(j)};
                stateTensors[p][j] = OnnxSessions.tensor(state[p][j], shape);
            }
        }
        for (int p = 0; p < 2; p++) {
            // phase p reads state set p and writes the other set
            inputs[p].put(OnnxContract.X, xTensor);
            outputs[p].put(OnnxContract.Y, yTensor);
            for (int j = 0; j < STATES; j++) {
                inputs[p].put(OnnxContract.STATE.get(j), stateTensors[p][j]);
                outputs[p].put(OnnxContract.STATE_OUT.get(j), stateTensors[1 - p][j]);
            }
        }
        rows = n;
    }

    private void closeTensors() {
        OnnxSessions.closeQuietly(xTensor);
        OnnxSessions.closeQuietly(yTensor);
        xTensor = null;
        yTensor = null;
        for (OnnxTensor[] set : stateTensors) {
            for (int j = 0; j < STATES; j++) {
                OnnxSessions.closeQuietly(set[j]);
                set[j] = null;
            }
        }
        for (int p = 0; p < 2; p++) {
            inputs[p].clear();
            outputs[p].clear();
        }
        rows = -1;
    }

    @Override
    public void close() {
        closeTensors();
        OnnxSessions.closeQuietly(session);
    }
}
