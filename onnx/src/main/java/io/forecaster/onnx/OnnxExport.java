package io.forecaster.onnx;

import io.forecaster.model.BundleMetadata;
import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes a seed-family params bundle as ONNX graphs that follow {@link OnnxContract} (opset 14,
 * standard {@code Conv}, {@code LSTM}, {@code MatMul} operators; dynamic batch and time axes), in
 * plain Java: the protobuf messages are written field by field ({@link Proto}), the weights re-laid
 * from DL4J's flat order (see {@code FastWeights}) into ONNX's. The same function as {@code
 * tools/onnx/export.py}, without Python.
 */
public final class OnnxExport {

    static final int OPSET = 14;
    static final int IR_VERSION = 8;

    // ONNX enums
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    // DL4J gate blocks [cell input | forget | output | input] for ONNX's gate order i, o, f, c
    private static final int[] DL4J_BLOCK_FOR_ONNX_GATE = {3, 2, 1, 0};

    private OnnxExport() {}

    /** The ONNX bundle of {@code bundle}'s network: window and step models, same metadata. */
    public static ModelBundle bundle(ModelBundle bundle) {
        BundleMetadata m = bundle.metadata();
        BundleMetadata onnx =
                new BundleMetadata(
                        ModelBundle.ONNX_FORMAT_VERSION,
                        m.modelId(),
                        m.hyperParams(),
                        m.windowSize(),
                        m.mode(),
                        m.scaling(),
                        m.trainingDataSha256(),
                        m.source(),
                        m.evaluation(),
                        m.createdAt(),
                        BundleMetadata.ONNX,
                        null,
                        m.target());
        return ModelBundle.onnx(onnx, windowModel(bundle), stepModel(bundle));
    }

    /** The window model {@code x [b, t, 1] -> y [b, t, 1]}. */
    public static byte[] windowModel(ModelBundle bundle) {
        Weights w = new Weights(params(bundle));
        Graph g = new Graph("window");
        int k = w.hp.kernelSize();
        g.node("Transpose", List.of("x"), "x_t", ints("perm", 0, 2, 1));
        g.node(
                "Conv",
                List.of("x_t", "conv_w", "conv_b"),
                "conv",
                ints("pads", k - 1, 0),
                ints("kernel_shape", k));
        g.node("Relu", List.of("conv"), "conv_relu");
        g.node("Transpose", List.of("conv_relu"), "seq", ints("perm", 2, 0, 1)); // [t, b, F]
        g.node("LSTM", List.of("seq", "l1_w", "l1_r", "l1_b"), "l1_y", hidden(w.hp.lstm1Units()));
        g.node("Squeeze", List.of("l1_y", "axis1"), "l1_seq");
        g.node(
                "LSTM",
                List.of("l1_seq", "l2_w", "l2_r", "l2_b"),
                "l2_y",
                hidden(w.hp.lstm2Units()));
        g.node("Squeeze", List.of("l2_y", "axis1"), "l2_seq");
        head(g, "l2_seq", "y_tb");
        g.node("Transpose", List.of("y_tb"), "y", ints("perm", 1, 0, 2));
        w.initializers(g);
        g.int64("axis1", 1);
        g.input("x", "batch", "time", 1);
        g.output("y", "batch", "time", 1);
        return g.model();
    }

    /** The step model of {@link OnnxContract}: one new point and the state in, y and state out. */
    public static byte[] stepModel(ModelBundle bundle) {
        Weights w = new Weights(params(bundle));
        HyperParams hp = w.hp;
        int k = hp.kernelSize();
        Graph g = new Graph("step");
        g.node("Concat", List.of("conv_in", "x"), "recent", integer("axis", 1)); // [b, k, 1]
        g.node("Slice", List.of("recent", "one", "k", "axis1"), "conv_out");
        g.node("Transpose", List.of("recent"), "recent_t", ints("perm", 0, 2, 1));
        g.node("Conv", List.of("recent_t", "conv_w", "conv_b"), "conv", ints("kernel_shape", k));
        g.node("Relu", List.of("conv"), "conv_relu");
        g.node("Transpose", List.of("conv_relu"), "seq", ints("perm", 2, 0, 1)); // [1, b, F]
        for (String s : List.of("h1", "c1", "h2", "c2")) {
            g.node("Unsqueeze", List.of(s, "axis0"), s + "_0");
        }
        g.node(
                "LSTM",
                List.of("seq", "l1_w", "l1_r", "l1_b", "", "h1_0", "c1_0"),
                List.of("l1_y", "l1_h", "l1_c"),
                hidden(hp.lstm1Units()));
        g.node("Squeeze", List.of("l1_y", "axis1"), "l1_seq");
        g.node(
                "LSTM",
                List.of("l1_seq", "l2_w", "l2_r", "l2_b", "", "h2_0", "c2_0"),
                List.of("l2_y", "l2_h", "l2_c"),
                hidden(hp.lstm2Units()));
        g.node("Squeeze", List.of("l2_y", "axis1"), "l2_seq");
        g.node("Squeeze", List.of("l1_h", "axis0"), "h1_out");
        g.node("Squeeze", List.of("l1_c", "axis0"), "c1_out");
        g.node("Squeeze", List.of("l2_h", "axis0"), "h2_out");
        g.node("Squeeze", List.of("l2_c", "axis0"), "c2_out");
        head(g, "l2_seq", "y_tb");
        g.node("Transpose", List.of("y_tb"), "y", ints("perm", 1, 0, 2));
        w.initializers(g);
        g.int64("axis0", 0);
        g.int64("axis1", 1);
        g.int64("one", 1);
        g.int64("k", k);
        g.input("x", "batch", 1, 1);
        g.input("conv_in", "batch", k - 1, 1);
        g.input("h1", "batch", hp.lstm1Units());
        g.input("c1", "batch", hp.lstm1Units());
        g.input("h2", "batch", hp.lstm2Units());
        g.input("c2", "batch", hp.lstm2Units());
        g.output("y", "batch", 1, 1);
        g.output("conv_out", "batch", k - 1, 1);
        g.output("h1_out", "batch", hp.lstm1Units());
        g.output("c1_out", "batch", hp.lstm1Units());
        g.output("h2_out", "batch", hp.lstm2Units());
        g.output("c2_out", "batch", hp.lstm2Units());
        return g.model();
    }

    /** Dense(relu) -> Dense(relu) -> Dense(1) -> x outputScale over [t, b, u2]. */
    private static void head(Graph g, String in, String out) {
        g.node("MatMul", List.of(in, "d1_w"), "d1_mm");
        g.node("Add", List.of("d1_mm", "d1_b"), "d1_lin");
        g.node("Relu", List.of("d1_lin"), "d1");
        g.node("MatMul", List.of("d1", "d2_w"), "d2_mm");
        g.node("Add", List.of("d2_mm", "d2_b"), "d2_lin");
        g.node("Relu", List.of("d2_lin"), "d2");
        g.node("MatMul", List.of("d2", "out_w"), "out_mm");
        g.node("Add", List.of("out_mm", "out_b"), "out_lin");
        g.node("Mul", List.of("out_lin", "scale"), out);
    }

    private static ModelBundle params(ModelBundle bundle) {
        if (bundle.metadata().isOnnx()) {
            throw new IllegalArgumentException(
                    "model '" + bundle.metadata().modelId() + "' is already an ONNX bundle");
        }
        return bundle;
    }

    /** An INTS attribute. */
    private static Proto ints(String name, long... values) {
        Proto a = new Proto().string(1, name).varint(20, ATTR_INTS);
        for (long v : values) {
            a.varint(8, v);
        }
        return a;
    }

    /** An INT attribute. */
    private static Proto integer(String name, long value) {
        return new Proto().string(1, name).varint(20, ATTR_INT).varint(3, value);
    }

    private static Proto hidden(int units) {
        return integer("hidden_size", units);
    }

    /** The bundle's weights in ONNX's layouts. */
    private static final class Weights {
        final HyperParams hp;
        final float[] p;
        int at;

        Weights(ModelBundle bundle) {
            this.hp = bundle.metadata().hyperParams();
            this.p = bundle.params();
        }

        private float[] take(int n) {
            float[] v = new float[n];
            System.arraycopy(p, at, v, 0, n);
            at += n;
            return v;
        }

        void initializers(Graph g) {
            at = 0;
            int f = hp.convFilters();
            int k = hp.kernelSize();
            float[] convB = take(f);
            float[] convW = take(k * f); // [tap][filter]
            float[] w = new float[f * k]; // ONNX [F][1][k]
            for (int j = 0; j < k; j++) {
                for (int o = 0; o < f; o++) {
                    w[o * k + j] = convW[j * f + o];
                }
            }
            g.tensor("conv_w", w, f, 1, k);
            g.tensor("conv_b", convB, f);
            lstm(g, "l1", f, hp.lstm1Units());
            lstm(g, "l2", hp.lstm1Units(), hp.lstm2Units());
            dense(g, "d1", hp.lstm2Units(), hp.dense1Units());
            dense(g, "d2", hp.dense1Units(), hp.dense2Units());
            dense(g, "out", hp.dense2Units(), 1);
            if (at != p.length) {
                throw new IllegalStateException("read " + at + " of " + p.length + " parameters");
            }
            g.tensor("scale", new float[] {(float) hp.outputScale()}, 1);
        }

        private void lstm(Graph g, String name, int nIn, int h) {
            float[] w = take(nIn * 4 * h); // [4H][nIn], DL4J blocks
            float[] r = take(h * 4 * h); // [4H][H]
            float[] b = take(4 * h);
            float[] ow = new float[4 * h * nIn];
            float[] or = new float[4 * h * h];
            float[] ob = new float[8 * h]; // W bias then R bias (zero)
            for (int gate = 0; gate < 4; gate++) {
                int block = DL4J_BLOCK_FOR_ONNX_GATE[gate];
                System.arraycopy(w, block * h * nIn, ow, gate * h * nIn, h * nIn);
                System.arraycopy(r, block * h * h, or, gate * h * h, h * h);
                System.arraycopy(b, block * h, ob, gate * h, h);
            }
            g.tensor(name + "_w", ow, 1, 4 * h, nIn);
            g.tensor(name + "_r", or, 1, 4 * h, h);
            g.tensor(name + "_b", ob, 1, 8 * h);
        }

        private void dense(Graph g, String name, int nIn, int nOut) {
            float[] w = take(nIn * nOut); // [nOut][nIn]
            float[] t = new float[nIn * nOut]; // MatMul wants [nIn][nOut]
            for (int o = 0; o < nOut; o++) {
                for (int i = 0; i < nIn; i++) {
                    t[i * nOut + o] = w[o * nIn + i];
                }
            }
            g.tensor(name + "_w", t, nIn, nOut);
            g.tensor(name + "_b", take(nOut), nOut);
        }
    }

    /** One ONNX graph being written. */
    private static final class Graph {
        final Proto graph = new Proto();
        final String name;
        int nodes;

        Graph(String name) {
            this.name = name;
        }

        void node(String op, List<String> inputs, String output, Proto... attributes) {
            node(op, inputs, List.of(output), attributes);
        }

        void node(String op, List<String> inputs, List<String> outputs, Proto... attributes) {
            Proto n = new Proto();
            for (String i : inputs) {
                n.string(1, i);
            }
            for (String o : outputs) {
                n.string(2, o);
            }
            n.string(3, op.toLowerCase(java.util.Locale.ROOT) + "_" + nodes++);
            n.string(4, op);
            for (Proto a : attributes) {
                n.message(5, a);
            }
            graph.message(1, n);
        }

        void tensor(String name, float[] values, long... dims) {
            ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            Proto t = new Proto();
            for (long d : dims) {
                t.varint(1, d);
            }
            t.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
            graph.message(5, t);
        }

        void int64(String name, long value) {
            ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
            graph.message(
                    5,
                    new Proto()
                            .varint(1, 1)
                            .varint(2, INT64)
                            .string(8, name)
                            .bytes(9, raw.array()));
        }

        void input(String name, Object... dims) {
            graph.message(11, valueInfo(name, dims));
        }

        void output(String name, Object... dims) {
            graph.message(12, valueInfo(name, dims));
        }

        private static Proto valueInfo(String name, Object... dims) {
            Proto shape = new Proto();
            for (Object d : dims) {
                shape.message(
                        1,
                        d instanceof String s
                                ? new Proto().string(2, s)
                                : new Proto().varint(1, ((Number) d).longValue()));
            }
            Proto tensor = new Proto().varint(1, FLOAT).message(2, shape);
            return new Proto().string(1, name).message(2, new Proto().message(1, tensor));
        }

        byte[] model() {
            graph.string(2, name);
            return new Proto()
                    .varint(1, IR_VERSION)
                    .string(2, "forecaster OnnxExport")
                    .message(7, graph)
                    .message(8, new Proto().string(1, "").varint(2, OPSET))
                    .toByteArray();
        }
    }
}
