import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Predictions of two model jars' fast engines on the same windows, compared bit for bit. */
public class Same {
    public static void main(String[] args) throws Exception {
        Object[] p = new Object[2];
        java.lang.reflect.Method[] m = new java.lang.reflect.Method[2];
        for (int v = 0; v < 2; v++) {
            ClassLoader cl = new URLClassLoader(new URL[] {Path.of(args[v]).toUri().toURL()}, Same.class.getClassLoader());
            Class<?> bc = Class.forName("io.forecaster.model.ModelBundle", true, cl);
            Class<?> ec = Class.forName("io.forecaster.model.engine.Engines", true, cl);
            Object bundle = bc.getMethod("load", Path.class).invoke(null, Path.of("models/sunspots.zip"));
            p[v] = ec.getMethod("open", String.class, bc).invoke(null, "fast", bundle);
            m[v] = Class.forName("io.forecaster.model.engine.Predictor", true, cl)
                    .getMethod("predict", float[].class, int.class, int.class, float[].class);
        }
        Random r = new Random(7);
        int cases = 0;
        for (int batch : new int[] {1, 3, 4, 5, 16, 37, 128, 1024}) {
            for (int len : new int[] {1, 7, 30, 60, 120}) {
                float[] w = new float[batch * len];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) Math.max(0, 80 + 60 * r.nextGaussian());
                }
                float[] a = new float[batch * len];
                float[] b = new float[batch * len];
                m[0].invoke(p[0], w, batch, len, a);
                m[1].invoke(p[1], w, batch, len, b);
                if (!Arrays.equals(a, b)) {
                    throw new AssertionError("differ at batch " + batch + " length " + len);
                }
                cases++;
            }
        }
        System.out.println(cases + " shapes: identical to the bit");
    }
}
