package io.forecaster.training.keras;

import java.util.Arrays;

/**
 * One Keras weight as read from a file: its name, its shape and its values in row-major (C) order,
 * which is how both Keras HDF5 datasets and TF.js weight shards store them.
 */
public record KerasTensor(String name, int[] shape, float[] data) {

    public KerasTensor {
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException(
                    "weight '"
                            + name
                            + "' has shape "
                            + Arrays.toString(shape)
                            + " but "
                            + data.length
                            + " values");
        }
    }

    /** The shape without dimensions of size 1, so [1, n] and [n] compare equal. */
    int[] squeezedShape() {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    /** Whether this tensor has {@code expected}'s shape, ignoring dimensions of size 1. */
    boolean hasShape(int... expected) {
        return Arrays.equals(
                squeezedShape(), Arrays.stream(expected).filter(d -> d != 1).toArray());
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
