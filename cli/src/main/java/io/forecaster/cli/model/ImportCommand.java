package io.forecaster.cli.model;

import io.forecaster.cli.CliErrors;
import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.training.keras.KerasImporter;
import io.forecaster.training.keras.KerasLayer;
import io.forecaster.training.keras.SeedArchitecture;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code import}: turns a Keras model (TF.js layers format or Keras 2 HDF5) into a model bundle the
 * engines and the job load, after checking its architecture.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Import a Keras model (the course's Conv1D-LSTM) into a model bundle.",
            "MODEL is a TF.js model.json (or its directory; weight shards next to it) or a Keras 2"
                    + " HDF5 file saved with model.save(\"model.h5\")."
        })
public final class ImportCommand extends Cli {

    @Parameters(
            index = "0",
            paramLabel = "MODEL",
            description = "model.json, its directory, or a .h5 file.")
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
