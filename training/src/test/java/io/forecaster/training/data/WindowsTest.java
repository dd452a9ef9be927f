package io.forecaster.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Tests for {@link Windows}, {@link WindowDataset} and {@link Split}. */
class WindowsTest {

    private static double[] ramp(int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = i * 1.5 + 7;
        }
        return s;
    }

    @Test
    void windowsHoldWPlusOneConsecutivePointsSlidingByOne() {
        double[] s = ramp(20);
        List<float[]> w = Windows.of(s, 0, 20, 5);
        assertThat(w).hasSize(20 - 5);
        for (int k = 0; k < w.size(); k++) {
            assertThat(w.get(k)).hasSize(6);
            for (int i = 0; i < 6; i++) {
                assertThat(w.get(k)[i]).isEqualTo((float) s[k + i]);
            }
        }
        assertThat(Windows.of(s, 3, 9, 5)).hasSize(1);
        assertThat(Windows.of(s, 3, 8, 5)).isEmpty();
    }

    @Test
    void aStrideThinsOutTheWindowStarts() {
        double[] s = ramp(20);
        List<float[]> w = Windows.of(s, 0, 20, 5, 3);
        assertThat(w).hasSize(5); // starts 0, 3, 6, 9, 12 (14 is the last possible start)
        assertThat(w.get(1)[0]).isEqualTo((float) s[3]);
        assertThat(w.get(4)[5]).isEqualTo((float) s[17]);
        assertThatThrownBy(() -> Windows.of(s, 0, 20, 5, 0)).hasMessageContaining("stride");
    }

    @Test
    void targetStepTIsInputStepTPlusOne() {
        float[] window = Windows.of(ramp(10), 2, 10, 7).get(0);
        float[] input = Windows.input(window);
        float[] target = Windows.target(window);
        assertThat(input).hasSize(7);
        assertThat(target).hasSize(7);
        for (int t = 0; t + 1 < 7; t++) {
            assertThat(target[t]).isEqualTo(input[t + 1]);
        }
        assertThat(target[6]).isEqualTo(window[7]);
    }

    @Test
    void batchesAreNwcWithLabelsShiftedByOneStep() {
        double[] s = ramp(50);
        WindowDataset ds = new WindowDataset(Windows.of(s, 0, 50, 8), 16, 1000, 3L);
        assertThat(ds.batchesPerEpoch()).isEqualTo(3);
        int seen = 0;
        for (Iterator<DataSet> it = ds.epoch(); it.hasNext(); ) {
            DataSet b = it.next();
            INDArray f = b.getFeatures();
            INDArray l = b.getLabels();
            long n = f.size(0);
            assertThat(f.shape()).containsExactly(n, 8, 1);
            assertThat(l.shape()).containsExactly(n, 8, 1);
            for (int i = 0; i < n; i++) {
                for (int t = 0; t + 1 < 8; t++) {
                    assertThat(l.getDouble(i, t, 0)).isEqualTo(f.getDouble(i, t + 1, 0));
                }
                // consecutive points of the ramp: each label is its input plus one step
                assertThat(l.getDouble(i, 7, 0))
                        .isEqualTo(
                                f.getDouble(i, 7, 0) + 1.5,
                                org.assertj.core.data.Offset.offset(1e-4));
            }
            seen += n;
        }
        assertThat(seen).isEqualTo(42);
    }

    @Test
    void ncwBatchesHoldTheSameValues() {
        List<float[]> w = Windows.of(ramp(30), 0, 30, 6);
        DataSet nwc = new WindowDataset(w, 10, 1, 1L).epoch().next();
        DataSet ncw = new WindowDataset(w, 10, 1, 1L, RNNFormat.NCW).epoch().next();
        assertThat(ncw.getFeatures().shape()).containsExactly(10, 1, 6);
        assertThat(ncw.getFeatures().permute(0, 2, 1)).isEqualTo(nwc.getFeatures());
        assertThat(ncw.getLabels().permute(0, 2, 1)).isEqualTo(nwc.getLabels());
    }

    @Test
    void everyEpochUsesEveryWindowOnceInANewOrder() {
        WindowDataset ds = new WindowDataset(Windows.of(ramp(300), 0, 300, 4), 7, 50, 11L);
        List<Float> first = firstPoints(ds);
        List<Float> second = firstPoints(ds);
        assertThat(first).hasSize(296).doesNotHaveDuplicates();
        assertThat(new HashSet<>(second)).isEqualTo(new HashSet<>(first));
        assertThat(second).isNotEqualTo(first);
    }

    private static List<Float> firstPoints(WindowDataset ds) {
        List<Float> out = new ArrayList<>();
        for (Iterator<DataSet> it = ds.epoch(); it.hasNext(); ) {
            INDArray f = it.next().getFeatures();
            for (int i = 0; i < f.size(0); i++) {
                out.add(f.getFloat(i, 0, 0));
            }
        }
        return out;
    }

    @Test
    void splitTakesAnIndexOrAFraction() {
        assertThat(Split.parse("3000").at(3235)).isEqualTo(3000);
        assertThat(Split.parse("0.7").at(6574)).isEqualTo(4601);
        assertThatThrownBy(() -> Split.parse("abc")).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> Split.parse("1.5")).hasMessageContaining("'1.5'");
        assertThatThrownBy(() -> Split.parse("4000").at(3235))
                .hasMessageContaining("4000")
                .hasMessageContaining("3235");
    }

    @Test
    void shortSeriesGiveNoWindowsAndANamedError() {
        assertThat(Windows.of(ramp(5), 0, 5, 5)).isEmpty();
        assertThatThrownBy(() -> new WindowDataset(List.of(), 10, 10, 1L))
                .hasMessageContaining("too short");
    }
}
