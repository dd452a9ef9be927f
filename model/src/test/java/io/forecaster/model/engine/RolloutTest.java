package io.forecaster.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.ModelBundle;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Recursive rollout past a window's end: the fast engine's, the default's, and stateful. */
class RolloutTest {

    private static final int WINDOWS = 37; // more than one tile
    private static final int LENGTH = 24;
    private static final int HORIZON = 10;

    private static float[] windows(ModelBundle bundle) {
        Random random = new Random(7);
        float[] w = new float[WINDOWS * LENGTH];
        double scale = bundle.metadata().scaling().scale();
        double offset = bundle.metadata().scaling().offset();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (offset + scale * random.nextGaussian());
        }
        return w;
    }

    /** Uses only {@code predict}, so {@code forecast} is the interface's rerunning default. */
    private static Predictor rerunning(Predictor p) {
        return new Predictor() {
            @Override
            public void predict(float[] windows, int batch, int length, float[] out) {
                p.predict(windows, batch, length, out);
            }

            @Override
            public String engine() {
                return "rerun";
            }

            @Override
            public void close() {}
        };
    }

    @ParameterizedTest
    @FieldSource("io.forecaster.model.engine.Golden#NAMES")
    void fastRolloutContinuesTheWindowAsARerunWould(String name) {
        ModelBundle bundle = Golden.load(name).loadBundle();
        float[] windows = windows(bundle);
        try (Predictor fast = Engines.open("fast", bundle)) {
            float[] out = new float[WINDOWS * LENGTH];
            float[] ahead = new float[WINDOWS * HORIZON];
            fast.forecast(windows, WINDOWS, LENGTH, HORIZON, out, ahead);
            float[] plain = new float[WINDOWS * LENGTH];
            fast.predict(windows, WINDOWS, LENGTH, plain);
            assertThat(out).containsExactly(plain);

            float[] rerunOut = new float[WINDOWS * LENGTH];
            float[] rerunAhead = new float[WINDOWS * HORIZON];
            rerunning(fast).forecast(windows, WINDOWS, LENGTH, HORIZON, rerunOut, rerunAhead);
            // the same network and sums in the same order: equal to the last bit
            assertThat(ahead).containsExactly(rerunAhead);
            for (int b = 0; b < WINDOWS; b++) {
                assertThat(ahead[b * HORIZON]).isEqualTo(out[b * LENGTH + LENGTH - 1]);
            }
            assertThat(ahead).doesNotContain(Float.NaN);
        }
    }

    @ParameterizedTest
    @FieldSource("io.forecaster.model.engine.Golden#NAMES")
    void statefulRolloutMatchesTheWindowsAndLeavesStatesAsTheyWere(String name) {
        ModelBundle bundle = Golden.load(name).loadBundle();
        float[] windows = windows(bundle);
        float[] expected = new float[WINDOWS * HORIZON];
        try (Predictor fast = Engines.open("fast", bundle)) {
            fast.forecast(windows, WINDOWS, LENGTH, HORIZON, new float[WINDOWS * LENGTH], expected);
        }
        try (Stepper stepper = Engines.openStepper("fast", bundle)) {
            StepState[] states = new StepState[WINDOWS];
            for (int b = 0; b < WINDOWS; b++) {
                states[b] = stepper.newState();
            }
            float[] points = new float[WINDOWS];
            float[] first = new float[WINDOWS];
            for (int t = 0; t < LENGTH; t++) {
                for (int b = 0; b < WINDOWS; b++) {
                    points[b] = windows[b * LENGTH + t];
                }
                stepper.step(states, points, WINDOWS, first);
            }
            StepState[] before = new StepState[WINDOWS];
            for (int b = 0; b < WINDOWS; b++) {
                before[b] = new StepState().copyFrom(states[b]);
            }
            float[] ahead = new float[WINDOWS * HORIZON];
            new StatefulRollout(stepper, 64).rollout(states, first, WINDOWS, HORIZON, ahead);
            assertThat(states).containsExactly(before);
            Outputs.assertClose(ahead, expected, ahead.length, name + " stateful rollout");
        }
    }
}
