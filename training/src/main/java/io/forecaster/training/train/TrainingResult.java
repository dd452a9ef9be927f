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
 * @param net the trained network, holding the best weights seen (by the validation slice's MAE)
 *     when there was a validation slice, else the last
 * @param scaling the input scaling the network was trained with
 * @param bestEpoch the epoch whose weights {@code net} holds
 * @param validation per-series figures of those weights on the validation slices (empty without)
 * @param test per-series figures of those weights on the test points (empty without)
 * @param history every epoch's figures
 * @param elapsed wall-clock training time
 */
public record TrainingResult(
        MultiLayerNetwork net,
        Scaling scaling,
        int bestEpoch,
        Map<String, ValidationScore> validation,
        Map<String, ValidationScore> test,
        List<EpochStats> history,
        Duration elapsed) {

    /** Validation-slice figures over all series pooled, or null without validation. */
    public ValidationScore overall() {
        return validation.isEmpty() ? null : ValidationScore.pooled(validation.values());
    }

    /** Test figures over all series pooled, or null without test points. */
    public ValidationScore testOverall() {
        return test.isEmpty() ? null : ValidationScore.pooled(test.values());
    }
}
