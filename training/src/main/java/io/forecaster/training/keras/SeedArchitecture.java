package io.forecaster.training.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.forecaster.model.HyperParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a Keras model is the course's architecture, the one the engines run: Conv1D (causal,
 * stride 1, relu) → LSTM (return sequences) → LSTM (return sequences) → Dense (relu) → Dense (relu)
 * → Dense(1, linear) → optional scaling Lambda, on one input feature. Sizes (filters, kernel width,
 * units) may differ from the seed's. Anything else is refused with an {@link
 * UnsupportedKerasModelException} naming the layer, the option and the value.
 */
public final class SeedArchitecture {

    private static final Logger LOG = LoggerFactory.getLogger(SeedArchitecture.class);

    static final String EXPECTED =
            "the engines run Conv1D(causal, relu) → LSTM → LSTM → Dense(relu) → Dense(relu) →"
                    + " Dense(1) → Lambda(x * scale)";

    /**
     * The layers of a supported model, matched to their roles.
     *
     * @param hyperParams the architecture, with the output scale taken from the Lambda
     * @param conv the Conv1D layer
     * @param lstm1 the first LSTM
     * @param lstm2 the second LSTM
     * @param dense1 the first Dense (relu)
     * @param dense2 the second Dense (relu)
     * @param output the Dense(1) output layer
     * @param lambda the scaling Lambda, or null if the model ends at the Dense(1)
     * @param notes what the check accepted with a caveat, for the bundle's provenance
     */
    public record Matched(
            HyperParams hyperParams,
            KerasLayer conv,
            KerasLayer lstm1,
            KerasLayer lstm2,
            KerasLayer dense1,
            KerasLayer dense2,
            KerasLayer output,
            KerasLayer lambda,
            List<String> notes) {}

    private final List<KerasLayer> layers;
    private final ScalingLambda lambdaRule;
    private final List<String> notes = new ArrayList<>();
    private int next;

    private SeedArchitecture(List<KerasLayer> layers, ScalingLambda lambdaRule) {
        this.layers = layers;
        this.lambdaRule = lambdaRule;
    }

    /**
     * Matches {@code model}'s layers to the seed architecture.
     *
     * @param lambdaScale the factor of the course's {@code Lambda(lambda x: x * factor)}, which
     *     cannot be read back from the saved Python bytecode
     */
    public static Matched check(KerasModelFile model, double lambdaScale) {
        return new SeedArchitecture(model.layers(), new ScalingLambda(lambdaScale)).match();
    }

    private Matched match() {
        skipInputLayer();
        KerasLayer conv = expect("Conv1D");
        checkConv(conv);
        KerasLayer lstm1 = expect("LSTM");
        checkLstm(lstm1);
        KerasLayer lstm2 = expect("LSTM");
        checkLstm(lstm2);
        KerasLayer dense1 = expect("Dense");
        checkDense(dense1, "relu");
        KerasLayer dense2 = expect("Dense");
        checkDense(dense2, "relu");
        KerasLayer output = expect("Dense");
        checkDense(output, "linear");
        if (units(output) != 1) {
            throw new UnsupportedKerasModelException(
                    output.describe(), "units", units(output), "the output layer must have 1 unit");
        }
        KerasLayer lambda = null;
        double scale = 1.0;
        if (next < layers.size() && "Lambda".equals(layers.get(next).className())) {
            lambda = layers.get(next++);
            ScalingLambda.Result r = lambdaRule.check(lambda);
            scale = r.factor();
            notes.add(
                    "Lambda "
                            + lambda.describe()
                            + " read as x * "
                            + format(scale)
                            + " (--lambda-scale; "
                            + r.evidence()
                            + ")");
        } else {
            notes.add("no output Lambda: output scale 1");
        }
        if (next < layers.size()) {
            KerasLayer extra = layers.get(next);
            throw new UnsupportedKerasModelException(
                    extra.describe(),
                    "class_name",
                    extra.className(),
                    "nothing may follow the output layer but the scaling Lambda; " + EXPECTED);
        }
        int kernel = intOf(conv, "kernel_size");
        HyperParams hp =
                new HyperParams(
                        units(conv, "filters"),
                        kernel,
                        units(lstm1),
                        units(lstm2),
                        units(dense1),
                        units(dense2),
                        scale);
        return new Matched(hp, conv, lstm1, lstm2, dense1, dense2, output, lambda, notes);
    }

    private void skipInputLayer() {
        if (next < layers.size() && "InputLayer".equals(layers.get(next).className())) {
            KerasLayer input = layers.get(next++);
            checkInputShape(input, input.config().path("batch_input_shape"));
            checkInputShape(input, input.config().path("batch_shape"));
        }
    }

    private KerasLayer expect(String className) {
        if (next >= layers.size()) {
            KerasLayer last = layers.get(layers.size() - 1);
            throw new UnsupportedKerasModelException(
                    last.describe(),
                    "next layer",
                    "(none: the model ends here)",
                    "a " + className + " layer must follow; " + EXPECTED);
        }
        KerasLayer layer = layers.get(next++);
        if (!className.equals(layer.className())) {
            throw new UnsupportedKerasModelException(
                    layer.describe() + " at position " + (next - 1),
                    "class_name",
                    layer.className(),
                    "expected " + className + " here; " + EXPECTED);
        }
        return layer;
    }

    private void checkConv(KerasLayer conv) {
        checkInputShape(conv, conv.config().path("batch_input_shape"));
        require(conv, "padding", "causal", "the engines compute a causal convolution");
        requireSingleton(conv, "strides", 1);
        requireSingleton(conv, "dilation_rate", 1);
        requireIfPresent(conv, "data_format", "channels_last");
        if (conv.config().has("groups") && conv.config().path("groups").asInt() != 1) {
            throw new UnsupportedKerasModelException(
                    conv.describe(), "groups", conv.config().get("groups"), "only groups = 1 is");
        }
        require(conv, "activation", "relu", "the engines apply relu after the convolution");
        requireTrue(conv, "use_bias");
    }

    private void checkLstm(KerasLayer lstm) {
        require(lstm, "activation", "tanh", "the engines' LSTM cell uses tanh");
        require(lstm, "recurrent_activation", "sigmoid", "the engines' LSTM gates use sigmoid");
        requireTrue(lstm, "use_bias");
        requireTrue(lstm, "return_sequences");
        requireFalse(lstm, "go_backwards");
        requireFalse(lstm, "return_state");
        requireFalse(lstm, "time_major");
        if (lstm.config().path("stateful").asBoolean(false)) {
            notes.add(
                    lstm.describe()
                            + " was stateful in Keras; the engines start each window"
                            + " from the zero state");
            LOG.warn(
                    "{}: stateful = true ignored; windows start from the zero state",
                    lstm.describe());
        }
    }

    private void checkDense(KerasLayer dense, String activation) {
        require(dense, "activation", activation, "this Dense layer must use " + activation);
        requireTrue(dense, "use_bias");
    }

    private static void checkInputShape(KerasLayer layer, JsonNode shape) {
        if (shape.isArray() && shape.size() > 0) {
            JsonNode features = shape.get(shape.size() - 1);
            if (shape.size() != 3 || features.isNull() || features.asInt() != 1) {
                throw new UnsupportedKerasModelException(
                        layer.describe(),
                        "batch_input_shape",
                        shape,
                        "the input must be [batch, time, 1]: one series, one feature per step");
            }
        }
    }

    private static void require(KerasLayer layer, String option, String expected, String why) {
        String actual = text(layer, option);
        if (!expected.equals(actual)) {
            throw new UnsupportedKerasModelException(
                    layer.describe(), option, quoted(actual), why + " (\"" + expected + "\")");
        }
    }

    private static void requireIfPresent(KerasLayer layer, String option, String expected) {
        if (layer.config().has(option) && !layer.config().get(option).isNull()) {
            require(layer, option, expected, "only");
        }
    }

    private static void requireTrue(KerasLayer layer, String option) {
        JsonNode v = layer.config().path(option);
        if (!v.isBoolean() || !v.asBoolean()) {
            throw new UnsupportedKerasModelException(
                    layer.describe(), option, v.isMissingNode() ? "(missing)" : v, "only true is");
        }
    }

    private static void requireFalse(KerasLayer layer, String option) {
        JsonNode v = layer.config().path(option);
        if (v.asBoolean(false)) {
            throw new UnsupportedKerasModelException(layer.describe(), option, v, "only false is");
        }
    }

    private static void requireSingleton(KerasLayer layer, String option, int expected) {
        JsonNode v = layer.config().path(option);
        int actual = v.isArray() && v.size() == 1 ? v.get(0).asInt(-1) : v.asInt(-1);
        if (!v.isMissingNode() && actual != expected) {
            throw new UnsupportedKerasModelException(
                    layer.describe(), option, v, "only " + expected + " is");
        }
    }

    private static int units(KerasLayer layer) {
        return units(layer, "units");
    }

    private static int units(KerasLayer layer, String option) {
        int n = layer.config().path(option).asInt(0);
        if (n <= 0) {
            throw new UnsupportedKerasModelException(
                    layer.describe(), option, layer.config().path(option), "a positive size is");
        }
        return n;
    }

    private static int intOf(KerasLayer layer, String option) {
        JsonNode v = layer.config().path(option);
        int n = v.isArray() && v.size() == 1 ? v.get(0).asInt(0) : v.asInt(0);
        if (n <= 0) {
            throw new UnsupportedKerasModelException(
                    layer.describe(), option, v, "a positive size is");
        }
        return n;
    }

    private static String text(KerasLayer layer, String option) {
        JsonNode v = layer.config().path(option);
        if (v.isObject()) {
            // Keras 3 / serialised activations: {"class_name": ..., "config": ...}
            return v.path("config").path("name").asText(v.path("class_name").asText());
        }
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    private static String quoted(String s) {
        return s == null ? "(missing)" : "\"" + s + "\"";
    }

    /** A number as the import messages print it: integers without a fraction. */
    public static String format(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
