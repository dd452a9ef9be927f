package io.forecaster.model.engine;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.Target;

/**
 * The fast engine's stepper: keys in tiles of {@link FastNetwork#TILE}; each key's state is copied
 * into the tile, advanced one step and copied back into the same arrays (no allocation). One
 * instance per thread.
 */
final class FastStepper implements Stepper {

    private final FastNetwork net;
    private final HyperParams hp;
    private final Scaling scaling;
    private final Target target;

    FastStepper(ModelBundle bundle, Kernel kernel) {
        this.net = new FastNetwork(bundle, kernel);
        this.hp = bundle.metadata().hyperParams();
        this.scaling = bundle.metadata().scaling();
        this.target = bundle.metadata().target();
    }

    /** The kernel's name ("vector512", "scalar", ...). */
    String kernel() {
        return net.kernel.name();
    }

    @Override
    public StepState newState() {
        return StepState.zero(hp.kernelSize(), hp.lstm1Units(), hp.lstm2Units());
    }

    @Override
    public void step(StepState[] states, float[] points, int n, float[] out) {
        Engines.checkStep(states, points, n, out);
        FastWeights w = net.w;
        int k = w.kernel;
        int u1 = hp.lstm1Units();
        int u2 = hp.lstm2Units();
        for (int i0 = 0; i0 < n; i0 += FastNetwork.TILE) {
            int rows = Math.min(FastNetwork.TILE, n - i0);
            for (int r = 0; r < rows; r++) {
                StepState s = states[i0 + r];
                Engines.checkState(s, hp, i0 + r);
                System.arraycopy(s.conv, 0, net.convIn, r * k, k - 1);
                net.convIn[r * k + k - 1] =
                        target.input(scaling, points[i0 + r], s.last, s.steps > 0);
                System.arraycopy(s.h1, 0, net.xh1, r * w.k1 + w.filters, u1);
                System.arraycopy(s.c1, 0, net.c1, r * w.units1, u1);
                System.arraycopy(s.h2, 0, net.xh2, r * w.k2 + w.units1, u2);
                System.arraycopy(s.c2, 0, net.c2, r * w.units2, u2);
            }
            net.step(rows);
            for (int r = 0; r < rows; r++) {
                StepState s = states[i0 + r];
                System.arraycopy(net.convIn, r * k + 1, s.conv, 0, k - 1);
                System.arraycopy(net.h1, r * w.units1, s.h1, 0, u1);
                System.arraycopy(net.c1, r * w.units1, s.c1, 0, u1);
                System.arraycopy(net.h2, r * w.units2, s.h2, 0, u2);
                System.arraycopy(net.c2, r * w.units2, s.c2, 0, u2);
                s.steps++;
                s.last = points[i0 + r];
                out[i0 + r] = (float) target.toRaw(scaling, net.y[r], points[i0 + r]);
            }
        }
    }

    @Override
    public void close() {}
}
