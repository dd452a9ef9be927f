package io.forecaster.bench;

import io.forecaster.model.HyperParams;
import io.forecaster.training.Dl4jBundles;
import io.forecaster.training.NetworkFactory;
import io.forecaster.training.data.SeriesCsv;
import io.forecaster.training.data.WindowDataset;
import io.forecaster.training.data.Windows;
import io.forecaster.training.fast.FastFitter;
import io.forecaster.training.train.HuberLoss;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Seconds per training epoch of the two trainers on the sunspots workload: the training windows
 * before the default validation slice (points [0, 2700) of the split 3000: 2,640 windows of 61
 * points), batch 100, shuffle buffer 1000, Adam 1e-3, Huber loss, the seed architecture with output
 * scale 400, seed 42. Times the weight updates only (what {@code train} adds per epoch for scoring
 * the validation slice is the same for both trainers). Prints one line per epoch with the
 * wall-clock and process CPU seconds and the load average, then the median of the epochs after the
 * first (JIT warm-up).
 *
 * <p>Usage: {@code TrainEpochBench <dl4j|fast> [epochs=6] [threads=1] [csv]}; run with {@code
 * --add-modules jdk.incubator.vector}, and {@code OMP_NUM_THREADS} set for DL4J.
 */
public final class TrainEpochBench {

    private TrainEpochBench() {}

    public static void main(String[] args) throws IOException {
        String trainer = args.length > 0 ? args[0] : "fast";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path csv = Path.of(args.length > 3 ? args[3] : "../shared/data/sunspots/Sunspots.csv");
        double[] series = SeriesCsv.read(csv, "Monthly Mean Total Sunspot Number");
        int window = 60;
        List<float[]> windows = Windows.of(Arrays.copyOf(series, 2700), 0, 2700, window, 1);
        HyperParams hp = HyperParams.SEED;
        MultiLayerNetwork net =
                NetworkFactory.build(hp, 42L, new Adam(1e-3), new HuberLoss(1.0), RNNFormat.NCW);
        WindowDataset data = new WindowDataset(windows, 100, 1000, 42L, RNNFormat.NCW);
        FastFitter fast =
                trainer.equals("fast")
                        ? new FastFitter(
                                hp,
                                Dl4jBundles.params(net),
                                window,
                                100,
                                FastFitter.Rule.ADAM,
                                1e-3,
                                0,
                                1,
                                1.0,
                                threads)
                        : null;
        if (fast == null && !trainer.equals("dl4j")) {
            throw new IllegalArgumentException("trainer must be dl4j or fast, got " + trainer);
        }
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(
                Locale.ROOT,
                "trainer %s threads %s windows %d batch 100 epochs %d (OMP_NUM_THREADS=%s)%n",
                trainer,
                fast == null ? "-" : threads,
                windows.size(),
                epochs,
                System.getenv("OMP_NUM_THREADS"));
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            long t0 = System.nanoTime();
            long c0 = os.getProcessCpuTime();
            double loss = 0;
            long steps = 0;
            if (fast != null) {
                for (Iterator<float[][]> it = data.epochWindows(); it.hasNext(); ) {
                    float[][] b = it.next();
                    loss += fast.fit(b, b.length) * b.length;
                    steps += (long) b.length * window;
                }
                fast.endEpoch();
            } else {
                for (Iterator<DataSet> it = data.epoch(); it.hasNext(); ) {
                    DataSet b = it.next();
                    net.fit(b);
                    long n = b.getFeatures().size(0);
                    loss += net.score() * n;
                    steps += n * window;
                }
                net.incrementEpochCount();
            }
            double w = (System.nanoTime() - t0) / 1e9;
            double c = (os.getProcessCpuTime() - c0) / 1e9;
            if (e > 1) {
                wall.add(w);
                cpu.add(c);
            }
            System.out.printf(
                    Locale.ROOT,
                    "epoch %d loss %.4f wall %.2f s cpu %.2f s load %s%n",
                    e,
                    loss / steps,
                    w,
                    c,
                    Files.readString(Path.of("/proc/loadavg")).trim());
        }
        if (!wall.isEmpty()) {
            System.out.printf(
                    Locale.ROOT,
                    "median of epochs 2-%d: wall %.2f s/epoch, cpu %.2f s/epoch%n",
                    epochs,
                    median(wall),
                    median(cpu));
        }
        if (fast != null) {
            fast.close();
        }
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
