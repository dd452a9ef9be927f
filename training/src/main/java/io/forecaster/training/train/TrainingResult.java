package io.forecaster.training.train;

import io.forecaster.model.Scaling;
import io.forecaster.training.eval.ValidationScore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The outcome of training.
 *
 * @param net the trained network, holding the best weights seen (by validation MAE) when there was
 *     a validation split, else the last
 * @param scaling the input scaling the network was trained with
 * @param bestEpoch the epoch whose weights {@code net} holds
 * @param validation per-series validation figures of those weights (empty without validation)
 * @param history every epoch's figures
 * @param elapsed wall-clock training time
 */
public record TrainingResult(
        MultiLayerNetwork net,
        Scaling scaling,
        int bestEpoch,
        Map<String, ValidationScore> validation,
        List<EpochStats> history,
        Duration elapsed) {

    /** Validation figures over all series pooled, or null without validation. */
    public ValidationScore overall() {
        return validation.isEmpty() ? null : ValidationScore.pooled(validation.values());
    }
}
