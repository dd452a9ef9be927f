package io.forecaster.training.train;

import io.forecaster.model.Target;
import java.time.Duration;

/**
 * How to train. {@link #COURSE} is the course's recipe: window 60, batch 100, shuffle buffer 1000,
 * SGD lr 1e-5 momentum 0.9, Huber loss (delta 1), 500 epochs, no early stopping.
 *
 * @param window input steps W (windows hold W + 1 points)
 * @param batchSize windows per batch
 * @param shuffleBuffer tf.data-style shuffle buffer size
 * @param optimizer the optimiser
 * @param learningRate initial learning rate (Keras meaning: per-step-mean loss)
 * @param momentum momentum of SGD (0 = plain SGD); ignored by the adaptive optimisers
 * @param lrDecay learning-rate factor applied after every epoch (1 = constant)
 * @param epochs maximum number of epochs
 * @param patience stop after this many epochs without a better validation MAE (0 = never)
 * @param huberDelta the Huber loss' delta, in the units the network sees
 * @param seed seed of the weights and the shuffle
 * @param timeLimit stop after the epoch that crosses this much training time (null = none)
 * @param stride distance between the starts of consecutive training windows (1 = every window, as
 *     the course; larger values thin out the heavily overlapping windows to save time)
 * @param target what the network learns: the next value ({@link Target#LEVEL}, the course's) or its
 *     change from the last input ({@link Target#CHANGE}: targets and loss are on the change, in the
 *     units the network sees), possibly with the changes as inputs too ({@link Target#DIFFERENCES})
 */
public record TrainingOptions(
        int window,
        int batchSize,
        int shuffleBuffer,
        Optimizer optimizer,
        double learningRate,
        double momentum,
        double lrDecay,
        int epochs,
        int patience,
        double huberDelta,
        long seed,
        Duration timeLimit,
        int stride,
        Target target) {

    public static final TrainingOptions COURSE =
            new TrainingOptions(
                    60, 100, 1000, Optimizer.SGD, 1e-5, 0.9, 1.0, 500, 0, 1.0, 42L, null, 1);

    /** Options whose network learns the next value ({@link Target#LEVEL}). */
    public TrainingOptions(
            int window,
            int batchSize,
            int shuffleBuffer,
            Optimizer optimizer,
            double learningRate,
            double momentum,
            double lrDecay,
            int epochs,
            int patience,
            double huberDelta,
            long seed,
            Duration timeLimit,
            int stride) {
        this(
                window,
                batchSize,
                shuffleBuffer,
                optimizer,
                learningRate,
                momentum,
                lrDecay,
                epochs,
                patience,
                huberDelta,
                seed,
                timeLimit,
                stride,
                Target.LEVEL);
    }

    /** These options with {@code target} as what the network learns. */
    public TrainingOptions withTarget(Target target) {
        return new TrainingOptions(
                window,
                batchSize,
                shuffleBuffer,
                optimizer,
                learningRate,
                momentum,
                lrDecay,
                epochs,
                patience,
                huberDelta,
                seed,
                timeLimit,
                stride,
                target);
    }

    public TrainingOptions {
        target = target == null ? Target.LEVEL : target;
        positive("window", window);
        positive("batch size", batchSize);
        positive("shuffle buffer", shuffleBuffer);
        positive("epochs", epochs);
        positive("stride", stride);
        if (patience < 0) {
            throw new IllegalArgumentException("patience must not be negative, got " + patience);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimiser must be given");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learning rate must be positive, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must lie in [0, 1), got " + momentum);
        }
        if (!(lrDecay > 0 && lrDecay <= 1)) {
            throw new IllegalArgumentException(
                    "learning-rate decay must lie in (0, 1], got " + lrDecay);
        }
        if (!(huberDelta > 0)) {
            throw new IllegalArgumentException("Huber delta must be positive, got " + huberDelta);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }
}
