package io.forecaster.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.model.ModelBundle;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link IdentityEngine}. */
class IdentityEngineTest {

    private static final ModelBundle BUNDLE = Golden.load("sunspots").loadBundle();

    private static float[] randomValues(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (100 * r.nextGaussian());
        }
        return v;
    }

    @Test
    void isFoundInTheEngineRegistry() {
        assertThat(Engines.names()).contains(IdentityEngine.NAME);
        try (Predictor p = Engines.open(IdentityEngine.NAME, BUNDLE)) {
            assertThat(p.engine()).isEqualTo(IdentityEngine.NAME);
        }
    }

    @Test
    void windowForecastIsTheLastValueRepeated() {
        int batch = 5;
        int length = 7;
        int horizon = 4;
        float[] windows = randomValues(batch * length, 1);
        float[] out = new float[batch * length];
        float[] ahead = new float[batch * horizon];
        try (Predictor p = Engines.open(IdentityEngine.NAME, BUNDLE)) {
            p.forecast(windows, batch, length, horizon, out, ahead);
        }
        // step t forecasts t + 1 as the value at t
        assertThat(out).containsExactly(windows);
        for (int b = 0; b < batch; b++) {
            float last = windows[b * length + length - 1];
            for (int h = 0; h < horizon; h++) {
                assertThat(ahead[b * horizon + h]).as("window %d, step %d", b, h).isEqualTo(last);
            }
        }
    }

    @Test
    void statefulForecastIsTheLastPointRepeatedAndKeepsTheNetworksStateShape() {
        int keys = 3;
        int horizon = 5;
        try (Stepper fast = Engines.openStepper(Engines.FAST, BUNDLE);
                Stepper s = Engines.openStepper(IdentityEngine.NAME, BUNDLE)) {
            StepState[] states = {s.newState(), s.newState(), s.newState()};
            // the same state shape as the real network's, so the job stores as much per key
            assertThat(states[0].conv).hasSameSizeAs(fast.newState().conv);
            assertThat(states[0].h2).hasSameSizeAs(fast.newState().h2);
            float[] out = new float[keys];
            float[] points = null;
            for (int step = 0; step < 3; step++) {
                points = randomValues(keys, 10 + step);
                s.step(states, points, keys, out);
                assertThat(out).containsExactly(points);
            }
            assertThat(states[2].steps).isEqualTo(3);
            float[] ahead = new float[keys * horizon];
            new StatefulRollout(s, keys).rollout(states, out, keys, horizon, ahead);
            for (int k = 0; k < keys; k++) {
                for (int h = 0; h < horizon; h++) {
                    assertThat(ahead[k * horizon + h]).isEqualTo(points[k]);
                }
            }
            // the rollout leaves the keys' own states as they were
            assertThat(states[2].steps).isEqualTo(3);
        }
    }

    @Test
    void checksItsArgumentsLikeTheOtherEngines() {
        try (Predictor p = Engines.open(IdentityEngine.NAME, BUNDLE)) {
            assertThatThrownBy(() -> p.predict(new float[5], 2, 3, new float[6]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("windows[5]");
        }
    }
}
