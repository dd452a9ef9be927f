package io.forecaster.training.train;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Huber loss, which DL4J 1.0.0-M2.1 lacks: per element with error {@code e = prediction - label},
 * {@code e²/2} where {@code |e| <= delta}, else {@code delta (|e| - delta/2)}; Keras' default delta
 * is 1. Like DL4J's own losses, the per-example score sums over the output columns and the gradient
 * is returned unaveraged (DL4J divides by the minibatch size in the updater).
 */
public final class HuberLoss implements ILossFunction {

    @JsonProperty("delta")
    private final double delta;

    /** Huber loss with Keras' default delta 1. */
    public HuberLoss() {
        this(1.0);
    }

    public HuberLoss(@JsonProperty("delta") double delta) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException(
                    "Huber delta must be positive and finite, got " + delta);
        }
        this.delta = delta;
    }

    public double getDelta() {
        return delta;
    }

    private INDArray elementLoss(
            INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray output = fn.getActivation(preOutput.dup(), true);
        INDArray abs = Transforms.abs(output.subi(labels), false);
        // min(|e|, delta) = q ; loss = q * (|e| - q/2): e²/2 inside, delta(|e| - delta/2) outside
        INDArray q = Transforms.min(abs, delta, true);
        INDArray loss = q.mul(abs.subi(q.mul(0.5)));
        if (mask != null) {
            applyMask(loss, mask);
        }
        return loss;
    }

    @Override
    public double computeScore(
            INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        double score = elementLoss(labels, preOutput, fn, mask).sumNumber().doubleValue();
        return average ? score / labels.size(0) : score;
    }

    @Override
    public INDArray computeScoreArray(
            INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        return elementLoss(labels, preOutput, fn, mask).sum(true, 1);
    }

    @Override
    public INDArray computeGradient(
            INDArray labels, INDArray preOutput, IActivation fn, INDArray mask) {
        INDArray output = fn.getActivation(preOutput.dup(), true);
        // dL/d(output) = clip(e, -delta, delta)
        INDArray dLdOut =
                Transforms.max(Transforms.min(output.subi(labels), delta, false), -delta, false);
        if (mask != null) {
            applyMask(dLdOut, mask);
        }
        INDArray grad = fn.backprop(preOutput.dup(), dLdOut).getFirst();
        if (mask != null) {
            applyMask(grad, mask);
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels, INDArray preOutput, IActivation fn, INDArray mask, boolean average) {
        return new Pair<>(
                computeScore(labels, preOutput, fn, mask, average),
                computeGradient(labels, preOutput, fn, mask));
    }

    private static void applyMask(INDArray arr, INDArray mask) {
        if (mask.equalShapes(arr)) {
            arr.muli(mask);
        } else if (mask.rank() == 2 && mask.size(1) == 1 && mask.size(0) == arr.size(0)) {
            arr.muliColumnVector(mask.castTo(arr.dataType()));
        } else {
            throw new IllegalStateException(
                    "mask shape "
                            + java.util.Arrays.toString(mask.shape())
                            + " does not fit loss shape "
                            + java.util.Arrays.toString(arr.shape()));
        }
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public String toString() {
        return "HuberLoss(delta=" + delta + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HuberLoss other && other.delta == delta;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(delta);
    }
}
