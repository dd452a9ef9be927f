package io.forecaster.job;

import static io.forecaster.job.BatchedInferenceOperatorTest.BEGINNING;
import static io.forecaster.job.BatchedInferenceOperatorTest.MINUTE;
import static io.forecaster.job.BatchedInferenceOperatorTest.W;
import static io.forecaster.job.BatchedInferenceOperatorTest.feed;
import static io.forecaster.job.BatchedInferenceOperatorTest.harness;
import static io.forecaster.job.BatchedInferenceOperatorTest.options;
import static io.forecaster.job.BatchedInferenceOperatorTest.steps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.connectors.Forecast;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Target;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StatefulRollout;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job serves bundles whose target is {@link Target#CHANGE} or {@link Target#DIFFERENCES} as the
 * offline engines compute them (the reference here is the dl4j engine, the job runs the fast one):
 * window mode with a rollout, and stateful mode with a rollout.
 */
class ChangeTargetJobTest {

    private static final int H = 4;
    private static final Map<Target, ModelBundle> bundles = new EnumMap<>(Target.class);
    private static final Map<Target, Path> files = new EnumMap<>(Target.class);

    @BeforeAll
    static void changeBundles() throws IOException {
        ModelBundle b = TestModels.bundle();
        for (Target t : List.of(Target.CHANGE, Target.DIFFERENCES)) {
            ModelBundle bundle =
                    new ModelBundle(b.metadata().withTarget(t), b.params(), b.graphs());
            Path file = Files.createTempFile("job-test-" + t.id() + "-model", ".zip");
            file.toFile().deleteOnExit();
            bundle.save(file);
            bundles.put(t, bundle);
            files.put(t, file);
        }
    }

    private static void assertClose(double actual, double expected, String what) {
        assertThat(actual).as(what).isCloseTo(expected, within(1e-4 * (1 + Math.abs(expected))));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void windowModeForecastsAndRollsOutTheChangeModel(Target target) throws Exception {
        ModelBundle change = bundles.get(target);
        double[] val = HorizonAndIntervalsTest.series(1, 12);
        List<Forecast> out;
        try (var h =
                harness(
                        options(
                                "model.path",
                                files.get(target).toString(),
                                "forecast.horizon",
                                String.valueOf(H),
                                "inference.batch-size",
                                "4"))) {
            h.open();
            feed(h, HorizonAndIntervalsTest.windows("VAL", val, 3));
            h.endInput();
            out = h.extractOutputValues();
        }
        assertThat(out).hasSize(3);
        double offset = change.metadata().scaling().offset();
        try (Predictor dl4j = Engines.open("dl4j", change);
                Predictor level = Engines.open("dl4j", TestModels.bundle())) {
            for (Forecast f : out) {
                int end = (int) ((f.windowEnd() - BEGINNING) / MINUTE);
                float[] window = new float[W];
                for (int i = 0; i < W; i++) {
                    window[i] = (float) val[end - W + i];
                }
                float[] seq = new float[W];
                float[] ahead = new float[H];
                dl4j.forecast(window, 1, W, H, seq, ahead);
                float[] levels = new float[W];
                level.predict(window, 1, W, levels);
                for (int i = 0; i < W; i++) {
                    assertClose(f.predictions()[i], seq[i], "window " + end + " step " + i);
                    if (target == Target.CHANGE) {
                        // the last input plus the network's output: the level model's output
                        // minus its offset (the same weights)
                        assertClose(
                                f.predictions()[i],
                                window[i] + levels[i] - offset,
                                "window " + end + " step " + i + " against the level model");
                    }
                }
                for (int s = 0; s < H; s++) {
                    assertClose(f.ahead().values()[s], ahead[s], "window " + end + " ahead " + s);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = Target.class,
            names = {"CHANGE", "DIFFERENCES"})
    void statefulModeStepsAndRollsOutTheChangeModel(Target target) throws Exception {
        ModelBundle change = bundles.get(target);
        double[] val = {3, 5, 4, 6, 8, 7, 9, 12, 10};
        List<Forecast> out;
        try (var h =
                harness(
                        options(
                                "model.path",
                                files.get(target).toString(),
                                "mode",
                                "stateful",
                                "window.slide",
                                "1",
                                "forecast.horizon",
                                String.valueOf(H)))) {
            h.open();
            feed(h, steps("VAL", 1, val));
            h.endInput();
            out = h.extractOutputValues();
        }
        assertThat(out).hasSize(val.length - W + 1);
        try (Stepper s = Engines.openStepper("dl4j", change)) {
            StatefulRollout rollout = new StatefulRollout(s, 1);
            StepState[] state = {s.newState()};
            float[] next = new float[1];
            float[] stepped = new float[val.length];
            float[][] ahead = new float[val.length][H];
            for (int t = 0; t < val.length; t++) {
                s.step(state, new float[] {(float) val[t]}, 1, next);
                stepped[t] = next[0];
                rollout.rollout(state, next, 1, H, ahead[t]);
            }
            for (Forecast f : out) {
                int end = (int) ((f.windowEnd() - BEGINNING) / MINUTE);
                // the forecast after minute `end` holds the outputs of steps end-W+1 .. end
                for (int i = 0; i < W; i++) {
                    assertClose(
                            f.predictions()[i], stepped[end - W + i], "at " + end + " step " + i);
                }
                for (int k = 0; k < H; k++) {
                    assertClose(
                            f.ahead().values()[k], ahead[end - 1][k], "at " + end + " ahead " + k);
                }
            }
        }
    }
}
