package io.forecaster.training.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the TensorFlow.js layers format: {@code model.json} (Keras topology + weights manifest) and
 * the binary weight shards it lists, which hold float32 little-endian values concatenated in
 * manifest order (a weight may straddle two shards). Both what TF.js's {@code model.save} writes
 * ({@code modelTopology = {class_name, config}}) and what {@code tensorflowjs_converter} writes
 * from a Keras file ({@code modelTopology = {model_config: ...}}) are read.
 */
public final class TfjsLayersReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TfjsLayersReader() {}

    /** Reads {@code modelJson} and its shards (resolved next to it). */
    public static KerasModelFile read(Path modelJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(modelJson.toFile());
        } catch (IOException e) {
            throw new IOException("cannot parse " + modelJson + " as JSON: " + e.getMessage(), e);
        }
        JsonNode topology = root.path("modelTopology");
        if (topology.isMissingNode()) {
            throw new IOException(
                    modelJson + " is not a TF.js layers model: it has no \"modelTopology\"");
        }
        if (!root.path("format").isMissingNode()
                && !"layers-model".equals(root.path("format").asText())) {
            throw new UnsupportedKerasModelException(
                    "model",
                    "format",
                    root.path("format").asText(),
                    "only the TF.js layers format (\"layers-model\") holds a Keras topology;"
                            + " graph models cannot be imported");
        }
        JsonNode modelConfig =
                topology.has("model_config") ? topology.get("model_config") : topology;
        String version =
                topology.has("keras_version") ? topology.get("keras_version").asText() : null;
        Map<String, Map<String, KerasTensor>> weights = readWeights(modelJson, root);
        List<KerasLayer> layers = new ArrayList<>();
        for (JsonNode layer : KerasConfigs.sequentialLayers(modelConfig)) {
            String name = KerasConfigs.layerName(layer);
            layers.add(
                    new KerasLayer(
                            layer.path("class_name").asText(),
                            name,
                            layer.path("config"),
                            weights.getOrDefault(name, Map.of())));
            weights.remove(name);
        }
        if (!weights.isEmpty()) {
            throw new IOException(
                    modelJson + ": weights for layers not in the topology: " + weights.keySet());
        }
        return new KerasModelFile(
                "tfjs-layers", modelJson.toString(), shards(modelJson, root), version, layers);
    }

    private static List<String> shards(Path modelJson, JsonNode root) {
        Path dir = modelJson.toAbsolutePath().getParent();
        List<String> files = new ArrayList<>();
        for (JsonNode group : root.path("weightsManifest")) {
            for (JsonNode p : group.path("paths")) {
                files.add(dir.resolve(p.asText()).toString());
            }
        }
        return files;
    }

    /** Layer name → short weight name → tensor, from every manifest group. */
    private static Map<String, Map<String, KerasTensor>> readWeights(Path modelJson, JsonNode root)
            throws IOException {
        Path dir = modelJson.toAbsolutePath().getParent();
        Map<String, Map<String, KerasTensor>> byLayer = new LinkedHashMap<>();
        for (JsonNode group : root.path("weightsManifest")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (JsonNode p : group.path("paths")) {
                Path shard = dir.resolve(p.asText());
                if (!Files.isRegularFile(shard)) {
                    throw new IOException(
                            modelJson
                                    + " lists weight file "
                                    + p.asText()
                                    + ", not found at "
                                    + shard);
                }
                bytes.write(Files.readAllBytes(shard));
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode spec : group.path("weights")) {
                String name = spec.path("name").asText();
                if (spec.has("quantization")) {
                    throw new UnsupportedKerasModelException(
                            "weight '" + name + "'",
                            "quantization",
                            spec.get("quantization"),
                            "import a model saved without weight quantization");
                }
                String dtype = spec.path("dtype").asText("float32");
                if (!"float32".equals(dtype)) {
                    throw new UnsupportedKerasModelException(
                            "weight '" + name + "'", "dtype", dtype, "only float32 is");
                }
                int[] shape = new int[spec.path("shape").size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = spec.path("shape").get(i).asInt();
                    count *= shape[i];
                }
                if (buf.remaining() < count * 4) {
                    throw new IOException(
                            modelJson
                                    + ": weight files end before weight '"
                                    + name
                                    + "' ("
                                    + count
                                    + " float32 values needed, "
                                    + buf.remaining() / 4
                                    + " left)");
                }
                float[] data = new float[(int) count];
                buf.asFloatBuffer().get(data);
                buf.position(buf.position() + data.length * 4);
                int slash = name.indexOf('/');
                String layer = slash < 0 ? name : name.substring(0, slash);
                byLayer.computeIfAbsent(layer, k -> new LinkedHashMap<>())
                        .put(
                                KerasConfigs.shortWeightName(name),
                                new KerasTensor(name, shape, data));
            }
            if (buf.hasRemaining()) {
                throw new IOException(
                        modelJson
                                + ": weight files hold "
                                + buf.remaining()
                                + " bytes more than the manifest describes");
            }
        }
        return byLayer;
    }
}
