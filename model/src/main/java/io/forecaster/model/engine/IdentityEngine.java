package io.forecaster.model.engine;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;

/**
 * The {@value #NAME} engine: no model at all, every forecast is the last value repeated (the
 * last-value baseline). It runs any bundle without reading its weights, so a job that names it does
 * exactly what it does with a real engine (source, parsing, keying, ordering, windows, scoring,
 * sinks) except the network's arithmetic: run beside a real engine in the same benchmark, it
 * measures the pipeline's own limit and the model's share of the cost.
 *
 * <p>Window mode: each step's prediction is that step's own value (step t forecasts t + 1 as the
 * value at t), and every one of the H values ahead is the window's last value. Stateful mode: each
 * step's prediction is the point it was given. A stepped key's state keeps the bundle's network
 * shape (zeros; only {@link StepState#steps} advances), so the state the job stores per key is the
 * size it is with the real engine.
 */
public final class IdentityEngine implements EngineProvider {

    /** The engine's name. */
    public static final String NAME = "identity";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Predictor predictor(ModelBundle bundle) {
        return new IdentityPredictor();
    }

    @Override
    public Stepper stepper(ModelBundle bundle) {
        HyperParams hp = bundle.metadata().hyperParams();
        return hp == null
                ? new IdentityStepper(1, 0, 0)
                : new IdentityStepper(hp.kernelSize(), hp.lstm1Units(), hp.lstm2Units());
    }

    private static final class IdentityPredictor implements Predictor {

        @Override
        public void predict(float[] windows, int batch, int length, float[] out) {
            Engines.checkBatch(windows, batch, length, out);
            System.arraycopy(windows, 0, out, 0, batch * length);
        }

        @Override
        public void forecast(
                float[] windows, int batch, int length, int horizon, float[] out, float[] ahead) {
            Engines.checkHorizon(batch, horizon, ahead);
            predict(windows, batch, length, out);
            for (int b = 0; b < batch; b++) {
                java.util.Arrays.fill(
                        ahead, b * horizon, (b + 1) * horizon, windows[b * length + length - 1]);
            }
        }

        @Override
        public String engine() {
            return NAME;
        }

        @Override
        public void close() {}
    }

    private static final class IdentityStepper implements Stepper {
        private final int kernelSize;
        private final int units1;
        private final int units2;

        IdentityStepper(int kernelSize, int units1, int units2) {
            this.kernelSize = kernelSize;
            this.units1 = units1;
            this.units2 = units2;
        }

        @Override
        public StepState newState() {
            return StepState.zero(kernelSize, units1, units2);
        }

        @Override
        public void step(StepState[] states, float[] points, int n, float[] out) {
            Engines.checkStep(states, points, n, out);
            for (int i = 0; i < n; i++) {
                states[i].steps++;
                out[i] = points[i];
            }
        }

        @Override
        public void close() {}
    }
}
