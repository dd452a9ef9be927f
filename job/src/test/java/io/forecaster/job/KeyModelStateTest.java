package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.engine.StepState;
import org.junit.jupiter.api.Test;

class KeyModelStateTest {

    private static KeyModelState pushed(int window, int points) {
        KeyModelState s = KeyModelState.start(StepState.zero(3, 2, 2), window);
        for (int i = 1; i <= points; i++) {
            s.push(1000L * i, i, 10f * i);
        }
        return s;
    }

    @Test
    void keepsTheLastWindowOfEntriesOldestFirstAcrossManyWraps() {
        for (int points = 1; points <= 13; points++) {
            KeyModelState s = pushed(4, points);
            int held = Math.min(points, 4);
            int oldest = points - held + 1;
            assertThat(s.count).as("after %d", points).isEqualTo(held);
            assertThat(s.oldestTime()).as("after %d", points).isEqualTo(1000L * oldest);
            float[] want = new float[held];
            for (int i = 0; i < held; i++) {
                want[i] = 10f * (oldest + i);
                assertThat(s.input(i)).isEqualTo((float) (oldest + i));
            }
            assertThat(s.predictionsOldestFirst()).as("after %d", points).containsExactly(want);
        }
    }

    @Test
    void aStepWritesOneSlotOfEachArray() {
        KeyModelState s = pushed(4, 6);
        long[] times = s.times.clone();
        float[] predictions = s.predictions.clone();
        s.push(7000L, 7f, 70f);
        int changed = 0;
        for (int i = 0; i < 4; i++) {
            if (times[i] != s.times[i]) {
                changed++;
                assertThat(s.predictions[i]).isNotEqualTo(predictions[i]);
            }
        }
        assertThat(changed).isEqualTo(1);
    }

    @Test
    void aStateInTheOldLayoutGoesOnWhereItWas() {
        // written before the ring had a start: full, oldest first, head absent (restored as 0)
        KeyModelState s = KeyModelState.start(StepState.zero(3, 2, 2), 3);
        s.times = new long[] {1000, 2000, 3000};
        s.predictions = new float[] {10, 20, 30};
        s.inputs = new float[] {1, 2, 3};
        s.count = 3;
        s.inputCount = 3;
        s.push(4000L, 4f, 40f);
        assertThat(s.oldestTime()).isEqualTo(2000L);
        assertThat(s.predictionsOldestFirst()).containsExactly(20f, 30f, 40f);
    }

    @Test
    void keepingKnownInputsUnrollsTheRing() {
        KeyModelState s = pushed(4, 7);
        s.inputCount = 2; // only the two newest inputs known
        assertThat(s.keepKnownInputs()).isEqualTo(2);
        assertThat(s.head).isZero();
        assertThat(s.count).isEqualTo(2);
        assertThat(s.oldestTime()).isEqualTo(6000L);
        assertThat(s.predictionsOldestFirst()).containsExactly(60f, 70f);
        assertThat(s.input(0)).isEqualTo(6f);
        assertThat(s.input(1)).isEqualTo(7f);
        s.push(8000L, 8f, 80f);
        assertThat(s.predictionsOldestFirst()).containsExactly(60f, 70f, 80f);
    }
}
