package io.forecaster.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tests for the {@code fast} engine against the {@code dl4j} reference (here, in the training
 * module, where both engines are; the package is the engine's, for its package-private kernels).
 */
class FastEngineTest {

    /**
     * Random networks with outputs around 200: the course's raw input with the x400 output, and a
     * scaled input with a x1 output (see {@link TestBundles#random(long, Scaling, HyperParams,
     * float)}).
     */
    private static final Map<String, ModelBundle> BUNDLES =
            Map.of(
                    "random-scaled",
                    TestBundles.random(
                            7, new Scaling(80, 60), HyperParams.SEED.withOutputScale(1), 2f),
                    "random-raw",
                    TestBundles.random(11, Scaling.IDENTITY, HyperParams.SEED, 0.5f),
                    "trained",
                    TestBundles.trained());

    private static final Map<String, float[]> REFERENCE = new ConcurrentHashMap<>();

    /** (batch, length) samples covering 1..1024 and 1..120, tile edges and remainders. */
    static Stream<Arguments> shapes() {
        List<Arguments> a = new ArrayList<>();
        for (String bundle : List.of("random-scaled", "random-raw", "trained")) {
            for (String kernel : kernels()) {
                a.add(Arguments.of(bundle, kernel, 1, 1));
                a.add(Arguments.of(bundle, kernel, 1, 120));
                a.add(Arguments.of(bundle, kernel, 3, 7));
                a.add(Arguments.of(bundle, kernel, 37, 60));
                a.add(Arguments.of(bundle, kernel, 1024, 1));
            }
            a.add(Arguments.of(bundle, kernels().get(0), 1024, 30));
        }
        // the largest shape once: the DL4J reference alone takes seconds on 2 busy cores
        a.add(Arguments.of("trained", kernels().get(0), 1024, 120));
        return a.stream();
    }

    static List<String> kernels() {
        return Kernels.vectorModulePresent() ? List.of("vector", "scalar") : List.of("scalar");
    }

    static Kernel kernel(String name) {
        return name.equals("vector") ? Kernels.vector() : new ScalarKernel();
    }

    @ParameterizedTest(name = "{0} {1} batch {2} length {3}")
    @MethodSource("shapes")
    void fastMatchesDl4j(String bundleName, String kernel, int batch, int length) {
        ModelBundle bundle = BUNDLES.get(bundleName);
        float[] w = TestBundles.windows(batch * 31L + length, batch, length);
        float[] expected = reference(bundleName, bundle, w, batch, length);
        float[] actual = new float[batch * length];
        try (FastPredictor p = new FastPredictor(bundle, kernel(kernel))) {
            p.predict(w, batch, length, actual);
            // a second call on the same instance must not see the first call's state
            float[] again = new float[batch * length];
            p.predict(w, batch, length, again);
            assertThat(again).containsExactly(actual);
        }
        Outputs.assertClose(actual, expected, batch * length, bundleName + " " + kernel);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void steppingReproducesTheFullSequenceAtEveryStep(String kernel) {
        ModelBundle bundle = BUNDLES.get("random-scaled");
        int keys = 37;
        int length = 120;
        float[] w = TestBundles.windows(5, keys, length);
        float[] full = reference("random-scaled", bundle, w, keys, length);
        try (FastStepper s = new FastStepper(bundle, kernel(kernel))) {
            StepState[] states = new StepState[keys];
            for (int k = 0; k < keys; k++) {
                states[k] = s.newState();
            }
            float[] points = new float[keys];
            float[] out = new float[keys];
            float[] expected = new float[keys];
            for (int t = 0; t < length; t++) {
                for (int k = 0; k < keys; k++) {
                    points[k] = w[k * length + t];
                    expected[k] = full[k * length + t];
                }
                s.step(states, points, keys, out);
                Outputs.assertClose(out, expected, keys, kernel + " step " + t);
            }
            assertThat(states[keys - 1].steps).isEqualTo(length);
        }
    }

    @Test
    void engineFactoryPicksTheVectorKernelWhenTheModuleIsPresent() {
        try (Predictor p = Engines.open("fast", BUNDLES.get("random-raw"));
                Stepper s = Engines.openStepper("fast", BUNDLES.get("random-raw"))) {
            String expected = Kernels.vectorModulePresent() ? "vector" : "scalar";
            assertThat(((FastPredictor) p).kernel()).startsWith(expected);
            assertThat(((FastStepper) s).kernel()).startsWith(expected);
            assertThat(p.engine()).isEqualTo("fast");
        }
    }

    private static float[] reference(
            String name, ModelBundle bundle, float[] w, int batch, int length) {
        return REFERENCE.computeIfAbsent(
                name + "/" + batch + "x" + length + "/" + w[0],
                key -> {
                    float[] out = new float[batch * length];
                    try (Predictor p = Engines.open("dl4j", bundle)) {
                        p.predict(w, batch, length, out);
                    }
                    return out;
                });
    }
}
