package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.onnx.OnnxContract;
import io.forecaster.onnx.OnnxGraphs;
import io.forecaster.onnx.OnnxImport;
import io.forecaster.training.keras.KerasImporter;
import io.forecaster.training.keras.KerasLayer;
import io.forecaster.training.keras.SeedArchitecture;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code import}: turns a Keras model (TF.js layers format, Keras 2/3 HDF5 or Keras 3 .keras) into
 * a model bundle the engines and the job load, after checking its architecture; or ONNX graphs (a
 * window model and optionally a step model, see {@link OnnxContract}) into an ONNX bundle the
 * {@code onnx} engine runs, after checking them against its contract.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Import a Keras model (the course's Conv1D-LSTM) into a model bundle.",
            "MODEL is a TF.js model.json (or its directory; weight shards next to it), a Keras 2 or"
                    + " 3 HDF5 file saved with model.save(\"model.h5\"), or a Keras 3 archive saved"
                    + " with model.save(\"model.keras\").",
            "Or MODEL is an ONNX window model (.onnx: one input [batch, time, 1], one output the"
                    + " same shape, model-scale values) and --step-model its optional step model"
                    + " (inputs x, conv_in, h1, c1, h2, c2; outputs y, conv_out, h1_out, c1_out,"
                    + " h2_out, c2_out): the bundle runs with --engine onnx."
        })
public final class ImportCommand extends Cli {

    @Parameters(
            index = "0",
            paramLabel = "MODEL",
            description = "model.json, its directory, a .h5 or .keras file, or a .onnx file.")
    Path input;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "BUNDLE",
            description = "Bundle to write (.zip).")
    Path out;

    @Option(
            names = "--lambda-scale",
            paramLabel = "FACTOR",
            defaultValue = "400",
            description =
                    "Factor of the model's final Lambda(lambda x: x * FACTOR); Python code cannot"
                        + " run here, so it is taken from this option (default: ${DEFAULT-VALUE}).")
    double lambdaScale;

    @Option(
            names = "--window",
            paramLabel = "W",
            defaultValue = "60",
            description =
                    "Window length the model was trained on, recorded in the bundle (default:"
                            + " ${DEFAULT-VALUE}).")
    int window;

    @Option(
            names = "--step-model",
            paramLabel = "STEP",
            description =
                    "ONNX only: the step model for stateful mode (state as explicit inputs and"
                            + " outputs).")
    Path stepModel;

    @Option(
            names = "--scaling",
            paramLabel = "none|OFFSET,SCALE",
            defaultValue = "none",
            description =
                    "ONNX only: the scaling the graphs expect, the network seeing (x - OFFSET) /"
                            + " SCALE and its outputs mapped back (default: ${DEFAULT-VALUE}).")
    String scaling;

    @Option(
            names = "--model-id",
            paramLabel = "ID",
            description = "Model id (default: the file or directory name).")
    String modelId;

    /**
     * A model the importer cannot read or refuses (not Keras, another architecture) is a usage
     * error of MODEL; failing to write the bundle is a failure.
     */
    @Override
    int run() throws IOException {
        atLeast("--window", window, 1);
        CliErrors.above(spec, "--lambda-scale", Math.abs(lambdaScale), 0);
        if (!java.nio.file.Files.exists(input)) {
            throw usage("MODEL", "no such file or folder: " + input);
        }
        CliErrors.outputFile("--out", out);
        if (isOnnx(input)) {
            return importOnnx();
        }
        if (stepModel != null) {
            throw usage("--step-model", "applies to ONNX models only, MODEL is " + input);
        }
        KerasImporter.Imported imported =
                option(
                        "MODEL",
                        () ->
                                KerasImporter.importModel(
                                        input,
                                        new KerasImporter.Options(lambdaScale, window, modelId)));
        imported.bundle().save(out);
        print(out(), imported);
        return 0;
    }

    private static boolean isOnnx(Path file) {
        return Files.isRegularFile(file)
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /** A graph that breaks the onnx engine's contract is a usage error of its option. */
    private int importOnnx() throws IOException {
        Scaling s = option("--scaling", () -> parseScaling(scaling));
        byte[] window = option("MODEL", () -> Files.readAllBytes(input));
        if (stepModel != null) {
            CliErrors.inputFile(spec, "--step-model", stepModel);
        }
        byte[] step =
                stepModel == null
                        ? null
                        : option("--step-model", () -> Files.readAllBytes(stepModel));
        OnnxContract.Window io = option("MODEL", () -> OnnxImport.checkWindow(window, this.window));
        OnnxContract.Step sizes =
                step == null
                        ? null
                        : option("--step-model", () -> OnnxImport.checkStep(window, step));
        String id =
                modelId != null
                        ? modelId
                        : input.getFileName().toString().replaceAll("\\.onnx$", "");
        ModelBundle bundle =
                option(
                        "--model-id",
                        () -> OnnxImport.bundle(window, step, id, this.window, s, commandLine()));
        bundle.save(out);
        PrintWriter o = out();
        o.printf(
                Locale.ROOT,
                "read %s: window model, input '%s' [batch, time, 1], output '%s', ops %s%n",
                input,
                io.input(),
                io.output(),
                String.join(", ", OnnxGraphs.ops(window)));
        if (sizes != null) {
            o.printf(
                    Locale.ROOT,
                    "read %s: step model, conv history %d, LSTM units %d/%d%n",
                    stepModel,
                    sizes.convHistory(),
                    sizes.units1(),
                    sizes.units2());
        }
        o.printf(
                Locale.ROOT,
                "wrote %s: ONNX bundle, model %s, window %d, scaling %s%s; run it with --engine"
                        + " onnx%n",
                out,
                id,
                this.window,
                scaling,
                sizes == null ? ", no step model (window mode only)" : "");
        return 0;
    }

    /** {@code none} or {@code OFFSET,SCALE}. */
    static Scaling parseScaling(String value) {
        String v = value.strip();
        if (v.equalsIgnoreCase("none")) {
            return Scaling.IDENTITY;
        }
        String[] parts = v.split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    "'" + value + "' is neither none nor OFFSET,SCALE (e.g. 80,60)");
        }
        try {
            return new Scaling(
                    Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + value + "' is neither none nor OFFSET,SCALE (e.g. 80,60)");
        }
    }

    private void print(PrintWriter o, KerasImporter.Imported imported) {
        SeedArchitecture.Matched m = imported.matched();
        BundleMetadata meta = imported.bundle().metadata();
        HyperParams hp = meta.hyperParams();
        o.printf(
                Locale.ROOT,
                "read %s (%s%s)%n",
                imported.model().file(),
                imported.model().format(),
                imported.model().kerasVersion() == null
                        ? ""
                        : ", " + imported.model().kerasVersion());
        row(
                o,
                m.conv(),
                String.format(
                        Locale.ROOT,
                        "%d filters, kernel %d, causal, relu",
                        hp.convFilters(),
                        hp.kernelSize()));
        row(o, m.lstm1(), hp.lstm1Units() + " units, return sequences");
        row(o, m.lstm2(), hp.lstm2Units() + " units, return sequences");
        row(o, m.dense1(), hp.dense1Units() + " units, relu");
        row(o, m.dense2(), hp.dense2Units() + " units, relu");
        row(o, m.output(), "1 unit, linear");
        if (m.lambda() != null) {
            row(o, m.lambda(), "x * " + SeedArchitecture.format(hp.outputScale()));
        }
        o.printf(
                Locale.ROOT,
                "wrote %s: model %s, %,d parameters, output scale %s, window %d%n",
                out,
                meta.modelId(),
                imported.bundle().params().length,
                SeedArchitecture.format(hp.outputScale()),
                meta.windowSize());
    }

    private static void row(PrintWriter o, KerasLayer layer, String what) {
        o.printf(Locale.ROOT, "  %-10s %-8s %s%n", layer.name(), layer.className(), what);
    }
}
