package io.forecaster.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tests for {@link OnnxEngine}: the ONNX exports compute what the fast engine computes. */
class OnnxEngineTest {

    /** Relative tolerance on every output (absolute below 1). */
    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> windowShapes() {
        int[][] shapes = {{1, 1}, {1, 60}, {16, 60}, {7, 120}, {128, 30}, {33, 2}};
        Stream.Builder<Arguments> b = Stream.builder();
        for (String name : OnnxFixtures.NAMES) {
            for (int[] s : shapes) {
                b.add(Arguments.of(name, s[0], s[1]));
            }
        }
        return b.build();
    }

    @Test
    void isFoundThroughServiceLoader() {
        assertThat(Engines.names()).contains(Engines.FAST, OnnxEngine.NAME);
    }

    @ParameterizedTest(name = "{0} batch {1} length {2}")
    @MethodSource("windowShapes")
    void windowModelEqualsFastEngine(String name, int batch, int length) {
        float[] windows = windows(batch, length, name.hashCode());
        float[] fast = new float[batch * length];
        float[] onnx = new float[batch * length];
        try (Predictor f = Engines.open(Engines.FAST, OnnxFixtures.params(name));
                Predictor o = Engines.open(OnnxEngine.NAME, OnnxFixtures.onnx(name))) {
            f.predict(windows, batch, length, fast);
            o.predict(windows, batch, length, onnx);
            assertThat(o.engine()).isEqualTo(OnnxEngine.NAME);
        }
        assertClose(onnx, fast);
    }

    @Test
    void predictorReusesItsTensorsAcrossShapes() {
        ModelBundle bundle = OnnxFixtures.onnx("sunspots");
        float[] a = windows(4, 60, 1);
        float[] b = windows(64, 30, 2);
        try (Predictor o = Engines.open(OnnxEngine.NAME, bundle)) {
            float[] first = new float[a.length];
            o.predict(a, 4, 60, first);
            float[] other = new float[b.length];
            o.predict(b, 64, 30, other);
            float[] again = new float[a.length];
            o.predict(a, 4, 60, again);
            assertThat(again).containsExactly(first);
            // a longer buffer than the call needs: only batch*length values are read and written
            float[] bigger = new float[a.length + 5];
            o.predict(java.util.Arrays.copyOf(a, a.length + 5), 4, 60, bigger);
            assertThat(java.util.Arrays.copyOf(bigger, a.length)).containsExactly(first);
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void steppingEqualsTheFullSequenceOutput(String name) {
        int keys = 5;
        int length = 70;
        float[] windows = windows(keys, length, 99);
        float[] full = new float[keys * length];
        try (Predictor f = Engines.open(Engines.FAST, OnnxFixtures.params(name))) {
            f.predict(windows, keys, length, full);
        }
        float[] stepped = new float[keys * length];
        try (Stepper s = Engines.openStepper(OnnxEngine.NAME, OnnxFixtures.onnx(name));
                Stepper fastStepper =
                        Engines.openStepper(Engines.FAST, OnnxFixtures.params(name))) {
            StepState[] states = new StepState[keys];
            StepState[] fastStates = new StepState[keys];
            for (int k = 0; k < keys; k++) {
                states[k] = s.newState();
                fastStates[k] = fastStepper.newState();
                assertThat(states[k]).isEqualTo(fastStates[k]);
            }
            float[] points = new float[keys];
            float[] out = new float[keys];
            float[] fastOut = new float[keys];
            for (int t = 0; t < length; t++) {
                // a varying number of keys per call, as a job's batches have
                int n = t % 3 == 0 ? keys : keys - 2;
                for (int k = 0; k < keys; k++) {
                    points[k] = windows[k * length + t];
                }
                if (n < keys) {
                    // the last keys step alone, in a call of their own
                    StepState[] tail = {states[keys - 2], states[keys - 1]};
                    float[] tailPoints = {points[keys - 2], points[keys - 1]};
                    float[] tailOut = new float[2];
                    s.step(tail, tailPoints, 2, tailOut);
                    out[keys - 2] = tailOut[0];
                    out[keys - 1] = tailOut[1];
                }
                s.step(states, points, n, out);
                fastStepper.step(fastStates, points, keys, fastOut);
                for (int k = 0; k < keys; k++) {
                    stepped[k * length + t] = out[k];
                }
            }
            for (int k = 0; k < keys; k++) {
                assertThat(states[k].steps).isEqualTo(length);
                assertClose(states[k].h2, fastStates[k].h2);
                assertClose(states[k].conv, fastStates[k].conv);
            }
        }
        assertClose(stepped, full);
    }

    static Stream<String> names() {
        return Stream.of(OnnxFixtures.NAMES);
    }

    @Test
    void fastEngineRefusesAnOnnxBundleNamingTheEngineToUse() {
        ModelBundle bundle = OnnxFixtures.onnx("sunspots");
        assertThatThrownBy(() -> Engines.open(Engines.FAST, bundle))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ONNX bundle")
                .hasMessageContaining("engine 'onnx'");
        assertThatThrownBy(() -> Engines.openStepper(Engines.FAST, bundle))
                .hasMessageContaining("engine 'onnx'");
    }

    @Test
    void onnxEngineRefusesAParamsBundle() {
        assertThatThrownBy(() -> Engines.open(OnnxEngine.NAME, OnnxFixtures.params("sunspots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("params bundle")
                .hasMessageContaining("engine 'fast'");
    }

    @Test
    void stepperNeedsAStepModel() {
        ModelBundle full = OnnxFixtures.onnx("sunspots");
        ModelBundle windowOnly = ModelBundle.onnx(full.metadata(), full.windowGraph(), null);
        assertThatThrownBy(() -> Engines.openStepper(OnnxEngine.NAME, windowOnly))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no step.onnx");
        try (Predictor p = Engines.open(OnnxEngine.NAME, windowOnly)) {
            assertThat(p.predict(new float[][] {{1f, 2f, 3f}})[0]).hasSize(3);
        }
    }

    @Test
    void intraOpThreadsComeFromASystemProperty() {
        String old = System.getProperty(OnnxSessions.THREADS_PROPERTY);
        try {
            System.clearProperty(OnnxSessions.THREADS_PROPERTY);
            assertThat(OnnxSessions.intraOpThreads()).isEqualTo(1);
            System.setProperty(OnnxSessions.THREADS_PROPERTY, "2");
            assertThat(OnnxSessions.intraOpThreads()).isEqualTo(2);
            System.setProperty(OnnxSessions.THREADS_PROPERTY, "zero");
            assertThatThrownBy(OnnxSessions::intraOpThreads)
                    .hasMessageContaining(OnnxSessions.THREADS_PROPERTY)
                    .hasMessageContaining("'zero'");
        } finally {
            if (old == null) {
                System.clearProperty(OnnxSessions.THREADS_PROPERTY);
            } else {
                System.setProperty(OnnxSessions.THREADS_PROPERTY, old);
            }
        }
    }

    static float[] windows(int batch, int length, long seed) {
        float[] s = OnnxFixtures.series(seed, batch + length);
        float[] w = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(s, b, w, b * length, length);
        }
        return w;
    }

    static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSize(expected.length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        assertThat(worst)
                .as(
                        "worst relative error at %d: %s vs %s",
                        at, at < 0 ? 0 : actual[at], at < 0 ? 0 : expected[at])
                .isLessThanOrEqualTo(TOLERANCE);
    }
}
