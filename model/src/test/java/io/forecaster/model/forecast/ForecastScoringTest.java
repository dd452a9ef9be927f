package io.forecaster.model.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.forecast.ForecastScoring.Source;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ForecastScoringTest {

    private static final float NONE = Float.NaN;

    @Test
    void scoresEachStepWhenItsActualArrivesBesideTheLastValueForecast() {
        ForecastScoring scoring = new ForecastScoring(2, new double[] {0.8}, null, 0, 0.1);
        KeyScore s = scoring.newScore();
        scoring.issue(s, new float[] {1f, 2f}, 0, new float[] {NONE, NONE}, 0f);
        assertThat(scoring.observe(s, 1.5f)).isEqualTo(1); // step 1 of the first forecast
        scoring.issue(s, new float[] {9f, 3f, 4f}, 1, new float[] {NONE, NONE}, 1.5f);
        // step 2 of the first (2 vs 2.5) and step 1 of the second (3 vs 2.5)
        assertThat(scoring.observe(s, 2.5f)).isEqualTo(2);
        assertThat(s.scored).isEqualTo(3);
        assertThat(s.absError).isEqualTo(1.5);
        assertThat(s.baselineAbsError).isEqualTo(1.5 + 2.5 + 1.0);
        assertThat(s.stepScored).containsExactly(2, 1);
        assertThat(s.pendingLength).isEqualTo(2 + 1 * 2); // the second's step 2 waits
        assertThat(scoring.observe(s, 4f)).isEqualTo(1);
        assertThat(s.pendingLength).isZero();
        assertThat(scoring.observe(s, 5f)).isZero();
        ForecastScoring.Accuracy a = scoring.accuracy(s);
        assertThat(a.scored()).isEqualTo(4);
        assertThat(a.mae()).isEqualTo(1.5 / 4);
        assertThat(a.baselineMae()).isEqualTo((5.0 + 2.5) / 4);
        assertThat(a.coverage()[0]).isNaN(); // no forecast had an interval
    }

    @Test
    void coverageIsCountedWithTheWidthTheForecastWasIssuedWith() {
        ForecastScoring scoring = new ForecastScoring(1, new double[] {0.5, 0.9}, null, 0, 0.1);
        KeyScore s = scoring.newScore();
        scoring.issue(s, new float[] {10f}, 0, new float[] {1f, 3f}, 10f);
        scoring.observe(s, 12f); // error 2: outside ±1, inside ±3
        assertThat(s.withInterval).containsExactly(1, 1);
        assertThat(s.covered).containsExactly(0, 1);
        scoring.dropPending(s);
        assertThat(s.pendingLength).isZero();
    }

    @Test
    void intervalsComeFromCalibrationUntilTheStepHasWarmedUpThenFromTheKey() {
        IntervalCalibration calibration =
                IntervalCalibration.of(new float[][] {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {}});
        ForecastScoring scoring = new ForecastScoring(2, new double[] {0.8}, calibration, 3, 0.5);
        KeyScore s = scoring.newScore();
        float[] widths = new float[2];
        assertThat(scoring.intervals(s, widths)).isEqualTo(Source.NONE); // step 2 uncalibrated
        assertThat(widths[0]).isEqualTo(8f);
        assertThat(widths[1]).isNaN();

        ForecastScoring oneStep = new ForecastScoring(1, new double[] {0.8}, calibration, 3, 0.5);
        KeyScore k = oneStep.newScore();
        float[] w = new float[1];
        for (int i = 0; i < 3; i++) {
            assertThat(oneStep.intervals(k, w)).isEqualTo(Source.CALIBRATION);
            oneStep.issue(k, new float[] {0f}, 0, w, 0f);
            oneStep.observe(k, 1f);
        }
        assertThat(oneStep.intervals(k, w)).isEqualTo(Source.ONLINE);
        assertThat(w[0]).isEqualTo(k.trackers[0]).isLessThan(8f); // errors of 1 pull it down
    }

    @Test
    void calibrationGivesTheSplitConformalQuantileOrNoneWhenTooFewErrors() {
        IntervalCalibration c =
                IntervalCalibration.of(new float[][] {{-9, 8, 7, -6, 5, 4, 3, 2, 1}});
        assertThat(c.halfWidth(0, 0.8)).isEqualTo(8f); // ceil(10 * 0.8) = 8th smallest
        assertThat(c.halfWidth(0, 0.5)).isEqualTo(5f);
        assertThat(c.halfWidth(0, 0.95)).isNaN(); // needs the 10th of 9
        assertThat(c.halfWidth(1, 0.5)).isNaN();

        float[] many = new float[10_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = i + 1;
        }
        IntervalCalibration thinned = IntervalCalibration.of(new float[][] {many});
        assertThat(thinned.absErrors()[0]).hasSize(IntervalCalibration.KEEP);
        assertThat(thinned.counts()).containsExactly(10_000);
        assertThat(thinned.halfWidth(0, 0.9)).isCloseTo(9001f, within(40f));
    }

    @Test
    void onlineIntervalsMeetTheirLevelsOnAShiftingNoiseScale() {
        int horizon = 3;
        double[] levels = {0.8, 0.95};
        ForecastScoring scoring = new ForecastScoring(horizon, levels, null, 50, 0.1);
        KeyScore s = scoring.newScore();
        Random random = new Random(42);
        float[] widths = new float[horizon * levels.length];
        float[] ahead = new float[horizon];
        long[] coveredAfterWarmup = new long[2];
        long[] withAfterWarmup = new long[2];
        float last = 0f;
        for (int t = 0; t < 20_000; t++) {
            double sigma = t < 10_000 ? 1.0 : 5.0; // the series gets noisier halfway
            float actual = (float) (sigma * random.nextGaussian());
            long[] coveredBefore = s.covered.clone();
            long[] withBefore = s.withInterval.clone();
            scoring.observe(s, actual);
            if (t > 2_000) {
                for (int l = 0; l < 2; l++) {
                    coveredAfterWarmup[l] += s.covered[l] - coveredBefore[l];
                    withAfterWarmup[l] += s.withInterval[l] - withBefore[l];
                }
            }
            last = actual;
            scoring.intervals(s, widths);
            scoring.issue(s, ahead, 0, widths, last); // forecasts 0, the noise's mean
        }
        for (int l = 0; l < 2; l++) {
            double coverage = (double) coveredAfterWarmup[l] / withAfterWarmup[l];
            assertThat(coverage).as("level %s", levels[l]).isCloseTo(levels[l], within(0.02));
        }
        assertThat(s.pendingLength).isLessThanOrEqualTo(2 * horizon + 6 * (1 + levels.length));
    }

    @Test
    void stateStaysSmallAtHorizonTenWithTwoLevels() {
        ForecastScoring scoring = new ForecastScoring(10, new double[] {0.8, 0.95}, null, 5, 0.1);
        KeyScore s = scoring.newScore();
        float[] widths = new float[20];
        int most = 0;
        for (int t = 0; t < 100; t++) {
            scoring.observe(s, t);
            scoring.intervals(s, widths);
            scoring.issue(s, new float[10], 0, widths, t);
            most = Math.max(most, s.pendingLength);
        }
        // 10 + 9 + ... + 1 waiting steps, each a prediction and two widths, plus two per forecast
        assertThat(most).isEqualTo(55 * 3 + 2 * 10);
        long bytes =
                4L * (s.pending.length + s.trackers.length + s.stepScored.length)
                        + 8L * (s.withInterval.length + s.covered.length + 5);
        assertThat(bytes).isLessThan(1024);
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new ForecastScoring(0, new double[0], null, 1, 0.1))
                .hasMessageContaining("horizon must be at least 1, got 0");
        assertThatThrownBy(() -> new ForecastScoring(1, new double[] {95}, null, 1, 0.1))
                .hasMessageContaining("got 95.0");
    }
}
