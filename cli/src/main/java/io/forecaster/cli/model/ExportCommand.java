package io.forecaster.cli.model;

import io.forecaster.model.ModelBundle;
import io.forecaster.onnx.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code export --onnx}: writes a seed-family bundle as ONNX window and step models (and the ONNX
 * bundle holding both), in plain Java ({@link OnnxExport}).
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Export a model bundle as ONNX: DIR/window.onnx (x [batch, time, 1] -> y),"
                    + " DIR/step.onnx (x, conv_in, h1, c1, h2, c2 -> y, conv_out, h1_out, c1_out,"
                    + " h2_out, c2_out) and DIR/NAME-onnx.zip, the ONNX bundle that --engine onnx"
                    + " runs.",
            "The graphs work on model-scale values; the bundle keeps the scaling."
        })
public final class ExportCommand extends Cli {

    @Option(
            names = "--onnx",
            required = true,
            paramLabel = "BUNDLE",
            description = "The params bundle (.zip) to export.")
    Path bundle;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Folder to write to (created if missing).")
    Path out;

    @Override
    int run() throws IOException {
        ModelBundle params = bundle("--onnx", bundle);
        if (params.metadata().isOnnx()) {
            throw usage("--onnx", bundle + " is already an ONNX bundle");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException("cannot write --out " + out + ": it is not a folder");
        }
        ModelBundle onnx = OnnxExport.bundle(params);
        Files.createDirectories(out);
        Path window = Files.write(out.resolve(ModelBundle.WINDOW_ONNX), onnx.windowGraph());
        Path step = Files.write(out.resolve(ModelBundle.STEP_ONNX), onnx.stepGraph());
        String name = bundle.getFileName().toString().replaceAll("(?i)\\.zip$", "");
        Path zip = out.resolve(name + "-onnx.zip");
        onnx.save(zip);
        out().printf(
                        Locale.ROOT,
                        "wrote %s, %s and %s (model %s, opset %d); run it with --engine onnx%n",
                        window,
                        step,
                        zip,
                        onnx.metadata().modelId(),
                        14);
        return 0;
    }
}
