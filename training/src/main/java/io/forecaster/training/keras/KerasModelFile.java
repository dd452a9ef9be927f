package io.forecaster.training.keras;

import java.util.List;

/**
 * A Keras model read from disk, before any architecture check: the layers of a Sequential model in
 * order, with their configs and weights.
 *
 * @param format "tfjs-layers", "keras-h5" or "keras-archive"
 * @param file the file it was read from (model.json, .h5 or .keras)
 * @param weightFiles other files holding its weights, in order (TF.js shards; none for .h5)
 * @param kerasVersion the version string the file records ("2.11.0", "tfjs-layers 4.22.0"), or null
 * @param layers the model's layers in order (an InputLayer, if saved, included)
 */
public record KerasModelFile(
        String format,
        String file,
        List<String> weightFiles,
        String kerasVersion,
        List<KerasLayer> layers) {

    public KerasModelFile {
        weightFiles = List.copyOf(weightFiles);
        layers = List.copyOf(layers);
    }
}
