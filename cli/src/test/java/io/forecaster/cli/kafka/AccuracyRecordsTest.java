package io.forecaster.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.connectors.Accuracy;
import org.junit.jupiter.api.Test;

/** Tests for {@link AccuracyRecords}. */
class AccuracyRecordsTest {

    private static Accuracy record(
            String key, long scored, double mae, double[] levels, double[] cov) {
        return new Accuracy(key, scored, scored, mae, 2 * mae, levels, cov, "m1", 0);
    }

    @Test
    void keepsTheLatestRecordPerKeyAndWeighsTheTotalByScoredSteps() {
        AccuracyRecords r = new AccuracyRecords();
        r.add(record("A", 10, 9.0, new double[] {0.8}, new double[] {0.1}));
        r.add(record("A", 300, 1.0, new double[] {0.8}, new double[] {0.9}));
        r.add(record("B", 100, 5.0, new double[] {0.8, 0.95}, new double[] {0.5, Double.NaN}));

        assertThat(r.byKey()).containsOnlyKeys("A", "B");
        assertThat(r.scored()).isEqualTo(400);
        assertThat(r.levels()).containsExactly(0.8, 0.95);
        Accuracy all = r.total("ALL");
        assertThat(all.sensorId()).isEqualTo("ALL");
        assertThat(all.scored()).isEqualTo(400);
        assertThat(all.mae()).isCloseTo((300 * 1.0 + 100 * 5.0) / 400, within(1e-12));
        assertThat(all.baselineMae()).isCloseTo(2 * all.mae(), within(1e-12));
        assertThat(all.coverage()[0]).isCloseTo((300 * 0.9 + 100 * 0.5) / 400, within(1e-12));
        // no key has a 95% coverage yet (A has no such level, B none so far)
        assertThat(all.coverage()[1]).isNaN();
        assertThat(AccuracyRecords.coverage(r.byKey().get("A"), 0.95)).isNaN();
    }

    @Test
    void anEmptySetHasNoFigures() {
        Accuracy all = new AccuracyRecords().total("ALL");
        assertThat(all.scored()).isZero();
        assertThat(all.mae()).isNaN();
        assertThat(all.levels()).isEmpty();
    }

    @Test
    void labelsLevelsAsPercentages() {
        assertThat(AccuracyRecords.label(0.8)).isEqualTo("80%");
        assertThat(AccuracyRecords.label(0.95)).isEqualTo("95%");
        assertThat(AccuracyRecords.label(0.975)).isEqualTo("97.5%");
        assertThat(AccuracyRecords.label(0.1)).isEqualTo("10%");
    }
}
