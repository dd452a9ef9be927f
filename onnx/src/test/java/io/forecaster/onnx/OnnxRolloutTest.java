package io.forecaster.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OnnxPredictor#forecast} with a horizon: through the step model ({@link OnnxRollout}) when
 * the bundle has one, by rerunning the window model when it does not; both equal the fast engine's
 * rollout within 1e-4 relative.
 */
class OnnxRolloutTest {

    static Stream<Arguments> shapes() {
        // batch, length, horizon, 1 if the step model is the cheaper path; a window shorter than
        // the convolution; more rows than a chunk; small batches and horizons rerun the window
        int[][] shapes = {
            {1, 60, 10, 1},
            {5, 60, 10, 1},
            {40, 30, 4, 1},
            {3, 2, 6, 1},
            {16, 60, 2, 1},
            {1, 60, 1, 0},
            {1, 60, 2, 0},
            {4, 60, 3, 0}
        };
        Stream.Builder<Arguments> b = Stream.builder();
        for (String name : OnnxFixtures.NAMES) {
            for (int[] s : shapes) {
                b.add(Arguments.of(name, s[0], s[1], s[2], s[3] == 1));
            }
        }
        b.add(Arguments.of("random-scaled", OnnxRollout.CHUNK + 3, 8, 3, true));
        return b.build();
    }

    @ParameterizedTest(name = "{0} batch {1} length {2} horizon {3} step model {4}")
    @MethodSource("shapes")
    void aBundleWithAStepModelRollsOutAsTheFastEngine(
            String name, int batch, int length, int horizon, boolean throughStepModel) {
        ModelBundle onnx = OnnxFixtures.onnx(name);
        assertThat(onnx.stepGraph()).isNotNull();
        assertThat(OnnxRollout.cheaperThanRerun(batch, length, horizon))
                .isEqualTo(throughStepModel);
        compare(OnnxFixtures.params(name), onnx, batch, length, horizon, throughStepModel);
    }

    @Test
    void theStepModelIsChosenWhereItsCallsCostLessThanTheReruns() {
        // batch 1, 60-point windows: 59 + H step calls against H window calls
        assertThat(OnnxRollout.cheaperThanRerun(1, 60, 8)).isFalse();
        assertThat(OnnxRollout.cheaperThanRerun(1, 60, 9)).isTrue();
        // batched: every horizon above 1
        assertThat(OnnxRollout.cheaperThanRerun(16, 60, 2)).isTrue();
        assertThat(OnnxRollout.cheaperThanRerun(100_000, 60, 2)).isTrue();
        assertThat(OnnxRollout.cheaperThanRerun(100_000, 60, 1)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.forecaster.onnx.OnnxEngineTest#names")
    void withoutAStepModelTheWindowModelIsRerun(String name) {
        ModelBundle full = OnnxFixtures.onnx(name);
        ModelBundle windowOnly = ModelBundle.onnx(full.metadata(), full.windowGraph(), null);
        compare(OnnxFixtures.params(name), windowOnly, 4, 60, 5, false);
    }

    @Test
    void theCommittedSunspotsExportRollsOutAsTheFastEngine() throws Exception {
        Path models = Path.of("").toAbsolutePath().getParent().resolve("models");
        ModelBundle params = ModelBundle.load(models.resolve("sunspots.zip"));
        ModelBundle onnx = ModelBundle.load(models.resolve("sunspots-onnx.zip"));
        assertThat(Files.exists(models.resolve("sunspots-onnx.zip"))).isTrue();
        compare(params, onnx, 16, 60, 10, true);
        ModelBundle windowOnly = ModelBundle.onnx(onnx.metadata(), onnx.windowGraph(), null);
        compare(params, windowOnly, 16, 60, 10, false);
    }

    @Test
    void theRolloutRunsTheStepModel() {
        // a bundle pairing one network's window model with another's step model: the forecast
        // past the window follows the step model, so it is not the window model's rerun
        ModelBundle sunspots = OnnxFixtures.onnx("sunspots");
        ModelBundle other = OnnxFixtures.onnx("random-scaled");
        ModelBundle mixed =
                ModelBundle.onnx(sunspots.metadata(), sunspots.windowGraph(), other.stepGraph());
        ModelBundle windowOnly =
                ModelBundle.onnx(sunspots.metadata(), sunspots.windowGraph(), null);
        int batch = 3;
        int length = 60;
        int horizon = 10;
        float[] w = OnnxEngineTest.windows(batch, length, 5);
        float[] mixedAhead = new float[batch * horizon];
        float[] rerunAhead = new float[batch * horizon];
        try (Predictor m = Engines.open(OnnxEngine.NAME, mixed);
                Predictor r = Engines.open(OnnxEngine.NAME, windowOnly)) {
            m.forecast(w, batch, length, horizon, new float[batch * length], mixedAhead);
            r.forecast(w, batch, length, horizon, new float[batch * length], rerunAhead);
        }
        double apart = 0;
        for (int i = 0; i < mixedAhead.length; i++) {
            apart = Math.max(apart, Math.abs(mixedAhead[i] - rerunAhead[i]));
        }
        assertThat(apart).isGreaterThan(1.0);
    }

    /** The onnx forecast of {@code onnx} against the fast engine's of {@code params}. */
    static void compare(
            ModelBundle params,
            ModelBundle onnx,
            int batch,
            int length,
            int horizon,
            boolean throughStepModel) {
        float[] w = OnnxEngineTest.windows(batch, length, 31L * batch + length);
        float[] fast = new float[batch * length];
        float[] fastAhead = new float[batch * horizon];
        float[] got = new float[batch * length];
        float[] gotAhead = new float[batch * horizon];
        try (Predictor f = Engines.open(Engines.FAST, params);
                Predictor o = Engines.open(OnnxEngine.NAME, onnx)) {
            f.forecast(w, batch, length, horizon, fast, fastAhead);
            o.forecast(w, batch, length, horizon, got, gotAhead);
            assertThat(((OnnxPredictor) o).rolloutOpen()).isEqualTo(throughStepModel);
            // a second call on the same buffers and tensors gives the same forecasts
            float[] again = new float[batch * horizon];
            o.forecast(w, batch, length, horizon, new float[batch * length], again);
            assertThat(again).containsExactly(gotAhead);
        }
        OnnxEngineTest.assertClose(got, fast);
        OnnxEngineTest.assertClose(gotAhead, fastAhead);
    }
}
