package io.forecaster.training;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The identity times a constant: the course's {@code Lambda(lambda x: x * 400)} as a DL4J
 * activation, so the output layer stays one linear unit followed by a fixed scale.
 */
public final class ScaledIdentity extends BaseActivationFunction {

    @JsonProperty("scale")
    private double scale;

    /** For DL4J's JSON (de)serialisation of configurations. */
    public ScaledIdentity() {
        this(1.0);
    }

    public ScaledIdentity(@JsonProperty("scale") double scale) {
        this.scale = scale;
    }

    public double getScale() {
        return scale;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        return in.muli(scale);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        return new Pair<>(epsilon.muli(scale), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaledIdentity other && other.scale == scale;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale);
    }

    @Override
    public String toString() {
        return "scaledidentity(" + scale + ")";
    }
}
