import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.nio.file.Path;

/** Opens the fast engine on a bundle, predicts and steps; anything the JVM warns goes to stderr. */
public class EngineCheck {
    public static void main(String[] args) throws Exception {
        ModelBundle bundle = ModelBundle.load(Path.of(args[0]));
        int batch = 64, length = 60, horizon = 10;
        float[] w = new float[batch * length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (100 + 80 * Math.sin(i * 0.05));
        }
        float[] out = new float[w.length];
        float[] ahead = new float[batch * horizon];
        double sum = 0;
        try (Predictor p = Engines.open(Engines.FAST, bundle)) {
            for (int rep = 0; rep < 200; rep++) { // long enough for C2 to compile the kernel
                p.forecast(w, batch, length, horizon, out, ahead);
            }
            for (float v : ahead) sum += v;
        }
        try (Stepper s = Engines.openStepper(Engines.FAST, bundle)) {
            StepState[] st = {s.newState(), s.newState()};
            float[] y = new float[2];
            for (int t = 0; t < length; t++) {
                s.step(st, new float[] {w[t], w[length + t]}, 2, y);
            }
            sum += y[0] + y[1];
        }
        System.out.println("java " + System.getProperty("java.version") + ": fast engine ok, checksum " + sum);
    }
}
