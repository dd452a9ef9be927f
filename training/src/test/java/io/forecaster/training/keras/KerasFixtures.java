package io.forecaster.training.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.training.data.TestResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Keras import fixtures under {@code src/test/resources/keras}: the TF.js model written by
 * tools/tfjs/make-fixture.js, the HDF5 copy written by tools/h5/write_keras_h5.py, the reference
 * outputs TensorFlow.js computed, and under {@code keras3/} the course model saved by real Keras
 * 3.15.1 as .keras and .h5 with Keras's own predictions.
 */
public final class KerasFixtures {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** One reference case: windows of one length and TF.js's outputs for them. */
    record Case(int length, float[][] inputs, float[][] outputs) {}

    /**
     * Differences between computed and reference outputs over every case.
     *
     * @param maxAbs max |computed - reference|
     * @param normRel maxAbs / max |reference| (relative to the outputs' range)
     * @param maxRelLarge max |diff| / |reference| over outputs with |reference| >= 100
     * @param maxRelAll max |diff| / max(|reference|, 1) over all outputs (near-zero outputs show
     *     float32 rounding of the pre-scale value, ×400)
     * @param maxAbsOutput max |reference|
     * @param values outputs compared
     * @param largeValues outputs with |reference| >= 100
     */
    record Diff(
            double maxAbs,
            double normRel,
            double maxRelLarge,
            double maxRelAll,
            double maxAbsOutput,
            int values,
            int largeValues) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "max abs diff %.3g; relative: %.3g of max |output| %.1f, %.3g max over the %d"
                            + " outputs >= 100, %.3g max over all %d (|ref| floored at 1)",
                    maxAbs,
                    normRel,
                    maxAbsOutput,
                    maxRelLarge,
                    largeValues,
                    maxRelAll,
                    values);
        }
    }

    private KerasFixtures() {}

    public static Path resource(String name) {
        return TestResources.file(KerasFixtures.class, "/keras/" + name);
    }

    public static Path tfjsModel() {
        return resource("tfjs/model.json");
    }

    public static Path h5Model() {
        return resource("h5/sunspots_seed.h5");
    }

    /** The course model saved by Keras 3.15.1 as a .keras archive (see keras3/). */
    public static Path keras3Archive() {
        return resource("keras3/course.keras");
    }

    /** The same model saved by the same Keras as HDF5 (model.save("course.h5")). */
    public static Path keras3H5() {
        return resource("keras3/course.h5");
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Case> referenceCases() {
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : json(resource("reference.json")).path("cases")) {
            cases.add(
                    new Case(
                            c.path("length").asInt(),
                            matrix(c.path("inputs")),
                            matrix(c.path("outputs"))));
        }
        return cases;
    }

    /**
     * Runs {@code model} (windows → outputs) on every reference case and compares. Relative
     * difference is |diff| / max(|reference|, 1), so outputs near zero do not inflate it.
     */
    static Diff compare(List<Case> cases, Function<float[][], float[][]> model) {
        double maxAbs = 0;
        double maxRelLarge = 0;
        double maxRelAll = 0;
        double maxOut = 0;
        int n = 0;
        int large = 0;
        for (Case c : cases) {
            float[][] out = model.apply(c.inputs());
            for (int b = 0; b < c.outputs().length; b++) {
                if (out[b].length != c.length()) {
                    throw new AssertionError(
                            "window of "
                                    + c.length()
                                    + " steps gave "
                                    + out[b].length
                                    + " outputs");
                }
                for (int t = 0; t < c.length(); t++) {
                    double ref = c.outputs()[b][t];
                    double d = Math.abs(out[b][t] - ref);
                    if (Double.isNaN(d)) {
                        d = Double.POSITIVE_INFINITY;
                    }
                    maxAbs = Math.max(maxAbs, d);
                    maxRelAll = Math.max(maxRelAll, d / Math.max(Math.abs(ref), 1.0));
                    if (Math.abs(ref) >= 100) {
                        maxRelLarge = Math.max(maxRelLarge, d / Math.abs(ref));
                        large++;
                    }
                    maxOut = Math.max(maxOut, Math.abs(ref));
                    n++;
                }
            }
        }
        return new Diff(maxAbs, maxAbs / maxOut, maxRelLarge, maxRelAll, maxOut, n, large);
    }

    /** Asserts the import's tolerances: abs <= 1e-3, relative <= 1e-5, outputs reaching 100s. */
    static void assertMatchesReference(Diff diff) {
        org.assertj.core.api.Assertions.assertThat(diff.maxAbs())
                .as(diff.toString())
                .isLessThanOrEqualTo(1e-3);
        org.assertj.core.api.Assertions.assertThat(diff.normRel())
                .as(diff.toString())
                .isLessThanOrEqualTo(1e-5);
        org.assertj.core.api.Assertions.assertThat(diff.maxRelLarge())
                .as(diff.toString())
                .isLessThanOrEqualTo(1e-5);
        org.assertj.core.api.Assertions.assertThat(diff.largeValues())
                .as("reference outputs reaching hundreds: " + diff)
                .isGreaterThan(0);
    }

    /** Windows → outputs through an inference engine opened on {@code bundle}. */
    static Diff compareEngine(String engine, ModelBundle bundle) {
        try (Predictor p = Engines.open(engine, bundle)) {
            return compare(referenceCases(), p::predict);
        }
    }

    private static float[][] matrix(JsonNode rows) {
        float[][] m = new float[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonNode row = rows.get(i);
            m[i] = new float[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = (float) row.get(j).asDouble();
            }
        }
        return m;
    }
}
