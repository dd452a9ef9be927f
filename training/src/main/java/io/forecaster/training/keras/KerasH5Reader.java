package io.forecaster.training.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a Keras 2 HDF5 model file ({@code model.save("x.h5")}) through DL4J's Keras-import HDF5
 * reader ({@link Hdf5Archive}): the {@code model_config} attribute (the topology as JSON) and,
 * under {@code model_weights/<layer>}, every dataset of that layer's group, however deeply the
 * weight names nest it ({@code lstm/lstm_cell/kernel:0}).
 */
public final class KerasH5Reader {

    private static final Logger LOG = LoggerFactory.getLogger(KerasH5Reader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEIGHTS_ROOT = "model_weights";

    private KerasH5Reader() {}

    /** Reads the topology and weights of {@code file}. */
    public static KerasModelFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("Keras HDF5 file not found: " + file);
        }
        try (Hdf5Archive h5 = open(file)) {
            if (!h5.hasAttribute("model_config")) {
                throw new IOException(
                        file
                                + " has no model_config attribute: it holds weights only"
                                + " (save_weights); save the whole model with model.save(...)");
            }
            JsonNode modelConfig = JSON.readTree(h5.readAttributeAsJson("model_config"));
            String version = readVersion(h5);
            boolean nested = h5.getGroups().contains(WEIGHTS_ROOT);
            List<KerasLayer> layers = new ArrayList<>();
            for (JsonNode layer : KerasConfigs.sequentialLayers(modelConfig)) {
                String name = KerasConfigs.layerName(layer);
                layers.add(
                        new KerasLayer(
                                layer.path("class_name").asText(),
                                name,
                                layer.path("config"),
                                readLayerWeights(h5, nested, name)));
            }
            return new KerasModelFile("keras-h5", file.toString(), List.of(), version, layers);
        } catch (UnsupportedKerasConfigurationException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Hdf5Archive open(Path file) throws IOException {
        try {
            return new Hdf5Archive(file.toString());
        } catch (RuntimeException e) {
            throw new IOException("cannot open " + file + " as HDF5: " + e.getMessage(), e);
        }
    }

    private static String readVersion(Hdf5Archive h5) {
        if (!h5.hasAttribute("keras_version")) {
            return null;
        }
        try {
            return h5.readAttributeAsString("keras_version").trim();
        } catch (UnsupportedKerasConfigurationException | RuntimeException e) {
            LOG.debug("keras_version attribute unreadable: {}", e.toString());
            return null;
        }
    }

    private static Map<String, KerasTensor> readLayerWeights(
            Hdf5Archive h5, boolean nested, String layer)
            throws UnsupportedKerasConfigurationException {
        String[] root = nested ? new String[] {WEIGHTS_ROOT} : new String[0];
        if (!h5.getGroups(root).contains(layer)) {
            return Map.of();
        }
        Map<String, KerasTensor> weights = new LinkedHashMap<>();
        collect(h5, append(root, layer), weights);
        return weights;
    }

    /** Adds every dataset under {@code groups}, depth first, keyed by short weight name. */
    private static void collect(Hdf5Archive h5, String[] groups, Map<String, KerasTensor> out)
            throws UnsupportedKerasConfigurationException {
        for (String dataset : h5.getDataSets(groups)) {
            INDArray array = h5.readDataSet(dataset, groups);
            int[] shape = Arrays.stream(array.shape()).mapToInt(Math::toIntExact).toArray();
            float[] data = array.castTo(DataType.FLOAT).dup('c').data().asFloat();
            String full = String.join("/", Arrays.copyOfRange(groups, 1, groups.length));
            full = full.isEmpty() ? dataset : full + "/" + dataset;
            out.put(KerasConfigs.shortWeightName(dataset), new KerasTensor(full, shape, data));
        }
        for (String group : h5.getGroups(groups)) {
            collect(h5, append(groups, group), out);
        }
    }

    private static String[] append(String[] path, String last) {
        String[] p = Arrays.copyOf(path, path.length + 1);
        p[path.length] = last;
        return p;
    }
}
