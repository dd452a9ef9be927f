package io.forecaster.training.train;

import io.forecaster.training.eval.ValidationScore;
import java.time.Duration;

/**
 * What one epoch did.
 *
 * @param epoch 1-based epoch number
 * @param epochs the maximum number of epochs
 * @param loss mean training loss per window step (Keras' reading of the Huber loss)
 * @param learningRate the learning rate used in this epoch
 * @param validation validation figures after the epoch (null without a validation split)
 * @param best whether this epoch's validation MAE is the best so far
 * @param elapsed training time since the start
 * @param epochTime time this epoch took, validation included
 */
public record EpochStats(
        int epoch,
        int epochs,
        double loss,
        double learningRate,
        ValidationScore validation,
        boolean best,
        Duration elapsed,
        Duration epochTime) {

    /** Estimated time for the remaining epochs at the average pace so far. */
    public Duration timeLeft() {
        return elapsed.dividedBy(epoch).multipliedBy(epochs - epoch);
    }
}
