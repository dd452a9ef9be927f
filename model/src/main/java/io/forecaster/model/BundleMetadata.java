package io.forecaster.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.forecaster.model.forecast.IntervalCalibration;
import java.util.Map;

/**
 * Everything a model bundle says about its network besides the weights.
 *
 * @param formatVersion version of the bundle layout ({@link ModelBundle#FORMAT_VERSION})
 * @param modelId a short name for the model, carried into every forecast
 * @param hyperParams the architecture
 * @param windowSize the window length W the model was trained on
 * @param mode "window" (trained on independent windows) or "stateful" (trained as one sequence)
 * @param scaling the input/output scaling fitted on the training split only
 * @param trainingDataSha256 sha256 of the file the model was trained on (null if unknown)
 * @param source how the model was made: the command line, or the imported file
 * @param evaluation named figures measured at save time (e.g. "val_mae", "baseline_mae")
 * @param createdAt ISO-8601 instant the bundle was written
 * @param format how the network is stored: {@value #PARAMS} (the seed family's weights in {@code
 *     params.f32}; absent in bundles written before ONNX bundles existed) or {@value #ONNX} (ONNX
 *     graphs {@code window.onnx} and optional {@code step.onnx}; then {@code hyperParams} may be
 *     null, since the graph is the architecture)
 * @param calibration absolute forecast errors per horizon step on points no model selection saw,
 *     the start of prediction intervals (null if not measured)
 * @param target what the network's output stands for: the next value ({@link Target#LEVEL}, also
 *     when absent, as in bundles written before the field existed) or its change from the last
 *     input ({@link Target#CHANGE}), or the change with changes as inputs ({@link
 *     Target#DIFFERENCES})
 */
public record BundleMetadata(
        int formatVersion,
        String modelId,
        HyperParams hyperParams,
        int windowSize,
        String mode,
        Scaling scaling,
        String trainingDataSha256,
        String source,
        Map<String, Double> evaluation,
        String createdAt,
        String format,
        @JsonInclude(JsonInclude.Include.NON_NULL) IntervalCalibration calibration,
        Target target) {

    /** {@link #format} of a bundle whose network is the seed family's weights. */
    public static final String PARAMS = "params";

    /** {@link #format} of a bundle whose network is ONNX graphs. */
    public static final String ONNX = "onnx";

    /** Metadata of a network whose output is the next value ({@link Target#LEVEL}). */
    public BundleMetadata(
            int formatVersion,
            String modelId,
            HyperParams hyperParams,
            int windowSize,
            String mode,
            Scaling scaling,
            String trainingDataSha256,
            String source,
            Map<String, Double> evaluation,
            String createdAt,
            String format,
            IntervalCalibration calibration) {
        this(
                formatVersion,
                modelId,
                hyperParams,
                windowSize,
                mode,
                scaling,
                trainingDataSha256,
                source,
                evaluation,
                createdAt,
                format,
                calibration,
                Target.LEVEL);
    }

    /** Metadata without calibration errors. */
    public BundleMetadata(
            int formatVersion,
            String modelId,
            HyperParams hyperParams,
            int windowSize,
            String mode,
            Scaling scaling,
            String trainingDataSha256,
            String source,
            Map<String, Double> evaluation,
            String createdAt,
            String format) {
        this(
                formatVersion,
                modelId,
                hyperParams,
                windowSize,
                mode,
                scaling,
                trainingDataSha256,
                source,
                evaluation,
                createdAt,
                format,
                null);
    }

    /** A {@value #PARAMS} bundle's metadata (the form every bundle had before ONNX bundles). */
    public BundleMetadata(
            int formatVersion,
            String modelId,
            HyperParams hyperParams,
            int windowSize,
            String mode,
            Scaling scaling,
            String trainingDataSha256,
            String source,
            Map<String, Double> evaluation,
            String createdAt) {
        this(
                formatVersion,
                modelId,
                hyperParams,
                windowSize,
                mode,
                scaling,
                trainingDataSha256,
                source,
                evaluation,
                createdAt,
                PARAMS);
    }

    public BundleMetadata {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        format = format == null ? PARAMS : format;
        if (!PARAMS.equals(format) && !ONNX.equals(format)) {
            throw new IllegalArgumentException(
                    "format must be '" + PARAMS + "' or '" + ONNX + "', got '" + format + "'");
        }
        if (hyperParams == null && !ONNX.equals(format)) {
            throw new IllegalArgumentException("hyperParams must not be null");
        }
        if (windowSize < 1) {
            throw new IllegalArgumentException("windowSize must be at least 1, got " + windowSize);
        }
        scaling = scaling == null ? Scaling.IDENTITY : scaling;
        mode = mode == null ? "window" : mode;
        evaluation = evaluation == null ? Map.of() : Map.copyOf(evaluation);
        target = target == null ? Target.LEVEL : target;
        if (target != Target.LEVEL) {
            // builds from before the target read such a bundle as a level model and would forecast
            // wrong values without a word: the higher version makes them refuse it
            boolean onnx = ONNX.equals(format);
            int needed =
                    target == Target.CHANGE
                            ? onnx
                                    ? ModelBundle.ONNX_CHANGE_FORMAT_VERSION
                                    : ModelBundle.CHANGE_FORMAT_VERSION
                            : onnx
                                    ? ModelBundle.ONNX_DIFFERENCES_FORMAT_VERSION
                                    : ModelBundle.DIFFERENCES_FORMAT_VERSION;
            formatVersion = Math.max(formatVersion, needed);
        }
    }

    /** This metadata with {@code calibration} as its calibration errors. */
    public BundleMetadata withCalibration(IntervalCalibration calibration) {
        return new BundleMetadata(
                formatVersion,
                modelId,
                hyperParams,
                windowSize,
                mode,
                scaling,
                trainingDataSha256,
                source,
                evaluation,
                createdAt,
                format,
                calibration,
                target);
    }

    /** This metadata with {@code target} as what the network's output stands for. */
    public BundleMetadata withTarget(Target target) {
        return new BundleMetadata(
                formatVersion,
                modelId,
                hyperParams,
                windowSize,
                mode,
                scaling,
                trainingDataSha256,
                source,
                evaluation,
                createdAt,
                format,
                calibration,
                target);
    }

    /** Whether the network is ONNX graphs rather than the seed family's weights. */
    @JsonIgnore
    public boolean isOnnx() {
        return ONNX.equals(format);
    }
}
