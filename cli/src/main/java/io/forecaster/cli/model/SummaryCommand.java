package io.forecaster.cli.model;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.training.Dl4jBundles;
import io.forecaster.training.NetworkFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code summary}: a Keras-style table of the network (layer, output shape, parameters). Output
 * shapes are measured by running a window through the network, not derived from the config.
 */
@Command(
        name = "summary",
        mixinStandardHelpOptions = true,
        description = "Print the network as a Keras-style table: layer, output shape, parameters.")
public final class SummaryCommand extends Cli {

    @Option(
            names = "--model",
            paramLabel = "BUNDLE",
            description = "A model bundle (default: the seed architecture).")
    Path model;

    @Option(
            names = "--steps",
            paramLabel = "T",
            description =
                    "Time steps to run through the network to show shapes (default: None shown, 60"
                            + " run).")
    Integer steps;

    /** One table row. */
    record Row(String name, String type, long[] shape, long params) {}

    @Override
    int run() throws IOException {
        if (steps != null) {
            atLeast("--steps", steps, 1);
        }
        HyperParams hp = HyperParams.SEED;
        MultiLayerNetwork net;
        if (model != null) {
            ModelBundle bundle = bundle("--model", model);
            if (bundle.metadata().isOnnx()) {
                throw usage(
                        "--model",
                        model
                                + " is an ONNX bundle (format onnx): summary describes the seed"
                                + " family's params bundles; predict and evaluate run it with"
                                + " --engine onnx");
            }
            hp = bundle.metadata().hyperParams();
            net = Dl4jBundles.toNetwork(bundle);
        } else {
            net = NetworkFactory.build(hp, 0L);
        }
        List<Row> rows = rows(net, steps == null ? 60 : steps);
        print(rows, steps == null ? "None" : Integer.toString(steps), hp);
        return 0;
    }

    /** The table rows, shapes measured on an input of {@code [1, steps, 1]}. */
    static List<Row> rows(MultiLayerNetwork net, int steps) {
        INDArray in = Nd4j.zeros(DataType.FLOAT, 1, steps, 1);
        List<INDArray> acts = net.feedForward(in, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            INDArray a = acts.get(i + 1);
            long units = a.size(a.rank() - 1);
            long time = a.rank() == 3 ? a.size(1) : a.size(0);
            rows.add(
                    new Row(
                            layer.conf().getLayer().getLayerName(),
                            kerasType(layer),
                            new long[] {a.rank() == 3 ? a.size(0) : 1, time, units},
                            layer.numParams()));
        }
        return rows;
    }

    private static String kerasType(Layer layer) {
        String cls = layer.conf().getLayer().getClass().getSimpleName();
        return switch (cls) {
            case "Convolution1DLayer", "Convolution1D" -> "Conv1D";
            case "LSTM" -> "LSTM";
            case "DenseLayer", "RnnOutputLayer" -> "Dense";
            default -> cls;
        };
    }

    private void print(List<Row> rows, String time, HyperParams hp) {
        String line = "_".repeat(65);
        out().println("Model: \"conv1d_lstm\"");
        out().println(line);
        out().printf(Locale.ROOT, "%-28s%-25s%12s%n", "Layer (type)", "Output Shape", "Param #");
        out().println("=".repeat(65));
        long total = 0;
        for (Row r : rows) {
            row(
                    r.name() + " (" + r.type() + ")",
                    "(None, " + time + ", " + r.shape()[2] + ")",
                    r.params());
            out().println(line);
            total += r.params();
        }
        // the course's Lambda(x * outputScale): DL4J folds it into the output activation
        row(
                "lambda (Lambda)",
                "(None, " + time + ", " + rows.get(rows.size() - 1).shape()[2] + ")",
                0);
        out().println("=".repeat(65));
        out().printf(Locale.ROOT, "Total params: %,d%n", total);
        out().printf(Locale.ROOT, "Trainable params: %,d%n", total);
        out().println("Non-trainable params: 0");
        out().printf(Locale.ROOT, "(lambda = x * %s, the output scale)%n", trim(hp.outputScale()));
    }

    private void row(String layer, String shape, long params) {
        out().printf(Locale.ROOT, "%-28s%-25s%,12d%n", layer, shape, params);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
