package io.forecaster.training.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recognises the course's {@code Lambda(lambda x: x * 400)}. A Lambda carries Python code that
 * cannot run here, so the factor comes from an option (default 400) and the Lambda is accepted only
 * if it looks like that scaling: an anonymous {@code lambda}, no arguments or output shape, and a
 * body that references no global names and holds exactly one number, equal to the factor. The body
 * is read from the marshalled bytecode Keras stores (or the source text a TF.js-written topology
 * holds), never executed. {@code x * 400} and {@code x + 400} look alike at this level.
 */
final class ScalingLambda {

    private static final Logger LOG = LoggerFactory.getLogger(ScalingLambda.class);
    private static final Pattern SOURCE =
            Pattern.compile(
                    "\\s*lambda\\s+(\\w+)\\s*:\\s*(?:\\1\\s*\\*\\s*([-+0-9.eE]+)"
                            + "|([-+0-9.eE]+)\\s*\\*\\s*\\1)\\s*");
    private static final String HINT = "only the course's Lambda(lambda x: x * factor) is";

    /** The accepted factor and what it was checked against. */
    record Result(double factor, String evidence) {}

    private final double factor;

    ScalingLambda(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(
                    "the Lambda scale factor must be a positive finite number, got " + factor);
        }
        this.factor = factor;
    }

    /** The factor to use for {@code lambda}, or an exception naming the layer. */
    Result check(KerasLayer lambda) {
        JsonNode c = lambda.config();
        String type = c.path("function_type").asText("lambda");
        if (!"lambda".equals(type)) {
            throw new UnsupportedKerasModelException(
                    lambda.describe(), "function_type", "\"" + type + "\"", HINT);
        }
        JsonNode args = c.path("arguments");
        if (!args.isMissingNode() && !args.isNull() && !args.isEmpty()) {
            throw new UnsupportedKerasModelException(
                    lambda.describe(), "arguments", args, HINT + " (no arguments)");
        }
        JsonNode shape = c.path("output_shape");
        if (!shape.isMissingNode() && !shape.isNull()) {
            throw new UnsupportedKerasModelException(
                    lambda.describe(), "output_shape", shape, HINT + " (shape-preserving)");
        }
        JsonNode fn = c.path("function");
        JsonNode code;
        List<JsonNode> extras = new ArrayList<>();
        if (fn.isArray()) {
            // Keras 2: [code, defaults, closure]
            code = fn.path(0);
            for (int i = 1; i < fn.size(); i++) {
                extras.add(fn.get(i));
            }
        } else if (fn.isObject() && "__lambda__".equals(fn.path("class_name").asText())) {
            // Keras 3: {"class_name": "__lambda__", "config": {code, defaults, closure}}
            code = fn.path("config").path("code");
            extras.add(fn.path("config").path("defaults"));
            extras.add(fn.path("config").path("closure"));
        } else {
            code = fn;
        }
        for (JsonNode extra : extras) {
            if (!extra.isNull() && !extra.isMissingNode()) {
                throw new UnsupportedKerasModelException(
                        lambda.describe(), "function", fn, HINT + " (no defaults or closure)");
            }
        }
        if (!code.isTextual()) {
            throw new UnsupportedKerasModelException(
                    lambda.describe(), "function", fn.isMissingNode() ? "(missing)" : fn, HINT);
        }
        String text = code.asText();
        Matcher m = SOURCE.matcher(text);
        if (m.matches()) {
            double found = parse(lambda, m.group(2) != null ? m.group(2) : m.group(3));
            return new Result(
                    requireFactor(lambda, found, "its source text"), "matches its source text");
        }
        if (text.contains("lambda")) {
            throw new UnsupportedKerasModelException(
                    lambda.describe(), "function", "\"" + text.strip() + "\"", HINT);
        }
        return checkBytecode(lambda, text);
    }

    private Result checkBytecode(KerasLayer lambda, String base64) {
        PythonMarshal.CodeSummary code;
        try {
            code = PythonMarshal.readCode(Base64.getMimeDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "Lambda {}: bytecode not readable ({}); taking it as x * {} on trust",
                    lambda.describe(),
                    e.getMessage(),
                    SeedArchitecture.format(factor));
            return new Result(factor, "bytecode not readable, factor taken from the option");
        }
        if (!code.names().isEmpty()) {
            throw new UnsupportedKerasModelException(
                    lambda.describe(),
                    "function (names used)",
                    code.names(),
                    HINT + " (a lambda that calls nothing)");
        }
        List<Double> numbers =
                code.constants().stream()
                        .filter(o -> o instanceof Number && !(o instanceof Boolean))
                        .map(o -> ((Number) o).doubleValue())
                        .toList();
        if (numbers.size() != 1) {
            throw new UnsupportedKerasModelException(
                    lambda.describe(),
                    "function (numeric constants)",
                    numbers,
                    HINT + " (exactly one constant, the factor)");
        }
        requireFactor(lambda, numbers.get(0), "its bytecode constant");
        return new Result(factor, "matches its bytecode constant");
    }

    private double requireFactor(KerasLayer lambda, double found, String where) {
        if (found != factor) {
            throw new UnsupportedKerasModelException(
                    lambda.describe(),
                    "scale factor",
                    SeedArchitecture.format(found) + " (" + where + ")",
                    "the import was told x * "
                            + SeedArchitecture.format(factor)
                            + "; pass the factor the model was trained with (--lambda-scale "
                            + SeedArchitecture.format(found)
                            + ")");
        }
        return factor;
    }

    private static double parse(KerasLayer lambda, String number) {
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new UnsupportedKerasModelException(lambda.describe(), "function", number, HINT);
        }
    }
}
