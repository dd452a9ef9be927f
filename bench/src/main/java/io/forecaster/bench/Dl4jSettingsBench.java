package io.forecaster.bench;

import io.forecaster.model.HyperParams;
import io.forecaster.training.NetworkFactory;
import io.forecaster.training.data.SeriesCsv;
import io.forecaster.training.data.WindowDataset;
import io.forecaster.training.data.Windows;
import io.forecaster.training.train.HuberLoss;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * DL4J settings against seconds per epoch on the sunspots training windows (Adam 1e-3, Huber, NCW,
 * seed 42): {@code base} (the trainer's configuration), {@code wsnone} (workspaces off for training
 * and inference), {@code cache} (cache mode DEVICE), {@code b200} (batch 200 instead of 100).
 * Prints wall and process CPU seconds per epoch with the load average; OpenMP threads come from
 * {@code OMP_NUM_THREADS}.
 *
 * <p>Usage: {@code Dl4jSettingsBench <variant> <epochs> [csv]}.
 */
public final class Dl4jSettingsBench {
    private Dl4jSettingsBench() {}

    public static void main(String[] a) throws Exception {
        double[] s =
                SeriesCsv.read(
                        Path.of(a.length > 2 ? a[2] : "../shared/data/sunspots/Sunspots.csv"),
                        "Monthly Mean Total Sunspot Number");
        List<float[]> windows = Windows.of(java.util.Arrays.copyOf(s, 2700), 0, 2700, 60, 1);
        String variant = a[0];
        int epochs = Integer.parseInt(a[1]);
        MultiLayerConfiguration conf =
                NetworkFactory.configuration(
                        HyperParams.SEED, 42, new Adam(1e-3), new HuberLoss(1), RNNFormat.NCW);
        if (variant.contains("wsnone")) {
            conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
            conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
        }
        if (variant.contains("cache")) {
            conf.setCacheMode(CacheMode.DEVICE);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        int batch = variant.contains("b200") ? 200 : 100;
        WindowDataset ds = new WindowDataset(windows, batch, 1000, 42, RNNFormat.NCW);
        var bean =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            long c0 = bean.getProcessCpuTime();
            double loss = 0;
            for (Iterator<DataSet> it = ds.epoch(); it.hasNext(); ) {
                DataSet b = it.next();
                net.fit(b);
                loss += net.score();
            }
            System.out.printf(
                    "%s epoch %d wall %.2f s cpu %.2f s loss %.3f load %s%n",
                    variant,
                    e + 1,
                    (System.nanoTime() - t0) / 1e9,
                    (bean.getProcessCpuTime() - c0) / 1e9,
                    loss,
                    new String(java.nio.file.Files.readAllBytes(Path.of("/proc/loadavg"))).trim());
        }
    }
}
