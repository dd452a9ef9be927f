package io.forecaster.training.keras;

import com.fasterxml.jackson.databind.JsonNode;

/** Small helpers over Keras JSON configs shared by the readers. */
final class KerasConfigs {

    private KerasConfigs() {}

    /**
     * The layer list of a Sequential model config: {@code {"class_name": "Sequential", "config":
     * {"layers": [...]}}} (Keras ≥ 2.2.3) or {@code "config": [...]} (older Keras).
     */
    static JsonNode sequentialLayers(JsonNode modelConfig) {
        String cls = modelConfig.path("class_name").asText();
        if (!"Sequential".equals(cls)) {
            throw new UnsupportedKerasModelException(
                    "model",
                    "class_name",
                    cls.isEmpty() ? "(missing)" : cls,
                    "only Sequential models are (the course's model is one)");
        }
        JsonNode config = modelConfig.path("config");
        JsonNode layers = config.isArray() ? config : config.path("layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw new UnsupportedKerasModelException(
                    "model", "config.layers", layers, "a Sequential model needs a layer list");
        }
        return layers;
    }

    static String layerName(JsonNode layer) {
        JsonNode name = layer.path("config").path("name");
        if (!name.isMissingNode()) {
            return name.asText();
        }
        return layer.path("name").asText();
    }

    /** "lstm/lstm_cell/kernel:0" → "kernel". */
    static String shortWeightName(String fullName) {
        String last = fullName.substring(fullName.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        return colon < 0 ? last : last.substring(0, colon);
    }
}
