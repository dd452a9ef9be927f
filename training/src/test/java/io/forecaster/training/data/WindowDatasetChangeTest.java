package io.forecaster.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.Target;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/** The labels of {@link WindowDataset} batches for each {@link Target}. */
class WindowDatasetChangeTest {

    private static final float[][] BATCH = {{1, 4, 9, 16}, {5, 3, 3, 10}};

    @Test
    void levelLabelsAreTheNextPoints() {
        DataSet d = WindowDataset.toDataSet(BATCH, 2, 3, RNNFormat.NCW, Target.LEVEL);
        assertThat(d.getFeatures().dup('c').data().asFloat()).containsExactly(1, 4, 9, 5, 3, 3);
        assertThat(d.getLabels().dup('c').data().asFloat()).containsExactly(4, 9, 16, 3, 3, 10);
    }

    @Test
    void changeLabelsAreTheStepsFromEachInput() {
        DataSet d = WindowDataset.toDataSet(BATCH, 2, 3, RNNFormat.NCW, Target.CHANGE);
        assertThat(d.getFeatures().dup('c').data().asFloat()).containsExactly(1, 4, 9, 5, 3, 3);
        assertThat(d.getLabels().dup('c').data().asFloat()).containsExactly(3, 5, 7, -2, 0, 7);
    }

    @Test
    void differencesSeeTheChangesBetweenPointsAndZeroAtTheFirstStep() {
        DataSet d = WindowDataset.toDataSet(BATCH, 2, 3, RNNFormat.NCW, Target.DIFFERENCES);
        assertThat(d.getFeatures().dup('c').data().asFloat()).containsExactly(0, 3, 5, 0, -2, 0);
        assertThat(d.getLabels().dup('c').data().asFloat()).containsExactly(3, 5, 7, -2, 0, 7);
    }
}
