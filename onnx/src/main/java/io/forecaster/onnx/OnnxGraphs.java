package io.forecaster.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads what an ONNX model's main graph is made of without ONNX Runtime or the protobuf library:
 * the operator types of its nodes ({@code ModelProto.graph} = field 7, {@code GraphProto.node} =
 * field 1, {@code NodeProto.op_type} = field 4; other fields are skipped by their wire type).
 */
public final class OnnxGraphs {

    private OnnxGraphs() {}

    /** The distinct operator types of the model's main graph, sorted. */
    public static Set<String> ops(byte[] model) {
        Set<String> ops = new TreeSet<>();
        Reader m = new Reader(model, 0, model.length);
        while (m.more()) {
            int field = m.field();
            if (field == 7 && m.wireType() == 2) {
                Reader g = m.message();
                while (g.more()) {
                    int gf = g.field();
                    if (gf == 1 && g.wireType() == 2) {
                        Reader n = g.message();
                        while (n.more()) {
                            if (n.field() == 4 && n.wireType() == 2) {
                                ops.add(n.string());
                            } else {
                                n.skip();
                            }
                        }
                    } else {
                        g.skip();
                    }
                }
            } else {
                m.skip();
            }
        }
        return ops;
    }

    /** Protocol-buffers wire format over a byte range. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;
        private int wireType;

        Reader(byte[] b, int from, int to) {
            this.b = b;
            this.pos = from;
            this.end = to;
        }

        boolean more() {
            return pos < end;
        }

        int field() {
            long tag = varint();
            wireType = (int) (tag & 7);
            return (int) (tag >>> 3);
        }

        int wireType() {
            return wireType;
        }

        Reader message() {
            int len = length();
            Reader r = new Reader(b, pos, pos + len);
            pos += len;
            return r;
        }

        String string() {
            int len = length();
            String s = new String(b, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }

        void skip() {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance(length());
                case 5 -> advance(4);
                default ->
                        throw new IllegalArgumentException(
                                "not an ONNX model: wire type " + wireType + " at byte " + pos);
            }
        }

        private int length() {
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw new IllegalArgumentException(
                        "not an ONNX model: a field of " + len + " bytes at byte " + pos);
            }
            return (int) len;
        }

        private void advance(int n) {
            if (n > end - pos) {
                throw new IllegalArgumentException("not an ONNX model: truncated at byte " + pos);
            }
            pos += n;
        }

        private long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException(
                            "not an ONNX model: truncated at byte " + pos);
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("not an ONNX model: bad varint at byte " + pos);
        }
    }
}
