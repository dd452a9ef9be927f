package io.forecaster.training.keras;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of Python's {@code marshal} format to look inside the code object Keras stores for a
 * {@code Lambda} (base64 of {@code marshal.dumps(fn.__code__)}): the constants and the global names
 * it uses. Nothing is executed. Reads the code-object layouts of CPython 3.7 to 3.13.
 */
final class PythonMarshal {

    /** What a lambda's code object references. */
    record CodeSummary(List<Object> constants, List<String> names) {}

    private static final int FLAG_REF = 0x80;

    private final ByteBuffer in;
    private final List<Object> refs = new ArrayList<>();

    private PythonMarshal(byte[] bytes) {
        this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The constants and names of a marshalled code object.
     *
     * @throws IllegalArgumentException if the bytes are not a code object this reader knows
     */
    static CodeSummary readCode(byte[] marshalled) {
        try {
            return new PythonMarshal(marshalled).code();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a marshalled Python code object: " + e, e);
        }
    }

    private CodeSummary code() {
        int type = in.get() & 0xff;
        if ((type & ~FLAG_REF) != 'c') {
            throw new IllegalArgumentException("type '" + (char) (type & ~FLAG_REF) + "'");
        }
        if ((type & FLAG_REF) != 0) {
            refs.add(null);
        }
        int start = in.position();
        // 5 int32 header fields up to 3.7 and from 3.11, 6 in 3.8-3.10; co_code (bytes) follows.
        int headerInts = isBytesAt(start + 5 * 4) ? 5 : 6;
        if (!isBytesAt(start + headerInts * 4)) {
            throw new IllegalArgumentException("unknown code object layout");
        }
        in.position(start + headerInts * 4);
        object(); // co_code
        Object consts = object();
        Object names = object();
        List<String> nameList = new ArrayList<>();
        for (Object n : (List<?>) names) {
            nameList.add(String.valueOf(n));
        }
        return new CodeSummary(flatten(consts), nameList);
    }

    private boolean isBytesAt(int pos) {
        return pos < in.limit() && ((in.get(pos) & 0xff) & ~FLAG_REF) == 's';
    }

    private static List<Object> flatten(Object consts) {
        List<Object> out = new ArrayList<>();
        if (consts instanceof List<?> list) {
            for (Object o : list) {
                out.addAll(flatten(o));
            }
        } else {
            out.add(consts);
        }
        return out;
    }

    private Object object() {
        int b = in.get() & 0xff;
        int type = b & ~FLAG_REF;
        boolean ref = (b & FLAG_REF) != 0;
        if (type == 'r') {
            return refs.get(in.getInt());
        }
        int slot = -1;
        if (ref) {
            slot = refs.size();
            refs.add(null);
        }
        Object value =
                switch (type) {
                    case '0', 'N', 'S', '.' -> PyNone.NONE;
                    case 'F' -> Boolean.FALSE;
                    case 'T' -> Boolean.TRUE;
                    case 'i' -> (long) in.getInt();
                    case 'l' -> longValue();
                    case 'g' -> in.getDouble();
                    case 'y' -> new double[] {in.getDouble(), in.getDouble()};
                    case 's' -> bytes(in.getInt());
                    case 't', 'u', 'a', 'A' -> text(in.getInt());
                    case 'z', 'Z' -> text(in.get() & 0xff);
                    case '(', '[', '<', '>' -> sequence(in.getInt());
                    case ')' -> sequence(in.get() & 0xff);
                    case 'c' -> throw new IllegalArgumentException("nested code object");
                    default ->
                            throw new IllegalArgumentException(
                                    "marshal type '" + (char) type + "' at " + (in.position() - 1));
                };
        if (slot >= 0) {
            refs.set(slot, value);
        }
        return value;
    }

    private Object longValue() {
        int n = in.getInt();
        BigInteger v = BigInteger.ZERO;
        for (int i = 0; i < Math.abs(n); i++) {
            v = v.or(BigInteger.valueOf(in.getShort() & 0x7fff).shiftLeft(15 * i));
        }
        return n < 0 ? v.negate() : v;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String text(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private List<Object> sequence(int n) {
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(object());
        }
        return items;
    }

    /** Python's None (and other singletons): not a number, not a name. */
    enum PyNone {
        NONE
    }
}
