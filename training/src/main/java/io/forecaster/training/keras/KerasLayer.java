package io.forecaster.training.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One layer of a Keras model as saved: its class name ("Conv1D", "LSTM", ...), its name, its Keras
 * config and its weights keyed by short name ("kernel", "recurrent_kernel", "bias").
 */
public record KerasLayer(
        String className, String name, JsonNode config, Map<String, KerasTensor> weights) {

    public KerasLayer {
        weights = Map.copyOf(weights);
    }

    /** "'lstm' (LSTM)": how errors and logs name this layer. */
    public String describe() {
        return "'" + name + "' (" + className + ")";
    }
}
