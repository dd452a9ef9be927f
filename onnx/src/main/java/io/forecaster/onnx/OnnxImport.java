package io.forecaster.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Turns ONNX graphs into an {@value BundleMetadata#ONNX} bundle, after checking them against {@link
 * OnnxContract} and running each once (two windows of the bundle's length; two keys one step), so a
 * graph the engine cannot run is refused here rather than in a running job. Every refusal is an
 * {@link IllegalArgumentException} naming the input, output, shape or operator.
 */
public final class OnnxImport {

    private OnnxImport() {}

    /** Checks a window model; returns its input and output names. */
    public static OnnxContract.Window checkWindow(byte[] graph, int windowSize) {
        OnnxContract.Window io;
        try (OrtSession s = OnnxSessions.open("window model", graph)) {
            io = OnnxContract.window(s);
        } catch (OrtException e) {
            throw new IllegalArgumentException("window model: " + e.getMessage(), e);
        }
        ModelBundle probe = ModelBundle.onnx(metadata("probe", windowSize, null, ""), graph, null);
        try (Predictor p = new OnnxPredictor(probe)) {
            p.predict(new float[2 * windowSize], 2, windowSize, new float[2 * windowSize]);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(
                    "window model fails on an input [2, " + windowSize + ", 1]: " + e.getMessage(),
                    e);
        }
        return io;
    }

    /** Checks a step model; returns its state sizes. */
    public static OnnxContract.Step checkStep(byte[] window, byte[] step) {
        OnnxContract.Step sizes;
        try (OrtSession s = OnnxSessions.open("step model", step)) {
            sizes = OnnxContract.step(s);
        } catch (OrtException e) {
            throw new IllegalArgumentException("step model: " + e.getMessage(), e);
        }
        ModelBundle probe = ModelBundle.onnx(metadata("probe", 1, null, ""), window, step);
        try (Stepper st = new OnnxStepper(probe)) {
            StepState[] states = {st.newState(), st.newState()};
            st.step(states, new float[2], 2, new float[2]);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(
                    "step model fails on one step of two keys: " + e.getMessage(), e);
        }
        return sizes;
    }

    /** The bundle of checked graphs ({@code step} may be null). */
    public static ModelBundle bundle(
            byte[] window,
            byte[] step,
            String modelId,
            int windowSize,
            Scaling scaling,
            String source) {
        checkWindow(window, windowSize);
        if (step != null) {
            checkStep(window, step);
        }
        return ModelBundle.onnx(metadata(modelId, windowSize, scaling, source), window, step);
    }

    private static BundleMetadata metadata(
            String modelId, int windowSize, Scaling scaling, String source) {
        return new BundleMetadata(
                ModelBundle.ONNX_FORMAT_VERSION,
                modelId,
                null,
                windowSize,
                "window",
                scaling,
                null,
                source,
                Map.of(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                BundleMetadata.ONNX);
    }
}
