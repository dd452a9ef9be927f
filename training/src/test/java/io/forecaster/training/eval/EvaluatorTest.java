package io.forecaster.training.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.model.engine.Predictor;
import io.forecaster.training.data.SeriesCsv;
import io.forecaster.training.data.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests for {@link Evaluator}: which points are scored, and against what. */
class EvaluatorTest {

    /** The last-value model: predicts every step's next value by the step's own value. */
    static final class Persistence implements Predictor {
        int windows;

        @Override
        public void predict(float[] in, int batch, int length, float[] out) {
            windows += batch;
            System.arraycopy(in, 0, out, 0, batch * length);
        }

        @Override
        public String engine() {
            return "persistence";
        }

        @Override
        public void close() {}
    }

    /** Predicts a constant. */
    static Predictor constant(float c) {
        return new Predictor() {
            @Override
            public void predict(float[] in, int batch, int length, float[] out) {
                java.util.Arrays.fill(out, 0, batch * length, c);
            }

            @Override
            public String engine() {
                return "constant";
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void scoresEveryPointFromTheSplitOnWithTheLastStep() {
        double[] s = {0, 1, 3, 6, 10, 15, 21, 28};
        // split 5, window 3: points 5, 6, 7 are forecast by windows [2..4], [3..5], [4..6]
        ValidationScore c = new Evaluator(constant(20f), 3).score(s, 5);
        assertThat(c.points()).isEqualTo(3);
        assertThat(c.mae()).isCloseTo((5 + 1 + 8) / 3.0, within(1e-9));
        assertThat(c.baselineMae()).isCloseTo((5 + 6 + 7) / 3.0, within(1e-9));
        // all steps: targets s[3..5], s[4..6], s[5..7] against 20
        double all = (14 + 10 + 5) + (10 + 5 + 1) + (5 + 1 + 8);
        assertThat(c.allStepsMae()).isCloseTo(all / 9, within(1e-9));
    }

    @Test
    void theLastValueModelScoresExactlyTheBaseline() {
        double[] s = SeriesCsv.read(TestData.SUNSPOTS, TestData.SUNSPOT_COLUMN);
        Persistence p = new Persistence();
        ValidationScore score = new Evaluator(p, 60).score(s, 3000);
        assertThat(p.windows).isEqualTo(235);
        assertThat(score.points()).isEqualTo(235);
        assertThat(score.mae()).isCloseTo(score.baselineMae(), within(1e-4));
        // the course's published last-value baseline on this split
        assertThat(score.baselineMae()).isCloseTo(16.14, within(0.005));
    }

    @Test
    void pooledFiguresWeighEachSeriesByItsPoints() {
        ValidationScore a = new ValidationScore(1, 1, 2, 3);
        ValidationScore b = new ValidationScore(3, 5, 6, 7);
        ValidationScore p = ValidationScore.pooled(List.of(a, b));
        assertThat(p).isEqualTo(new ValidationScore(4, 4, 5, 6));
    }

    @Test
    void eachSeriesIsScoredAtItsOwnSplit() {
        double[] a = {0, 1, 2, 3, 4, 5};
        double[] b = {0, 2, 4, 6, 8, 10, 12, 14};
        Map<String, ValidationScore> s =
                new Evaluator(new Persistence(), 2)
                        .scoreAll(Map.of("a", a, "b", b), Map.of("a", 4, "b", 5));
        assertThat(s.get("a").points()).isEqualTo(2);
        assertThat(s.get("a").baselineMae()).isEqualTo(1.0);
        assertThat(s.get("b").points()).isEqualTo(3);
        assertThat(s.get("b").baselineMae()).isEqualTo(2.0);
    }

    @Test
    void aSplitBeforeTheFirstFullWindowIsRejected() {
        assertThatThrownBy(() -> new Evaluator(new Persistence(), 60).score(new double[100], 50))
                .hasMessageContaining("split 50");
    }
}
