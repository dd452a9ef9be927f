import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Engine variants raced in one JVM: each variant's model jar (and the onnx module's jar) in its own
 * class loader, the variants taking turns in slices of CPU time of this thread, so every variant
 * sees the same machine. Prints windows per CPU-second per slice and the medians.
 *
 * <p>Usage: java --add-modules jdk.incubator.vector -cp BASE Race.java WINDOW BATCH SECONDS
 * name=engine:modelJar[:onnxJar] ... (BASE: the bench class path without the model and onnx jars)
 */
public class Race {
    public static void main(String[] args) throws Throwable {
        int window = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int n = args.length - 3;
        String[] names = new String[n];
        MethodHandle[] predict = new MethodHandle[n];
        Object[] predictors = new Object[n];
        for (int v = 0; v < n; v++) {
            String[] spec = args[3 + v].split("[=:]");
            names[v] = spec[0];
            String engine = spec[1];
            URL[] urls = new URL[spec.length - 2];
            for (int j = 2; j < spec.length; j++) {
                urls[j - 2] = Path.of(spec[j]).toUri().toURL();
            }
            ClassLoader cl = new URLClassLoader(urls, Race.class.getClassLoader());
            Thread.currentThread().setContextClassLoader(cl);
            Class<?> bundleClass = Class.forName("io.forecaster.model.ModelBundle", true, cl);
            Class<?> engines = Class.forName("io.forecaster.model.engine.Engines", true, cl);
            Class<?> predictorClass = Class.forName("io.forecaster.model.engine.Predictor", true, cl);
            String file = engine.equals("onnx") ? "models/sunspots-onnx.zip" : "models/sunspots.zip";
            Object bundle = bundleClass.getMethod("load", Path.class).invoke(null, Path.of(file));
            predictors[v] =
                    engines.getMethod("open", String.class, bundleClass).invoke(null, engine, bundle);
            predict[v] =
                    MethodHandles.publicLookup()
                            .findVirtual(
                                    predictorClass,
                                    "predict",
                                    MethodType.methodType(
                                            void.class, float[].class, int.class, int.class, float[].class))
                            .bindTo(predictors[v]);
        }
        Random r = new Random(42);
        float[] windows = new float[batch * window];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = (float) Math.max(0, 80 + 60 * r.nextGaussian());
        }
        float[] out = new float[batch * window];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long slice = 300_000_000L; // 0.3 s of CPU
        // warm-up: every variant 12 slices, in turns
        for (int w = 0; w < 12; w++) {
            for (int v = 0; v < n; v++) {
                run(predict[v], windows, batch, window, out, mx, slice);
            }
        }
        // diagnosis: the LSTM weights copied to arrays that start N bytes past a cache line (name@N),
        // after a full GC, so nothing moves them while measuring (the measurement allocates nothing
        // but the rates list)
        System.gc();
        for (int v = 0; v < n; v++) {
            if (names[v].contains("@")) {
                place(predictors[v], Integer.parseInt(names[v].substring(names[v].indexOf('@') + 1)));
            }
        }
        for (int w = 0; w < 3; w++) {
            for (int v = 0; v < n; v++) {
                run(predict[v], windows, batch, window, out, mx, slice);
            }
        }
        List<List<Double>> rates = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            rates.add(new ArrayList<>());
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int round = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < n; i++) {
                int v = (i + round) % n;
                rates.get(v).add(run(predict[v], windows, batch, window, out, mx, slice));
            }
            round++;
        }
        StringBuilder line = new StringBuilder("w" + window + "-b" + batch);
        for (int v = 0; v < n; v++) {
            double[] x = rates.get(v).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            line.append(String.format(" %s %.0f (%.0f-%.0f, %d slices)", names[v], x[x.length / 2], x[x.length / 4], x[3 * x.length / 4], x.length));
            System.out.println(names[v] + " slices " + Arrays.toString(rates.get(v).stream().mapToLong(Double::longValue).toArray()));
        }
        System.out.println(line);
        if (Boolean.getBoolean("race.align")) {
            for (int v = 0; v < n; v++) {
                System.out.println(names[v] + " " + alignment(predictors[v]));
            }
        }
    }

    /**
     * Diagnosis only: where the fast engine's arrays start, mod 64 bytes (the address read through
     * sun.misc.Unsafe from a compressed reference, as the engine itself once did).
     */
    static String alignment(Object predictor) throws Exception {
        java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
        Object net = field(predictor, "net");
        if (net == null) {
            return "(not fast)";
        }
        Object w = field(net, "w");
        StringBuilder s = new StringBuilder();
        for (String name : new String[] {"w1", "w2", "d1W"}) {
            s.append(name).append('@').append(address(u, field(w, name)) % 64).append(' ');
        }
        for (String name : new String[] {"pre1", "seq1", "pre2", "seq2", "c1", "c2"}) {
            s.append(name).append('@').append(address(u, field(net, name)) % 64).append(' ');
        }
        return s.toString();
    }

    static final List<Object> PADDING = new ArrayList<>();

    static void place(Object predictor, int at) throws Exception {
        java.lang.reflect.Field uf = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        uf.setAccessible(true);
        sun.misc.Unsafe u = (sun.misc.Unsafe) uf.get(null);
        Object w = field(field(predictor, "net"), "w");
        for (String name : new String[] {"w1", "w2"}) {
            float[] old = (float[]) field(w, name);
            float[] copy = null;
            for (int tries = 0; tries < 64; tries++) {
                float[] c = old.clone();
                if (tries < 12) {
                    System.out.print(address(u, c) % 64 + " ");
                }
                if (address(u, c) % 64 == at) {
                    copy = c;
                    break;
                }
                PADDING.add(new byte[8 + 8 * (tries % 8)]);
                PADDING.add(new byte[200_000 + 8 * (tries % 8)]);
            }
            if (copy == null) {
                System.out.println("could not place " + name + " at " + at + "; left at " + address(u, old) % 64);
                continue;
            }
            java.lang.reflect.Field f = w.getClass().getDeclaredField(name);
            f.setAccessible(true);
            f.set(w, copy);
        }
    }

    static Object field(Object o, String name) throws Exception {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // superclass
            }
        }
        return null;
    }

    /** The address of element 0 of a float array (compressed oops with shift 3, zero based). */
    static long address(sun.misc.Unsafe u, Object array) {
        Object[] holder = {array};
        long oop = u.getInt(holder, (long) u.arrayBaseOffset(Object[].class)) & 0xffffffffL;
        return (oop << 3) + u.arrayBaseOffset(float[].class);
    }

    /** Windows per CPU-second over one slice of CPU time. */
    static double run(MethodHandle p, float[] windows, int batch, int window, float[] out, ThreadMXBean mx, long slice)
            throws Throwable {
        long c0 = mx.getCurrentThreadCpuTime();
        long c = c0;
        long calls = 0;
        while (c - c0 < slice) {
            p.invokeExact(windows, batch, window, out);
            calls++;
            if ((calls & 7) == 0 || batch >= 16) {
                c = mx.getCurrentThreadCpuTime();
            }
        }
        c = mx.getCurrentThreadCpuTime();
        return calls * (double) batch / ((c - c0) / 1e9);
    }
}
