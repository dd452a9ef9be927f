package io.forecaster.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The onnx engine's predictor: the bundle's window model in one session. Inputs are scaled into a
 * direct buffer that the input tensor wraps, and the output tensor is pinned to another, so a call
 * copies nothing besides the scaling; the tensors are rebuilt only when the batch or length
 * changes. One instance per thread.
 *
 * <p>{@link #forecast} with a horizon above 1 runs the bundle's step model when it has one and that
 * is expected to be cheaper ({@link OnnxRollout}: T + H - 1 step calls, the step session opened at
 * the first such call); otherwise it takes the {@link Predictor} default, which reruns the window
 * model once per extra step.
 */
final class OnnxPredictor implements Predictor {

    private final OrtSession session;
    private final OnnxContract.Window io;
    private final Scaling scaling;
    private final Target target;
    private final byte[] stepGraph;
    private OnnxRollout rollout;
    private FloatBuffer in = OnnxSessions.direct(0);
    private FloatBuffer out = OnnxSessions.direct(0);
    private int batch = -1;
    private int length = -1;
    private OnnxTensor inTensor;
    private OnnxTensor outTensor;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> outputs;

    OnnxPredictor(ModelBundle bundle) {
        this.scaling = bundle.metadata().scaling();
        this.target = bundle.metadata().target();
        this.stepGraph = bundle.stepGraph();
        this.session = OnnxSessions.open(ModelBundle.WINDOW_ONNX, bundle.windowGraph());
        try {
            this.io = OnnxContract.window(session);
        } catch (OrtException | RuntimeException e) {
            OnnxSessions.closeQuietly(session);
            throw e instanceof IllegalArgumentException iae
                    ? iae
                    : new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public void predict(float[] windows, int batch, int length, float[] result) {
        Engines.checkBatch(windows, batch, length, result);
        int n = batch * length;
        try {
            shape(batch, length);
            for (int i = 0; i < n; i++) {
                boolean first = i % length == 0;
                in.put(i, target.input(scaling, windows[i], first ? 0 : windows[i - 1], !first));
            }
            session.run(inputs, outputs).close();
            for (int i = 0; i < n; i++) {
                result[i] = (float) target.toRaw(scaling, out.get(i), windows[i]);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void forecast(
            float[] windows, int batch, int length, int horizon, float[] out, float[] ahead) {
        if (stepGraph == null || !OnnxRollout.cheaperThanRerun(batch, length, horizon)) {
            Predictor.super.forecast(windows, batch, length, horizon, out, ahead);
            return;
        }
        Engines.checkHorizon(batch, horizon, ahead);
        Engines.checkBatch(windows, batch, length, out);
        try {
            rollout().forecast(windows, batch, length, horizon, out, ahead);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** Whether {@link #forecast} has opened the step model (for tests). */
    boolean rolloutOpen() {
        return rollout != null;
    }

    private OnnxRollout rollout() {
        if (rollout == null) {
            OrtSession step = OnnxSessions.open(ModelBundle.STEP_ONNX, stepGraph);
            try {
                rollout = new OnnxRollout(step, OnnxContract.step(step), scaling, target);
            } catch (OrtException | RuntimeException e) {
                OnnxSessions.closeQuietly(step);
                throw e instanceof IllegalArgumentException iae
                        ? iae
                        : new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return rollout;
    }

    private void shape(int b, int t) throws OrtException {
        if (b == batch && t == length) {
            return;
        }
        closeTensors();
        int n = b * t;
        if (in.capacity() < n) {
            in = OnnxSessions.direct(n);
            out = OnnxSessions.direct(n);
        }
        inTensor = OnnxSessions.tensor(in, b, t, 1);
        outTensor = OnnxSessions.tensor(out, b, t, 1);
        inputs = Map.of(io.input(), inTensor);
        outputs = Map.of(io.output(), outTensor);
        batch = b;
        length = t;
    }

    private void closeTensors() {
        OnnxSessions.closeQuietly(inTensor);
        OnnxSessions.closeQuietly(outTensor);
        inTensor = null;
        outTensor = null;
        batch = -1;
        length = -1;
    }

    @Override
    public String engine() {
        return OnnxEngine.NAME;
    }

    @Override
    public void close() {
        closeTensors();
        OnnxSessions.closeQuietly(rollout);
        rollout = null;
        OnnxSessions.closeQuietly(session);
    }
}
