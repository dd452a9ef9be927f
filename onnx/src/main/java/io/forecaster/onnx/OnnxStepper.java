package io.forecaster.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The onnx engine's stepper: the bundle's step model in one session, the keys' states gathered into
 * direct buffers that the input tensors wrap, the outputs pinned to other direct buffers and
 * scattered back into the same state arrays. Tensors are rebuilt only when the number of keys
 * changes. One instance per thread.
 */
final class OnnxStepper implements Stepper {

    private static final int STATES = OnnxContract.STATE.size();

    private final OrtSession session;
    private final OnnxContract.Step sizes;
    private final Scaling scaling;
    private final Target target;
    private int capacity = 0;
    private FloatBuffer x;
    private FloatBuffer y;
    private final FloatBuffer[] stateIn = new FloatBuffer[STATES];
    private final FloatBuffer[] stateOut = new FloatBuffer[STATES];
    private int keys = -1;
    private final Map<String, OnnxTensor> inputs = new HashMap<>();
    private final Map<String, OnnxTensor> outputs = new HashMap<>();

    OnnxStepper(ModelBundle bundle) {
        this.scaling = bundle.metadata().scaling();
        this.target = bundle.metadata().target();
        this.session = OnnxSessions.open(ModelBundle.STEP_ONNX, bundle.stepGraph());
        try {
            this.sizes = OnnxContract.step(session);
        } catch (OrtException | RuntimeException e) {
            OnnxSessions.closeQuietly(session);
            throw e instanceof IllegalArgumentException iae
                    ? iae
                    : new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public StepState newState() {
        return StepState.zero(sizes.convHistory() + 1, sizes.units1(), sizes.units2());
    }

    @Override
    public void step(StepState[] states, float[] points, int n, float[] out) {
        Engines.checkStep(states, points, n, out);
        if (n == 0) {
            return;
        }
        try {
            shape(n);
            for (int i = 0; i < n; i++) {
                StepState s = states[i];
                checkState(s, i);
                x.put(i, target.input(scaling, points[i], s.last, s.steps > 0));
                stateIn[0].put(i * sizes.width(0), s.conv, 0, sizes.width(0));
                stateIn[1].put(i * sizes.width(1), s.h1, 0, sizes.width(1));
                stateIn[2].put(i * sizes.width(2), s.c1, 0, sizes.width(2));
                stateIn[3].put(i * sizes.width(3), s.h2, 0, sizes.width(3));
                stateIn[4].put(i * sizes.width(4), s.c2, 0, sizes.width(4));
            }
            session.run(inputs, outputs).close();
            for (int i = 0; i < n; i++) {
                StepState s = states[i];
                stateOut[0].get(i * sizes.width(0), s.conv, 0, sizes.width(0));
                stateOut[1].get(i * sizes.width(1), s.h1, 0, sizes.width(1));
                stateOut[2].get(i * sizes.width(2), s.c1, 0, sizes.width(2));
                stateOut[3].get(i * sizes.width(3), s.h2, 0, sizes.width(3));
                stateOut[4].get(i * sizes.width(4), s.c2, 0, sizes.width(4));
                s.steps++;
                s.last = points[i];
                out[i] = (float) target.toRaw(scaling, y.get(i), points[i]);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    private void checkState(StepState s, int index) {
        if (s == null
                || s.conv == null
                || s.conv.length != sizes.convHistory()
                || s.h1 == null
                || s.h1.length != sizes.units1()
                || s.c1 == null
                || s.c1.length != sizes.units1()
                || s.h2 == null
                || s.h2.length != sizes.units2()
                || s.c2 == null
                || s.c2.length != sizes.units2()) {
            throw new IllegalArgumentException(
                    "state "
                            + index
                            + " does not fit this step model (conv history "
                            + sizes.convHistory()
                            + ", LSTM units "
                            + sizes.units1()
                            + "/"
                            + sizes.units2()
                            + ")");
        }
    }

    private void shape(int n) throws OrtException {
        if (n == keys) {
            return;
        }
        closeTensors();
        if (capacity < n) {
            capacity = n;
            x = OnnxSessions.direct(n);
            y = OnnxSessions.direct(n);
            for (int j = 0; j < STATES; j++) {
                stateIn[j] = OnnxSessions.direct(n * sizes.width(j));
                stateOut[j] = OnnxSessions.direct(n * sizes.width(j));
            }
        }
        inputs.put(OnnxContract.X, OnnxSessions.tensor(x, n, 1, 1));
        outputs.put(OnnxContract.Y, OnnxSessions.tensor(y, n, 1, 1));
        for (int j = 0; j < STATES; j++) {
            String name = OnnxContract.STATE.get(j);
            long[] shape =
                    j == 0 ? new long[] {n, sizes.width(j), 1} : new long[] {n, sizes.width(j)};
            inputs.put(name, OnnxSessions.tensor(stateIn[j], shape));
            outputs.put(OnnxContract.STATE_OUT.get(j), OnnxSessions.tensor(stateOut[j], shape));
        }
        keys = n;
    }

    private void closeTensors() {
        inputs.values().forEach(OnnxSessions::closeQuietly);
        outputs.values().forEach(OnnxSessions::closeQuietly);
        inputs.clear();
        outputs.clear();
        keys = -1;
    }

    @Override
    public void close() {
        closeTensors();
        OnnxSessions.closeQuietly(session);
    }
}
