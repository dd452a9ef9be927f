package io.forecaster.model.engine;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import java.util.List;

/**
 * Opens an inference engine by name: {@value #DL4J} (the reference: DL4J's own network) or
 * {@value #FAST} (plain Java, Vector API when the {@code jdk.incubator.vector} module is present,
 * scalar otherwise; needs no ND4J at run time). Every instance it returns belongs to one thread.
 */
public final class Engines {

    public static final String DL4J = "dl4j";
    public static final String FAST = "fast";
    /** The engine names {@link #open} accepts. */
    public static final List<String> NAMES = List.of(DL4J, FAST);

    private Engines() {}

    /** A predictor for the bundle's network; the caller closes it. */
    public static Predictor open(String engine, ModelBundle bundle) {
        switch (checkName(engine)) {
            case DL4J:
                return new Dl4jPredictor(bundle);
            default:
                return new FastPredictor(bundle, Kernels.best());
        }
    }

    /** A stepper for the bundle's network; the caller closes it. */
    public static Stepper openStepper(String engine, ModelBundle bundle) {
        switch (checkName(engine)) {
            case DL4J:
                return new Dl4jStepper(bundle);
            default:
                return new FastStepper(bundle, Kernels.best());
        }
    }

    private static String checkName(String engine) {
        if (!NAMES.contains(engine)) {
            throw new IllegalArgumentException(
                    "unknown inference engine '" + engine + "', expected one of " + NAMES);
        }
        return engine;
    }

    static void checkBatch(float[] windows, int batch, int length, float[] out) {
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

    static void checkStep(StepState[] states, float[] points, int n, float[] out) {
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

    static void checkState(StepState s, HyperParams hp, int index) {
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
