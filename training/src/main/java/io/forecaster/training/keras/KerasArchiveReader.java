package io.forecaster.training.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads a Keras 3 archive ({@code model.save("x.keras")}): a zip holding {@code config.json} (the
 * model as Keras 3 serialises it: {@code {module, class_name, config, registered_name,
 * build_config}} per object, dtype policies as objects), {@code metadata.json} ({@code
 * keras_version}) and {@code model.weights.h5}.
 *
 * <p>The weights file does not use layer names: Keras 3 stores a Sequential model's layers under
 * {@code layers/<snake_case(class name)>[_<n>]} in layer order (InputLayer excluded), each layer's
 * variables as datasets {@code vars/0, vars/1, ...} in creation order, an LSTM's under {@code
 * cell/vars}. The optimizer's state ({@code optimizer/vars}) is ignored. Only the classes the seed
 * architecture uses get their weights named (Conv1D and Dense: kernel, bias; LSTM: kernel,
 * recurrent_kernel, bias); any other dataset under a layer is refused, as are custom (registered)
 * layers and dtype policies other than float32.
 */
public final class KerasArchiveReader {

    static final String FORMAT = "keras-archive";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "config.json";
    private static final String METADATA = "metadata.json";
    private static final String WEIGHTS = "model.weights.h5";

    /** Variable names of the layers the engines run, by the dataset path under the layer group. */
    private static final Map<String, Map<String, String>> VARIABLES =
            Map.of(
                    "Conv1D", Map.of("vars/0", "kernel", "vars/1", "bias"),
                    "Dense", Map.of("vars/0", "kernel", "vars/1", "bias"),
                    "LSTM",
                            Map.of(
                                    "cell/vars/0", "kernel",
                                    "cell/vars/1", "recurrent_kernel",
                                    "cell/vars/2", "bias"),
                    "InputLayer", Map.of(),
                    "Lambda", Map.of());

    private KerasArchiveReader() {}

    /** Whether {@code head}, a file's first bytes, starts a zip archive. */
    static boolean isZip(byte[] head) {
        return head.length >= 2 && head[0] == 'P' && head[1] == 'K';
    }

    /** Reads the topology and weights of the archive {@code file}. */
    public static KerasModelFile read(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            JsonNode config = json(zip, file, CONFIG, true);
            JsonNode metadata = json(zip, file, METADATA, false);
            String version =
                    metadata == null || !metadata.hasNonNull("keras_version")
                            ? null
                            : metadata.get("keras_version").asText();
            ZipEntry weights = zip.getEntry(WEIGHTS);
            if (weights == null) {
                throw new UnsupportedKerasModelException(
                        "model",
                        "archive entries",
                        entries(zip),
                        "the weights must be in " + WEIGHTS + " (a single HDF5 file)");
            }
            checkObject("model", config);
            checkBuildShape(config);
            List<JsonNode> layerConfigs = new ArrayList<>();
            KerasConfigs.sequentialLayers(config).forEach(layerConfigs::add);
            Path h5File = Files.createTempFile("keras-archive-", ".weights.h5");
            try {
                try (InputStream in = zip.getInputStream(weights)) {
                    Files.copy(in, h5File, StandardCopyOption.REPLACE_EXISTING);
                }
                List<KerasLayer> layers = layers(file, layerConfigs, h5File);
                return new KerasModelFile(FORMAT, file.toString(), List.of(), version, layers);
            } finally {
                Files.deleteIfExists(h5File);
            }
        } catch (ZipException e) {
            throw new IOException("cannot read " + file + " as a zip: " + e.getMessage(), e);
        }
    }

    private static List<KerasLayer> layers(Path file, List<JsonNode> configs, Path h5File)
            throws IOException {
        try (Hdf5Archive h5 = open(h5File)) {
            Set<String> groups =
                    new LinkedHashSet<>(
                            h5.getGroups().contains("layers") ? h5.getGroups("layers") : List.of());
            Map<String, Integer> used = new HashMap<>();
            List<KerasLayer> layers = new ArrayList<>();
            for (JsonNode c : configs) {
                String cls = c.path("class_name").asText();
                String name = KerasConfigs.layerName(c);
                String describe = "'" + name + "' (" + cls + ")";
                checkObject(describe, c);
                checkDtype(describe, c.path("config"));
                Map<String, KerasTensor> weights = Map.of();
                if (!"InputLayer".equals(cls)) {
                    String group = groupName(cls, used);
                    if (groups.remove(group)) {
                        weights = layerWeights(h5, describe, cls, group);
                    }
                }
                layers.add(new KerasLayer(cls, name, c.path("config"), weights));
            }
            groups.remove("input_layer");
            if (!groups.isEmpty()) {
                throw new IOException(
                        file
                                + ": "
                                + WEIGHTS
                                + " holds weights for layers not in "
                                + CONFIG
                                + ": layers/"
                                + String.join(", layers/", groups));
            }
            return layers;
        } catch (UnsupportedKerasConfigurationException e) {
            throw new IOException("cannot read " + WEIGHTS + " in " + file + ": " + e, e);
        }
    }

    /**
     * Keras 3's group name for the next layer of class {@code cls}: its snake-case class name, with
     * {@code _1}, {@code _2}, ... for the second and later layers of that class.
     */
    static String groupName(String cls, Map<String, Integer> used) {
        String base = snakeCase(cls);
        Integer n = used.get(base);
        used.put(base, n == null ? 0 : n + 1);
        return n == null ? base : base + "_" + (n + 1);
    }

    /** Keras's {@code naming.to_snake_case}: "Conv1D" → "conv1d", "InputLayer" → "input_layer". */
    static String snakeCase(String name) {
        String s = name.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static Map<String, KerasTensor> layerWeights(
            Hdf5Archive h5, String describe, String cls, String group)
            throws UnsupportedKerasConfigurationException {
        Map<String, KerasTensor> found = new LinkedHashMap<>();
        collect(h5, new String[] {"layers", group}, "", found);
        Map<String, String> names = VARIABLES.get(cls);
        if (names == null) {
            // not a layer the engines run: the architecture check refuses it by class
            return found;
        }
        Map<String, KerasTensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, KerasTensor> e : found.entrySet()) {
            String name = names.get(e.getKey());
            if (name == null) {
                throw new UnsupportedKerasModelException(
                        describe,
                        "weight layers/" + group + "/" + e.getKey(),
                        Arrays.toString(e.getValue().shape()),
                        "a "
                                + cls
                                + " layer holds only "
                                + (names.isEmpty()
                                        ? "no weights"
                                        : new java.util.TreeMap<>(names).toString()));
            }
            weights.put(name, e.getValue());
        }
        return weights;
    }

    /** Adds every dataset under {@code groups}, keyed by its path below the layer's group. */
    private static void collect(
            Hdf5Archive h5, String[] groups, String prefix, Map<String, KerasTensor> out)
            throws UnsupportedKerasConfigurationException {
        for (String dataset : h5.getDataSets(groups)) {
            INDArray array = h5.readDataSet(dataset, groups);
            int[] shape = Arrays.stream(array.shape()).mapToInt(Math::toIntExact).toArray();
            float[] data = array.castTo(DataType.FLOAT).dup('c').data().asFloat();
            String path = String.join("/", groups) + "/" + dataset;
            out.put(prefix + dataset, new KerasTensor(path, shape, data));
        }
        for (String group : h5.getGroups(groups)) {
            String[] sub = Arrays.copyOf(groups, groups.length + 1);
            sub[groups.length] = group;
            collect(h5, sub, prefix + group + "/", out);
        }
    }

    /** Keras 3 objects name their class's module; custom classes carry a registered name. */
    private static void checkObject(String describe, JsonNode object) {
        JsonNode registered = object.path("registered_name");
        String cls = object.path("class_name").asText();
        if (!registered.isMissingNode()
                && !registered.isNull()
                && !registered.asText().equals(cls)) {
            throw new UnsupportedKerasModelException(
                    describe,
                    "registered_name",
                    "\"" + registered.asText() + "\"",
                    "custom (registered) classes cannot be imported; only built-in Keras layers"
                            + " are");
        }
        JsonNode module = object.path("module");
        if (module.isTextual()
                && !module.asText().equals("keras")
                && !module.asText().startsWith("keras.")) {
            throw new UnsupportedKerasModelException(
                    describe,
                    "module",
                    "\"" + module.asText() + "\"",
                    "only classes of Keras's own modules (keras, keras.layers) are");
        }
    }

    /** The dtype: "float32" or a DTypePolicy object of name float32. */
    private static void checkDtype(String describe, JsonNode config) {
        JsonNode dtype = config.path("dtype");
        if (dtype.isMissingNode() || dtype.isNull()) {
            return;
        }
        String name =
                dtype.isObject() ? dtype.path("config").path("name").asText() : dtype.asText();
        if (!"float32".equals(name)) {
            throw new UnsupportedKerasModelException(
                    describe,
                    "dtype",
                    dtype.isObject()
                            ? dtype.path("class_name").asText() + " \"" + name + "\""
                            : "\"" + name + "\"",
                    "the engines compute in float32 (\"float32\")");
        }
    }

    /** The model's build input shape, if recorded, must be [batch, time, 1]. */
    private static void checkBuildShape(JsonNode config) {
        JsonNode shape = config.path("build_config").path("input_shape");
        if (shape.isArray()) {
            JsonNode features = shape.get(shape.size() - 1);
            if (shape.size() != 3 || features == null || features.asInt() != 1) {
                throw new UnsupportedKerasModelException(
                        "model",
                        "build_config.input_shape",
                        shape,
                        "the input must be [batch, time, 1]: one series, one feature per step");
            }
        }
    }

    private static JsonNode json(ZipFile zip, Path file, String entry, boolean required)
            throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
            if (required) {
                throw new IOException(
                        file
                                + " is a zip without "
                                + entry
                                + ", not a Keras 3 .keras archive (it holds "
                                + entries(zip)
                                + ")");
            }
            return null;
        }
        try (InputStream in = zip.getInputStream(e)) {
            return JSON.readTree(in);
        } catch (IOException ex) {
            throw new IOException(
                    "cannot parse " + entry + " in " + file + " as JSON: " + ex.getMessage(), ex);
        }
    }

    private static List<String> entries(ZipFile zip) {
        return zip.stream().map(ZipEntry::getName).limit(20).toList();
    }

    private static Hdf5Archive open(Path file) throws IOException {
        try {
            return new Hdf5Archive(file.toString());
        } catch (RuntimeException e) {
            throw new IOException("cannot open " + WEIGHTS + " as HDF5: " + e.getMessage(), e);
        }
    }
}
