package io.forecaster.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Opens ONNX Runtime sessions the way the engine runs them: CPU, sequential execution, every graph
 * optimisation, and {@value #THREADS_PROPERTY} intra-op threads (default 1, since a Flink job
 * already runs one engine instance per subtask on each core; set the system property to give each
 * session more).
 */
public final class OnnxSessions {

    /** System property: intra-op threads of each session (default 1). */
    public static final String THREADS_PROPERTY = "forecaster.onnx.intraOpThreads";

    private OnnxSessions() {}

    private static volatile OrtEnvironment environment;

    /** ONNX Runtime's environment, the first time made by {@link #createEnvironment()}. */
    static OrtEnvironment env() {
        OrtEnvironment e = environment;
        if (e == null) {
            synchronized (OnnxSessions.class) {
                e = environment;
                if (e == null) {
                    environment = e = createEnvironment();
                }
            }
        }
        return e;
    }

    /**
     * ONNX Runtime's process-wide environment, created so that it holds on to nothing of the
     * caller. Its constructor registers a JVM shutdown hook, a {@link Thread} created in the
     * calling thread, and a new thread keeps the caller's context classloader and the protection
     * domains of the classes on the caller's stack until the JVM exits. On a Flink cluster, where
     * ONNX Runtime is loaded parent-first, the caller is a task of some job, and the hook would
     * keep that job's user-code classloader (every class of its jar) for the life of the
     * TaskManager. So the environment is made with ONNX Runtime's own classloader as the context
     * classloader, in a privileged block (the hook's thread then inherits the domain of this class
     * only).
     */
    @SuppressWarnings(
            "removal") // AccessController: still how a new Thread's inherited context is cut
    private static OrtEnvironment createEnvironment() {
        Thread current = Thread.currentThread();
        ClassLoader context = current.getContextClassLoader();
        current.setContextClassLoader(OrtEnvironment.class.getClassLoader());
        try {
            return java.security.AccessController.doPrivileged(
                    (java.security.PrivilegedAction<OrtEnvironment>)
                            OrtEnvironment::getEnvironment);
        } finally {
            current.setContextClassLoader(context);
        }
    }

    /** The intra-op thread count sessions get ({@value #THREADS_PROPERTY}, default 1). */
    public static int intraOpThreads() {
        String v = System.getProperty(THREADS_PROPERTY, "1").strip();
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                THREADS_PROPERTY + " must be a whole number of at least 1, got '" + v + "'");
    }

    /**
     * A session over {@code model} ({@code what} names it in errors: a graph ONNX Runtime cannot
     * load, such as one with an operator it does not implement, fails here with its message).
     */
    public static OrtSession open(String what, byte[] model) {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(intraOpThreads());
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return env().createSession(model, o);
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    "ONNX Runtime cannot load the " + what + ": " + e.getMessage(), e);
        }
    }

    /** A native-order direct buffer of {@code n} floats (ONNX Runtime uses it without a copy). */
    static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(Math.max(1, n) * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /** A tensor of {@code shape} over the first elements of {@code buf} (no copy). */
    static OnnxTensor tensor(FloatBuffer buf, long... shape) throws OrtException {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        FloatBuffer view = buf.duplicate().position(0).limit((int) n).slice();
        return OnnxTensor.createTensor(env(), view, shape);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing native handles; nothing to do about a failure here
            }
        }
    }
}
