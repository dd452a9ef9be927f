package io.forecaster.training.keras;

/**
 * A Keras model the engines cannot run: names the layer, the option and the value that is not
 * supported, and what would be.
 */
public final class UnsupportedKerasModelException extends IllegalArgumentException {

    private final String layer;
    private final String option;
    private final String value;

    /**
     * @param layer the layer, as {@link KerasLayer#describe()} names it (or "model")
     * @param option the config key or property that is not supported
     * @param value the value found
     * @param supported what the engines support instead
     */
    public UnsupportedKerasModelException(
            String layer, String option, Object value, String supported) {
        super("layer " + layer + ": " + option + " = " + value + " is not supported; " + supported);
        this.layer = layer;
        this.option = option;
        this.value = String.valueOf(value);
    }

    public String layer() {
        return layer;
    }

    public String option() {
        return option;
    }

    public String value() {
        return value;
    }
}
