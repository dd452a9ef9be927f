package io.forecaster.training.stateful;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import org.junit.jupiter.api.Test;

/** Tests for {@link SteppedEvaluation}. */
class SteppedEvaluationTest {

    private static final float[] SERIES = {1, 3, 2, 5, 4};

    /** A stepper whose forecast is the point it was just given: the last-value forecaster. */
    private static final class Echo implements Stepper {
        int calls;

        @Override
        public StepState newState() {
            return StepState.zero(2, 1, 1);
        }

        @Override
        public void step(StepState[] states, float[] points, int n, float[] out) {
            calls++;
            for (int i = 0; i < n; i++) {
                states[i].steps++;
                out[i] = points[i];
            }
        }

        @Override
        public void close() {}
    }

    @Test
    void lastValueBaselineAveragesAbsoluteChangesFromTheSplitOn() {
        // points 2, 3, 4 scored: |2-3| + |5-2| + |4-5| over 3
        assertThat(SteppedEvaluation.lastValueMae(SERIES, 2)).isCloseTo(5.0 / 3, within(1e-12));
    }

    @Test
    void steppedMaeScoresEachForecastAgainstTheNextPoint() {
        Echo echo = new Echo();
        double mae = SteppedEvaluation.mae(echo, SERIES, 2);
        assertThat(mae).isEqualTo(SteppedEvaluation.lastValueMae(SERIES, 2));
        assertThat(echo.calls).as("every point but the last is stepped").isEqualTo(4);
    }

    @Test
    void rejectsASplitOutsideTheSeriesNamingIt() {
        assertThatThrownBy(() -> SteppedEvaluation.lastValueMae(SERIES, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5");
    }
}
