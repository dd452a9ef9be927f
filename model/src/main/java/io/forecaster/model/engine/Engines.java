package io.forecaster.model.engine;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens an inference engine by name: {@value #FAST} (plain Java, Vector API when the {@code
 * jdk.incubator.vector} module is present, scalar otherwise; needs no native library) is built in;
 * other engines (the DL4J reference engine of the training module, the {@value #ONNX} engine of the
 * onnx module) are {@link EngineProvider}s found on the classpath. Every instance it returns
 * belongs to one thread.
 */
public final class Engines {

    public static final String FAST = "fast";

    private Engines() {}

    /** The names {@link #open} accepts here: {@value #FAST} and every provider on the classpath. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(FAST);
        names.addAll(providers().keySet());
        return Collections.unmodifiableList(names);
    }

    /** A predictor for the bundle's network; the caller closes it. */
    public static Predictor open(String engine, ModelBundle bundle) {
        return FAST.equals(engine)
                ? new FastPredictor(bundle, Kernels.best())
                : provider(engine).predictor(bundle);
    }

    /** A stepper for the bundle's network; the caller closes it. */
    public static Stepper openStepper(String engine, ModelBundle bundle) {
        return FAST.equals(engine)
                ? new FastStepper(bundle, Kernels.best())
                : provider(engine).stepper(bundle);
    }

    private static EngineProvider provider(String engine) {
        EngineProvider p = providers().get(engine);
        if (p == null) {
            throw new IllegalArgumentException(
                    "unknown inference engine '" + engine + "', expected one of " + names());
        }
        return p;
    }

    private static Map<String, EngineProvider> providers() {
        Map<String, EngineProvider> byName = new LinkedHashMap<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (EngineProvider p :
                ServiceLoader.load(
                        EngineProvider.class,
                        loader != null ? loader : Engines.class.getClassLoader())) {
            if (!FAST.equals(p.name())) {
                byName.putIfAbsent(p.name(), p);
            }
        }
        return byName;
    }

    /** The name of the engine that runs ONNX bundles (the {@code onnx} module's provider). */
    public static final String ONNX = "onnx";

    /**
     * Refuses an ONNX bundle in an engine that runs the seed family's weights only ({@code engine}
     * names it in the message), pointing at the {@value #ONNX} engine.
     */
    public static void requireParams(ModelBundle bundle, String engine) {
        if (bundle.metadata().isOnnx()) {
            throw new IllegalArgumentException(
                    "model '"
                            + bundle.metadata().modelId()
                            + "' is an ONNX bundle (format onnx), which the "
                            + engine
                            + " engine cannot run: open it with engine '"
                            + ONNX
                            + "' (the forecaster-onnx module on the classpath)");
        }
    }

    /** Checks the horizon arguments of {@link Predictor#forecast}. */
    public static void checkHorizon(int batch, int horizon, float[] ahead) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
        }
        if (ahead.length < (long) batch * horizon) {
            throw new IllegalArgumentException(
                    "batch "
                            + batch
                            + " x horizon "
                            + horizon
                            + " needs "
                            + (long) batch * horizon
                            + " floats, got ahead["
                            + ahead.length
                            + "]");
        }
    }

    /** Checks the arguments of {@link Predictor#predict}; engines call it first. */
    public static void checkBatch(float[] windows, int batch, int length, float[] out) {
        if (batch < 1 || length < 1) {
            throw new IllegalArgumentException(
                    "batch and length must be at least 1, got batch "
                            + batch
                            + " and length "
                            + length);
        }
        long n = (long) batch * length;
        if (windows.length < n || out.length < n) {
            throw new IllegalArgumentException(
                    "batch "
                            + batch
                            + " x length "
                            + length
                            + " needs "
                            + n
                            + " floats, got windows["
                            + windows.length
                            + "] and out["
                            + out.length
                            + "]");
        }
    }

    /** Checks the arguments of {@link Stepper#step}; engines call it first. */
    public static void checkStep(StepState[] states, float[] points, int n, float[] out) {
        if (n < 0 || states.length < n || points.length < n || out.length < n) {
            throw new IllegalArgumentException(
                    "stepping "
                            + n
                            + " keys needs that many states, points and outputs, got "
                            + states.length
                            + ", "
                            + points.length
                            + " and "
                            + out.length);
        }
    }

    /** Checks that a key's state fits the model; engines call it for every state. */
    public static void checkState(StepState s, HyperParams hp, int index) {
        if (s == null
                || s.conv == null
                || s.conv.length != hp.kernelSize() - 1
                || s.h1 == null
                || s.h1.length != hp.lstm1Units()
                || s.c1 == null
                || s.c1.length != hp.lstm1Units()
                || s.h2 == null
                || s.h2.length != hp.lstm2Units()
                || s.c2 == null
                || s.c2.length != hp.lstm2Units()) {
            throw new IllegalArgumentException(
                    "state "
                            + index
                            + " does not fit this model (kernel "
                            + hp.kernelSize()
                            + ", LSTM units "
                            + hp.lstm1Units()
                            + "/"
                            + hp.lstm2Units()
                            + "): "
                            + describe(s));
        }
    }

    private static String describe(StepState s) {
        if (s == null) {
            return "null";
        }
        return "conv "
                + len(s.conv)
                + ", h1 "
                + len(s.h1)
                + ", c1 "
                + len(s.c1)
                + ", h2 "
                + len(s.h2)
                + ", c2 "
                + len(s.c2);
    }

    private static String len(float[] a) {
        return a == null ? "null" : "[" + a.length + "]";
    }
}
