package io.forecaster.model;

/**
 * Hyper-parameters of the Conv1D-LSTM forecaster. The defaults are the TensorFlow time-series
 * course's seed model: Conv1D(32, k5, causal, relu) → LSTM(64) → LSTM(64) → Dense(30, relu) →
 * Dense(10, relu) → Dense(1) → ×400; 60,319 parameters.
 *
 * @param convFilters filters of the causal Conv1D layer
 * @param kernelSize kernel width of the Conv1D layer, in time steps
 * @param lstm1Units units of the first LSTM (returns sequences)
 * @param lstm2Units units of the second LSTM (returns sequences)
 * @param dense1Units units of the first per-step Dense layer (relu)
 * @param dense2Units units of the second per-step Dense layer (relu)
 * @param outputScale the factor the single linear output is multiplied by (the course's {@code
 *     Lambda(x * 400)})
 */
public record HyperParams(
        int convFilters,
        int kernelSize,
        int lstm1Units,
        int lstm2Units,
        int dense1Units,
        int dense2Units,
        double outputScale) {

    /** The course's seed model. */
    public static final HyperParams SEED = new HyperParams(32, 5, 64, 64, 30, 10, 400.0);

    public HyperParams {
        requirePositive("convFilters", convFilters);
        requirePositive("kernelSize", kernelSize);
        requirePositive("lstm1Units", lstm1Units);
        requirePositive("lstm2Units", lstm2Units);
        requirePositive("dense1Units", dense1Units);
        requirePositive("dense2Units", dense2Units);
        if (!(outputScale > 0) || Double.isInfinite(outputScale)) {
            throw new IllegalArgumentException(
                    "outputScale must be a positive finite number, got " + outputScale);
        }
    }

    /** The seed model with another output scale (e.g. for series smaller than sunspots). */
    public HyperParams withOutputScale(double scale) {
        return new HyperParams(
                convFilters, kernelSize, lstm1Units, lstm2Units, dense1Units, dense2Units, scale);
    }

    /** Number of trainable parameters, computed from the shapes (Keras counting). */
    public long parameterCount() {
        long conv = (long) kernelSize * convFilters + convFilters;
        long lstm1 = 4L * lstm1Units * (convFilters + lstm1Units + 1);
        long lstm2 = 4L * lstm2Units * (lstm1Units + lstm2Units + 1);
        long d1 = (long) lstm2Units * dense1Units + dense1Units;
        long d2 = (long) dense1Units * dense2Units + dense2Units;
        long out = dense2Units + 1L;
        return conv + lstm1 + lstm2 + d1 + d2 + out;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
