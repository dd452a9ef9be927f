package io.forecaster.onnx;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.EngineProvider;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.Stepper;

/**
 * The {@value #NAME} engine: ONNX Runtime (CPU) on an ONNX bundle's graphs ({@link
 * ModelBundle#WINDOW_ONNX} for windows, {@link ModelBundle#STEP_ONNX} for stepping; see {@link
 * OnnxContract}). Registered through {@link java.util.ServiceLoader}, so it is there wherever this
 * module is on the classpath. Each predictor or stepper opens its own session and closes it in
 * {@code close()}.
 */
public final class OnnxEngine implements EngineProvider {

    /** The engine's name. */
    public static final String NAME = Engines.ONNX;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Predictor predictor(ModelBundle bundle) {
        return new OnnxPredictor(requireOnnx(bundle));
    }

    @Override
    public Stepper stepper(ModelBundle bundle) {
        requireOnnx(bundle);
        if (bundle.stepGraph() == null) {
            throw new IllegalArgumentException(
                    "model '"
                            + bundle.metadata().modelId()
                            + "' has no "
                            + ModelBundle.STEP_ONNX
                            + ": the onnx engine can run its windows, not stateful stepping");
        }
        return new OnnxStepper(bundle);
    }

    private static ModelBundle requireOnnx(ModelBundle bundle) {
        if (!bundle.metadata().isOnnx()) {
            throw new IllegalArgumentException(
                    "model '"
                            + bundle.metadata().modelId()
                            + "' is a params bundle, not an ONNX bundle: run it with engine '"
                            + Engines.FAST
                            + "', or export it to ONNX first (tools/onnx/export.py)");
        }
        return bundle;
    }
}
