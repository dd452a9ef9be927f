package io.forecaster.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link BatchedInferenceOperator} needs to know; made by {@link
 * ForecastOptions#inferenceSettings}.
 *
 * @param mode window (run each window from the zero state) or stateful (step each key's state)
 * @param window W and S (stateful mode applies the slide to the steps)
 * @param engine inference engine name, as in {@code Engines}
 * @param modelPath model bundle path, readable by every TaskManager (null: models come from the
 *     models topic alone)
 * @param batchSize windows (or steps) evaluated together
 * @param maxDelay longest a ready input waits for its batch to fill (processing time)
 * @param forecast horizon, intervals and live scoring
 * @param modelsFromTopic whether model records come in on a second, broadcast input
 */
public record InferenceSettings(
        ForecastOptions.Mode mode,
        SlidingCount window,
        String engine,
        String modelPath,
        int batchSize,
        Duration maxDelay,
        ForecastSettings forecast,
        boolean modelsFromTopic)
        implements Serializable {

    /** Settings of a job that serves the {@code model.path} bundle alone. */
    public InferenceSettings(
            ForecastOptions.Mode mode,
            SlidingCount window,
            String engine,
            String modelPath,
            int batchSize,
            Duration maxDelay,
            ForecastSettings forecast) {
        this(mode, window, engine, modelPath, batchSize, maxDelay, forecast, false);
    }

    /** Settings for one-step forecasts without intervals. */
    public InferenceSettings(
            ForecastOptions.Mode mode,
            SlidingCount window,
            String engine,
            String modelPath,
            int batchSize,
            Duration maxDelay) {
        this(mode, window, engine, modelPath, batchSize, maxDelay, ForecastSettings.ONE_STEP);
    }

    public InferenceSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(engine, "engine");
        if (modelPath == null && !modelsFromTopic) {
            throw new NullPointerException("modelPath");
        }
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(forecast, "forecast");
    }
}
