package io.forecaster.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the {@value OnnxEngine#NAME} engine needs of an ONNX graph, checked when a session opens
 * (and so at import). All values are float32 and on the model's scale (the bundle's scaling stays
 * outside the graph, as for the fast engine); {@code -1} below is a dynamic (symbolic) axis.
 *
 * <ul>
 *   <li>Window model: exactly one input {@code [-1, -1, 1]} (batch, time, one feature; any name,
 *       conventionally {@code x}) and one output of the same shape (conventionally {@code y}): the
 *       prediction sequence from the zero state, step t forecasting step t+1.
 *   <li>Step model: inputs {@value #X} {@code [-1, 1, 1]} (the new point), {@value #CONV_IN} {@code
 *       [-1, k-1, 1]} (the last k-1 inputs, oldest first, zeros before the first point), {@value
 *       #H1}, {@value #C1} {@code [-1, u1]} and {@value #H2}, {@value #C2} {@code [-1, u2]} (both
 *       LSTMs' hidden and cell states); outputs {@value #Y} {@code [-1, 1, 1]}, and for each state
 *       input {@code NAME} an output {@code NAME_out} of the same shape ({@code conv_out} is {@code
 *       conv_in} shifted by one with {@code x} appended). k-1, u1 and u2 must be fixed numbers;
 *       they size {@link io.forecaster.model.engine.StepState}.
 * </ul>
 */
public final class OnnxContract {

    public static final String X = "x";
    public static final String Y = "y";
    public static final String CONV_IN = "conv_in";
    public static final String H1 = "h1";
    public static final String C1 = "c1";
    public static final String H2 = "h2";
    public static final String C2 = "c2";

    /** The step model's state inputs, in {@link io.forecaster.model.engine.StepState} order. */
    public static final List<String> STATE = List.of(CONV_IN, H1, C1, H2, C2);

    /** The step model's state outputs, in the order of {@link #STATE}. */
    public static final List<String> STATE_OUT =
            List.of("conv_out", "h1_out", "c1_out", "h2_out", "c2_out");

    private OnnxContract() {}

    /** The window model's input and output names. */
    public record Window(String input, String output) {}

    /** The step model's state sizes: conv history k-1 and both LSTMs' units. */
    public record Step(int convHistory, int units1, int units2) {
        /** The width of each state tensor, in {@link #STATE} order. */
        int width(int i) {
            return i == 0 ? convHistory : i <= 2 ? units1 : units2;
        }
    }

    /** Checks a window model's session; the message names the input or output and its shape. */
    public static Window window(OrtSession s) throws OrtException {
        Map<String, NodeInfo> in = s.getInputInfo();
        Map<String, NodeInfo> out = s.getOutputInfo();
        if (in.size() != 1) {
            throw new IllegalArgumentException(
                    "window model: needs exactly one input [batch, time, 1], has " + describe(in));
        }
        if (out.size() != 1) {
            throw new IllegalArgumentException(
                    "window model: needs exactly one output [batch, time, 1], has "
                            + describe(out));
        }
        NodeInfo x = in.values().iterator().next();
        NodeInfo y = out.values().iterator().next();
        sequence("window model input", x);
        sequence("window model output", y);
        return new Window(x.getName(), y.getName());
    }

    /** Checks a step model's session; the message names the input or output and its shape. */
    public static Step step(OrtSession s) throws OrtException {
        Map<String, NodeInfo> in = s.getInputInfo();
        Map<String, NodeInfo> out = s.getOutputInfo();
        for (String name : in.keySet()) {
            if (!X.equals(name) && !STATE.contains(name)) {
                throw new IllegalArgumentException(
                        "step model input '"
                                + name
                                + "' is not part of the contract (inputs "
                                + X
                                + ", "
                                + String.join(", ", STATE)
                                + ")");
            }
        }
        long[] x = shape("step model", in, X, "input");
        expect("step model input", X, x, new long[] {-1, 1, 1});
        long[] conv = shape("step model", in, CONV_IN, "input");
        if (conv.length != 3 || conv[1] < 0 || conv[2] != 1) {
            throw shapeError("step model input", CONV_IN, conv, "[batch, k-1, 1], k-1 fixed");
        }
        long[] h1 = state(in, H1);
        long[] h2 = state(in, H2);
        expect("step model input", C1, shape("step model", in, C1, "input"), h1);
        expect("step model input", C2, shape("step model", in, C2, "input"), h2);
        expect("step model output", Y, shape("step model", out, Y, "output"), x);
        long[][] states = {conv, h1, h1, h2, h2};
        for (int i = 0; i < STATE.size(); i++) {
            String name = STATE_OUT.get(i);
            expect("step model output", name, shape("step model", out, name, "output"), states[i]);
        }
        return new Step((int) conv[1], (int) h1[1], (int) h2[1]);
    }

    private static long[] state(Map<String, NodeInfo> in, String name) {
        long[] s = shape("step model", in, name, "input");
        if (s.length != 2 || s[1] < 1) {
            throw shapeError("step model input", name, s, "[batch, units], units fixed");
        }
        expect("step model input", name, s, new long[] {-1, s[1]});
        return s;
    }

    private static void sequence(String what, NodeInfo n) {
        long[] s = floatShape(what, n);
        if (s.length != 3 || s[0] >= 0 || s[1] >= 0 || (s[2] != 1 && s[2] >= 0)) {
            throw shapeError(what, n.getName(), s, "[batch, time, 1] with dynamic batch and time");
        }
    }

    private static long[] shape(String model, Map<String, NodeInfo> infos, String name, String io) {
        NodeInfo n = infos.get(name);
        if (n == null) {
            throw new IllegalArgumentException(
                    model + " has no " + io + " '" + name + "' (it has " + infos.keySet() + ")");
        }
        return floatShape(model + " " + io, n);
    }

    private static long[] floatShape(String what, NodeInfo n) {
        if (!(n.getInfo() instanceof TensorInfo t)) {
            throw new IllegalArgumentException(
                    what + " '" + n.getName() + "' is not a tensor: " + n.getInfo());
        }
        if (t.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(
                    what + " '" + n.getName() + "' is " + t.type + ", the contract needs float32");
        }
        return t.getShape();
    }

    private static void expect(String what, String name, long[] actual, long[] expected) {
        if (!Arrays.equals(actual, expected)) {
            throw shapeError(what, name, actual, Arrays.toString(expected).replace("-1", "batch"));
        }
    }

    private static IllegalArgumentException shapeError(
            String what, String name, long[] shape, String expected) {
        return new IllegalArgumentException(
                what
                        + " '"
                        + name
                        + "' has shape "
                        + Arrays.toString(shape)
                        + " (-1: dynamic), the contract needs "
                        + expected);
    }

    private static String describe(Map<String, NodeInfo> infos) {
        StringBuilder b = new StringBuilder();
        for (NodeInfo n : infos.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(n.getName());
            if (n.getInfo() instanceof TensorInfo t) {
                b.append(' ').append(Arrays.toString(t.getShape()));
            }
        }
        return infos.size() + " (" + b + ")";
    }
}
