package io.forecaster.job;

import io.forecaster.connectors.ModelRecord;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StatefulRollout;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.forecast.ForecastScoring;

/**
 * One model version an inference subtask serves: its record (null for the {@code model.path}
 * bundle), the bundle's metadata, and the engine it runs on, shared with every other name whose
 * bundle has the same sha256, so a subtask holds one copy of a bundle's weights however many keys
 * and names use it.
 */
final class ServedModel {

    /** An opened engine and the number of served models that use it. */
    static final class Engine {
        final String sha256;
        final Predictor predictor;
        final Stepper stepper;
        final StatefulRollout rollout;
        int users;

        Engine(String sha256, Predictor predictor, Stepper stepper, int batchSize) {
            this.sha256 = sha256;
            this.predictor = predictor;
            this.stepper = stepper;
            this.rollout = stepper == null ? null : new StatefulRollout(stepper, batchSize);
        }

        void close() {
            if (predictor != null) {
                predictor.close();
            }
            if (stepper != null) {
                stepper.close();
            }
        }
    }

    final ModelRecord record;
    final BundleMetadata metadata;
    final Engine engine;
    final ForecastScoring scoring;
    final long loadMillis;

    ServedModel(
            ModelRecord record,
            BundleMetadata metadata,
            Engine engine,
            ForecastScoring scoring,
            long loadMillis) {
        this.record = record;
        this.metadata = metadata;
        this.engine = engine;
        this.scoring = scoring;
        this.loadMillis = loadMillis;
    }

    /** The model name forecasts carry (null for the {@code model.path} bundle). */
    String name() {
        return record == null ? null : record.name();
    }

    /** The version forecasts carry (0 for the {@code model.path} bundle). */
    long version() {
        return record == null ? 0 : record.version();
    }

    /**
     * Whether a key's stateful state, made by model {@code name} version {@code version}, is ours.
     */
    boolean made(String name, long version) {
        return java.util.Objects.equals(name, name()) && version == version();
    }

    String label() {
        return record == null ? "model.path bundle " + metadata.modelId() : record.label();
    }
}
