package io.forecaster.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.model.ModelBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Tests for the {@code fast} engine against the independent PyTorch implementation's golden
 * outputs. Needs neither DL4J nor ND4J: the {@code fast-engine-scalar} Surefire execution runs this
 * class on a classpath without them and without {@code jdk.incubator.vector}, which proves the
 * scalar fallback is what runs, and that it is right, when the module is absent.
 */
class FastEngineGoldenTest {

    /** Set by the standalone execution in model/pom.xml. */
    private static final boolean STANDALONE = Boolean.getBoolean("forecaster.test.standalone");

    @ParameterizedTest
    @FieldSource("io.forecaster.model.engine.Golden#NAMES")
    void predictorMatchesPyTorch(String name) {
        Golden golden = Golden.load(name);
        ModelBundle bundle = golden.loadBundle();
        try (Predictor p = Engines.open("fast", bundle)) {
            for (Golden.Case c : golden.cases()) {
                float[] out = new float[c.batch() * c.length()];
                p.predict(c.inputs(), c.batch(), c.length(), out);
                Outputs.assertClose(
                        out,
                        c.outputs(),
                        out.length,
                        name + " batch " + c.batch() + " length " + c.length());
            }
        }
    }

    @ParameterizedTest
    @FieldSource("io.forecaster.model.engine.Golden#NAMES")
    void stepperMatchesPyTorchAtEveryStep(String name) {
        Golden golden = Golden.load(name);
        try (Stepper s = Engines.openStepper("fast", golden.loadBundle())) {
            for (Golden.Case c : golden.cases()) {
                int keys = c.batch();
                StepState[] states = new StepState[keys];
                for (int k = 0; k < keys; k++) {
                    states[k] = s.newState();
                }
                float[] points = new float[keys];
                float[] out = new float[keys];
                float[] expected = new float[keys];
                for (int t = 0; t < c.length(); t++) {
                    for (int k = 0; k < keys; k++) {
                        points[k] = c.inputs()[k * c.length() + t];
                        expected[k] = c.outputs()[k * c.length() + t];
                    }
                    s.step(states, points, keys, out);
                    Outputs.assertClose(
                            out, expected, keys, name + " batch " + keys + " step " + t);
                }
            }
        }
    }

    @Test
    void vectorKernelRunsExactlyWhenTheModuleIsPresent() {
        String kernel = Kernels.best().name();
        if (Kernels.vectorModulePresent()) {
            assertThat(kernel).startsWith("vector");
        } else {
            assertThat(kernel).isEqualTo("scalar");
            assertThatThrownBy(Kernels::vector).hasMessageContaining("--add-modules");
        }
    }

    @Test
    void standaloneRunHasNoVectorModuleAndNoNd4j() {
        if (!STANDALONE) {
            return; // only meaningful in the standalone execution
        }
        assertThat(Kernels.vectorModulePresent()).isFalse();
        assertThatThrownBy(() -> Class.forName("org.nd4j.linalg.factory.Nd4j"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("jdk.incubator.vector.FloatVector"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
