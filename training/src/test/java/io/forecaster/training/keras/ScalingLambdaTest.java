package io.forecaster.training.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tests for {@link ScalingLambda} (and {@link PythonMarshal}) on Lambda entries as Keras stores
 * them, compiled by CPython 3.7 to 3.13 (fixture written by tools/h5/lambda_bytecode.py).
 */
class ScalingLambdaTest {

    private static final ScalingLambda TIMES_400 = new ScalingLambda(400);

    static Stream<String> pythonVersions() {
        List<String> versions = new ArrayList<>();
        lambdas().fieldNames().forEachRemaining(versions::add);
        assertThat(versions).as("fixture covers several Python versions").hasSizeGreaterThan(3);
        return versions.stream();
    }

    @ParameterizedTest
    @MethodSource("pythonVersions")
    void acceptsTheCourseLambdaInAnyOperandOrder(String python) {
        for (String body : List.of("x * 400", "400 * x", "x * 400.0")) {
            ScalingLambda.Result r = TIMES_400.check(lambda(bytecode(python, body)));
            assertThat(r.factor()).as(body).isEqualTo(400.0);
            assertThat(r.evidence()).as(body).contains("bytecode constant");
        }
    }

    @ParameterizedTest
    @MethodSource("pythonVersions")
    void refusesAFactorOtherThanTheOption(String python) {
        KerasLayer times100 = lambda(bytecode(python, "x * 100"));
        assertThatThrownBy(() -> TIMES_400.check(times100))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("layer 'lambda' (Lambda)")
                .hasMessageContaining("scale factor = 100")
                .hasMessageContaining("--lambda-scale 100");
        assertThat(new ScalingLambda(100).check(times100).factor()).isEqualTo(100.0);
    }

    @ParameterizedTest
    @MethodSource("pythonVersions")
    void refusesLambdasThatCallSomething(String python) {
        assertThatThrownBy(
                        () ->
                                TIMES_400.check(
                                        lambda(bytecode(python, "tf.expand_dims(x, axis=-1)"))))
                .isInstanceOfSatisfying(
                        UnsupportedKerasModelException.class,
                        e -> {
                            assertThat(e.layer()).isEqualTo("'lambda' (Lambda)");
                            assertThat(e.value()).contains("tf").contains("expand_dims");
                        });
    }

    @ParameterizedTest
    @MethodSource("pythonVersions")
    void refusesLambdasWithOtherArithmetic(String python) {
        for (String body : List.of("x * 400 + 1", "x")) {
            assertThatThrownBy(() -> TIMES_400.check(lambda(bytecode(python, body))))
                    .as(body)
                    .isInstanceOf(UnsupportedKerasModelException.class)
                    .hasMessageContaining("layer 'lambda' (Lambda): function (numeric constants)");
        }
    }

    @ParameterizedTest
    @MethodSource("pythonVersions")
    void readsKeras3LambdaConfigs(String python) {
        // Keras 3 wraps func_dump's triple: {"class_name": "__lambda__", "config": {...}}
        KerasLayer keras3 =
                lambda(
                        "unused",
                        c -> {
                            ObjectNode fn = c.putObject("function");
                            fn.put("class_name", "__lambda__");
                            fn.putObject("config")
                                    .put("code", bytecode(python, "x * 400"))
                                    .putNull("defaults")
                                    .putNull("closure");
                            c.remove("function_type");
                        });
        assertThat(TIMES_400.check(keras3).factor()).isEqualTo(400.0);
    }

    @Test
    void refusesKeras3NamedFunctions() {
        KerasLayer named =
                lambda(
                        "unused",
                        c ->
                                c.putObject("function")
                                        .put("module", "builtins")
                                        .put("class_name", "function")
                                        .put("config", "my_scale"));
        assertThatThrownBy(() -> TIMES_400.check(named))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("layer 'lambda' (Lambda): function = {")
                .hasMessageContaining("my_scale");
    }

    @Test
    void readsSourceTextAsTfjsWritesIt() {
        assertThat(TIMES_400.check(lambda("lambda x: x * 400")).factor()).isEqualTo(400.0);
        assertThat(TIMES_400.check(lambda("lambda y: 400*y")).factor()).isEqualTo(400.0);
        assertThatThrownBy(() -> TIMES_400.check(lambda("lambda x: tf.expand_dims(x, -1)")))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining(
                        "layer 'lambda' (Lambda): function = \"lambda x: tf.expand_dims(x, -1)\"");
    }

    @Test
    void refusesNamedFunctionsArgumentsAndShapeChanges() {
        assertThatThrownBy(
                        () ->
                                TIMES_400.check(
                                        lambda("scale", c -> c.put("function_type", "function"))))
                .hasMessageContaining("function_type = \"function\"");
        assertThatThrownBy(
                        () ->
                                TIMES_400.check(
                                        lambda(
                                                "lambda x: x * 400",
                                                c -> c.putObject("arguments").put("k", 2))))
                .hasMessageContaining("arguments = {\"k\":2}");
        assertThatThrownBy(
                        () ->
                                TIMES_400.check(
                                        lambda(
                                                "lambda x: x * 400",
                                                c -> c.putArray("output_shape").add(2))))
                .hasMessageContaining("output_shape = [2]");
    }

    @Test
    void unreadableBytecodeFallsBackToTheOption() {
        ScalingLambda.Result r = new ScalingLambda(250).check(lambda("AAAA\n"));
        assertThat(r.factor()).isEqualTo(250.0);
        assertThat(r.evidence()).contains("not readable");
    }

    private static JsonNode lambdas() {
        return KerasFixtures.json(KerasFixtures.resource("lambdas.json")).path("lambdas");
    }

    private static String bytecode(String python, String body) {
        JsonNode code = lambdas().path(python).path(body);
        assertThat(code.isTextual()).as("fixture has %s for Python %s", body, python).isTrue();
        return code.asText();
    }

    private static KerasLayer lambda(String function) {
        return lambda(function, c -> {});
    }

    private static KerasLayer lambda(
            String function, java.util.function.Consumer<ObjectNode> edit) {
        ObjectNode c = KerasFixtures.JSON.createObjectNode();
        c.put("name", "lambda");
        c.putArray("function").add(function).addNull().addNull();
        c.put("function_type", "lambda");
        c.putNull("output_shape");
        c.putObject("arguments");
        edit.accept(c);
        return new KerasLayer("Lambda", "lambda", c, Map.of());
    }
}
