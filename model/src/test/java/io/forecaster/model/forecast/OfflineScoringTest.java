package io.forecaster.model.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import io.forecaster.model.forecast.OfflineScoring.KeySeries;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link OfflineScoring}. */
class OfflineScoringTest {

    /** Forecasts every step as the input plus one, so a window's forecast h is last + h. */
    static final Predictor PLUS_ONE =
            new Predictor() {
                @Override
                public void predict(float[] windows, int batch, int length, float[] out) {
                    for (int i = 0; i < batch * length; i++) {
                        out[i] = windows[i] + 1;
                    }
                }

                @Override
                public String engine() {
                    return "plus-one";
                }

                @Override
                public void close() {}
            };

    /** The same forecast, stepped: the state keeps nothing the prediction needs. */
    static final Stepper PLUS_ONE_STEPPER =
            new Stepper() {
                @Override
                public StepState newState() {
                    return StepState.zero(2, 1, 1);
                }

                @Override
                public void step(StepState[] states, float[] points, int n, float[] out) {
                    for (int i = 0; i < n; i++) {
                        states[i].h1[0] = points[i];
                        states[i].steps++;
                        out[i] = points[i] + 1;
                    }
                }

                @Override
                public void close() {}
            };

    private static final double[] NO_LEVELS = {};

    @Test
    void scoresEachHorizonStepBesideLastValueAndSeasonalNaive() {
        // forecasts at 1: [2, 3], at 2: [3, 4], at 3: [5, 6], at 4: [9, 10] (never scored)
        float[] values = {0, 1, 2, 4, 8};
        ForecastScoring scoring = new ForecastScoring(2, NO_LEVELS, null, 0, 0.1);
        OfflineScoring.Result r =
                OfflineScoring.window(PLUS_ONE, KeySeries.of(values), 2, 1, 2, scoring);

        assertThat(r.forecasts()).isEqualTo(4);
        StepFigures f = r.steps();
        assertThat(f.scored(0)).isEqualTo(3);
        assertThat(f.scored(1)).isEqualTo(2);
        assertThat(f.mae(0)).isCloseTo(4.0 / 3, within(1e-9)); // errors 0, 1, 3
        assertThat(f.mae(1)).isCloseTo(5.0 / 2, within(1e-9)); // errors 1, 4
        assertThat(f.lastValueMae(0)).isCloseTo(7.0 / 3, within(1e-9));
        assertThat(f.lastValueMae(1)).isCloseTo(9.0 / 2, within(1e-9));
        // season 2: the value two steps before the target, known at the origin for both steps
        assertThat(f.seasonalMae(0)).isCloseTo(11.0 / 3, within(1e-9));
        assertThat(f.seasonalMae(1)).isCloseTo(9.0 / 2, within(1e-9));
        assertThat(f.errors(0)).containsExactly(0f, 1f, 3f);
        KeyScore s = r.score();
        assertThat(s.scored).isEqualTo(5);
        assertThat(s.absError).isEqualTo(9.0);
        assertThat(s.baselineAbsError).isEqualTo(16.0);
    }

    @Test
    void aRestartDropsPendingStepsAndStartsTheWindowAgain() {
        float[] values = {0, 1, 2, 4, 8, 9};
        KeySeries series = new KeySeries(values, new int[] {3}, 0, 0);
        ForecastScoring scoring = new ForecastScoring(2, NO_LEVELS, null, 0, 0.1);
        OfflineScoring.Result r = OfflineScoring.window(PLUS_ONE, series, 2, 1, 3, scoring);

        assertThat(r.forecasts()).isEqualTo(4); // at 1, 2, then 4, 5 (two points after 3)
        assertThat(r.score().scored).isEqualTo(2); // 2 by the forecast at 1; 5 by the one at 4
        assertThat(r.score().absError).isEqualTo(0.0);
        // season 3 reaches before the restart for every scored step
        assertThat(r.steps().seasonalMae(0)).isNaN();
    }

    @Test
    void aReplayStartsAtStartAndLooksBackOnlyForTheSeasonalForecast() {
        float[] values = {5, 0, 1, 2, 4, 8};
        KeySeries series = new KeySeries(values, new int[0], 1, 0);
        OfflineScoring.Result r =
                OfflineScoring.window(
                        PLUS_ONE, series, 2, 1, 3, new ForecastScoring(1, NO_LEVELS, null, 0, 1));
        assertThat(r.forecasts()).isEqualTo(4); // at 2, 3, 4, 5
        assertThat(r.steps().errors(0)).containsExactly(0f, 1f, 3f);
        // targets 3, 4, 5 by the values at 0, 1, 2
        assertThat(r.steps().seasonalMae(0)).isCloseTo((3 + 4 + 7) / 3.0, within(1e-9));
    }

    @Test
    void followsTheSlideAndScoresOnlyTargetsFromScoreFrom() {
        float[] values = new float[10];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * i;
        }
        KeySeries series = new KeySeries(values, new int[0], 0, 7);
        OfflineScoring.Result r =
                OfflineScoring.window(
                        PLUS_ONE, series, 3, 2, 0, new ForecastScoring(3, NO_LEVELS, null, 0, 1));
        assertThat(r.forecasts()).isEqualTo(4); // at 2, 4, 6, 8
        // targets 7, 8, 9: from 4 (step 3 of 7), 6 (steps 1, 2, 3 of 7, 8, 9), 8 (step 1 of 9)
        assertThat(r.steps().scored()).isEqualTo(5);
        assertThat(r.score().scored).isEqualTo(3 + 3 + 3 + 1);
    }

    /** The job's calls, written out for one key without a restart. */
    private static KeyScore jobSequence(
            float[] values, int window, int slide, ForecastScoring scoring) {
        KeyScore s = scoring.newScore();
        float[] widths = new float[scoring.horizon() * scoring.levels().length];
        float[] out = new float[window];
        float[] ahead = new float[scoring.horizon()];
        for (int n = 1; n <= values.length; n++) {
            scoring.observe(s, values[n - 1]);
            if (n >= window && (n - window) % slide == 0) {
                float[] w = java.util.Arrays.copyOfRange(values, n - window, n);
                scoring.intervals(s, widths);
                PLUS_ONE.forecast(w, 1, window, scoring.horizon(), out, ahead);
                scoring.issue(s, ahead, 0, widths, values[n - 1]);
            }
        }
        return s;
    }

    @Test
    void givesTheScoreOfTheJobsSequenceInBothModesAndItsPerStepFiguresAddUpToIt() {
        Random random = new Random(11);
        float[] values = new float[400];
        for (int i = 1; i < values.length; i++) {
            values[i] = values[i - 1] + (float) random.nextGaussian();
        }
        IntervalCalibration calibration =
                IntervalCalibration.of(
                        new float[][] {{0.5f, 1, 1.5f, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}});
        double[] levels = {0.5, 0.8};
        ForecastScoring scoring = new ForecastScoring(3, levels, calibration, 20, 0.2);
        KeyScore expected = jobSequence(values, 5, 2, scoring);

        KeySeries series = KeySeries.of(values);
        OfflineScoring.Result window = OfflineScoring.window(PLUS_ONE, series, 5, 2, 0, scoring);
        OfflineScoring.Result stateful =
                OfflineScoring.stateful(PLUS_ONE_STEPPER, series, 5, 2, 0, scoring);
        for (OfflineScoring.Result r : java.util.List.of(window, stateful)) {
            KeyScore s = r.score();
            assertThat(s.scored).isEqualTo(expected.scored);
            assertThat(s.absError).isEqualTo(expected.absError);
            assertThat(s.baselineAbsError).isEqualTo(expected.baselineAbsError);
            assertThat(s.withInterval).containsExactly(expected.withInterval);
            assertThat(s.covered).containsExactly(expected.covered);
            assertThat(s.trackers).containsExactly(expected.trackers);

            StepFigures f = r.steps();
            assertThat(f.scored()).isEqualTo(s.scored);
            double abs = 0;
            double last = 0;
            for (int h = 0; h < 3; h++) {
                abs += f.mae(h) * f.scored(h);
                last += f.lastValueMae(h) * f.scored(h);
            }
            assertThat(abs).isCloseTo(s.absError, within(1e-6));
            assertThat(last).isCloseTo(s.baselineAbsError, within(1e-6));
            for (int l = 0; l < levels.length; l++) {
                long with = 0;
                long covered = 0;
                for (int h = 0; h < 3; h++) {
                    with += f.withInterval(h, l);
                    covered += Math.round(f.coverage(h, l) * f.withInterval(h, l));
                }
                assertThat(with).isEqualTo(s.withInterval[l]);
                assertThat(covered).isEqualTo(s.covered[l]);
                // after each step's 20 scored errors its intervals are the key's own
                assertThat(f.withOnline(l)).isBetween(1L, with - 1);
                assertThat(f.onlineCoverage(l)).isBetween(0.0, 1.0);
            }
        }
        // step 3 has no calibration errors: an interval only after the key's warm-up
        assertThat(expected.withInterval[0]).isLessThan(expected.scored);
    }
}
