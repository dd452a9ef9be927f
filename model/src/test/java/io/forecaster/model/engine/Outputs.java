package io.forecaster.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on prediction arrays. */
final class Outputs {

    /** The bound on outputs that reach hundreds. */
    static final double ABS = 1e-3;

    /** The relative bound, relative to the largest reference output. */
    static final double REL = 1e-5;

    private Outputs() {}

    /**
     * Asserts every element of {@code actual} is within {@link #ABS} of {@code expected}, and the
     * largest difference is within {@link #REL} of the largest magnitude in {@code expected}.
     */
    static void assertClose(float[] actual, float[] expected, int n, String what) {
        double maxDiff = 0;
        double maxRef = 0;
        int worst = 0;
        for (int i = 0; i < n; i++) {
            assertThat(Float.isFinite(actual[i]))
                    .as("%s: element %d is %s", what, i, actual[i])
                    .isTrue();
            double d = Math.abs((double) actual[i] - expected[i]);
            if (d > maxDiff) {
                maxDiff = d;
                worst = i;
            }
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        String at =
                String.format(
                        "%s: worst at %d: %s vs %s (max |ref| %.3f)",
                        what, worst, actual[worst], expected[worst], maxRef);
        assertThat(maxDiff).as(at).isLessThanOrEqualTo(ABS);
        assertThat(maxDiff).as(at).isLessThanOrEqualTo(REL * maxRef);
    }
}
