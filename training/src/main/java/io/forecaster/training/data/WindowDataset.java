package io.forecaster.training.data;

import io.forecaster.model.Target;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training set as the course feeds it: windows of {@code W + 1} points, reshuffled each epoch
 * through a seeded {@link ShuffleBuffer}, batched into DL4J {@link DataSet}s with features and
 * labels NWC {@code [batch, W, 1]} (input = first W points, target = last W), or NCW {@code [batch,
 * 1, W]} on request (the same values: with one feature both layouts share their memory order). With
 * {@link Target#CHANGE} the labels are the changes instead: label t = point t+1 - point t.
 */
public final class WindowDataset {

    private final List<float[]> windows;
    private final int window;
    private final int batchSize;
    private final int shuffleBuffer;
    private final Random random;
    private final RNNFormat format;
    private final Target target;

    /**
     * @param windows windows of {@code W + 1} points each (see {@link Windows#of})
     * @param batchSize windows per batch (the last batch may be smaller)
     * @param shuffleBuffer shuffle buffer size (1 = no shuffle)
     * @param seed seed of the shuffle; each epoch continues the same random stream
     */
    public WindowDataset(List<float[]> windows, int batchSize, int shuffleBuffer, long seed) {
        this(windows, batchSize, shuffleBuffer, seed, RNNFormat.NWC);
    }

    /** As above, with batches in layout {@code format}. */
    public WindowDataset(
            List<float[]> windows, int batchSize, int shuffleBuffer, long seed, RNNFormat format) {
        this(windows, batchSize, shuffleBuffer, seed, format, Target.LEVEL);
    }

    /** As above, with labels for {@code target}: the next values, or their changes. */
    public WindowDataset(
            List<float[]> windows,
            int batchSize,
            int shuffleBuffer,
            long seed,
            RNNFormat format,
            Target target) {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException(
                    "no windows to train on: the training split is too short");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.windows = List.copyOf(windows);
        this.window = windows.get(0).length - 1;
        for (float[] w : windows) {
            if (w.length != window + 1) {
                throw new IllegalArgumentException(
                        "windows differ in length: " + w.length + " vs " + (window + 1));
            }
        }
        this.batchSize = batchSize;
        this.shuffleBuffer = shuffleBuffer;
        this.random = new Random(seed);
        this.format = format;
        this.target = target == null ? Target.LEVEL : target;
    }

    /** Number of windows per epoch. */
    public int size() {
        return windows.size();
    }

    /** Window length W (input steps). */
    public int window() {
        return window;
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        return (windows.size() + batchSize - 1) / batchSize;
    }

    /** One epoch's batches, freshly shuffled. */
    public Iterator<DataSet> epoch() {
        Iterator<float[][]> batches = epochWindows();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return batches.hasNext();
            }

            @Override
            public DataSet next() {
                float[][] batch = batches.next();
                return toDataSet(batch, batch.length, window, format, target);
            }
        };
    }

    /**
     * One epoch's batches as the windows themselves (each batch an array of its windows, the last
     * one possibly shorter), freshly shuffled: the same order {@link #epoch()} gives, drawing from
     * the same random stream.
     */
    public Iterator<float[][]> epochWindows() {
        Iterator<float[]> shuffled =
                ShuffleBuffer.shuffle(windows.iterator(), shuffleBuffer, random);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return shuffled.hasNext();
            }

            @Override
            public float[][] next() {
                if (!shuffled.hasNext()) {
                    throw new NoSuchElementException();
                }
                float[][] batch = new float[batchSize][];
                int n = 0;
                while (n < batchSize && shuffled.hasNext()) {
                    batch[n++] = shuffled.next();
                }
                return n == batchSize ? batch : java.util.Arrays.copyOf(batch, n);
            }
        };
    }

    /** Features {@code [n, W, 1]} = first W points, labels {@code [n, W, 1]} = last W (NWC). */
    static DataSet toDataSet(float[][] batch, int n, int window, RNNFormat format) {
        return toDataSet(batch, n, window, format, Target.LEVEL);
    }

    /**
     * As above, with inputs and labels for {@code target}: with {@link Target#CHANGE} label t is
     * point t+1 minus point t; with {@link Target#DIFFERENCES} the inputs are changes too.
     */
    static DataSet toDataSet(float[][] batch, int n, int window, RNNFormat format, Target target) {
        float[] features = new float[n * window];
        float[] labels = new float[n * window];
        for (int b = 0; b < n; b++) {
            target.encodeScaled(batch[b], 0, window, features, b * window);
            for (int t = 0; t < window; t++) {
                labels[b * window + t] = target.label(batch[b], t);
            }
        }
        long[] shape =
                format == RNNFormat.NCW ? new long[] {n, 1, window} : new long[] {n, window, 1};
        INDArray f = Nd4j.createFromArray(features).reshape('c', shape);
        INDArray l = Nd4j.createFromArray(labels).reshape('c', shape);
        return new DataSet(f, l);
    }
}
