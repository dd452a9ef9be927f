package io.forecaster.model.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key's recurrent state for stateful stepping: the last {@code kernelSize - 1} inputs the
 * causal convolution needs (model scale, oldest first) and both LSTMs' hidden and cell vectors. A
 * Flink POJO (public no-arg constructor, public fields of primitive arrays), so Flink serialises it
 * without Kryo. A fresh state (see {@link #zero}) equals the zero state a sequence starts from.
 */
public final class StepState {

    /** The last kernelSize-1 model-scale inputs, oldest first (zeros before the first point). */
    public float[] conv;

    public float[] h1;
    public float[] c1;
    public float[] h2;
    public float[] c2;

    /** Number of steps taken from the zero state. */
    public long steps;

    /**
     * The raw point of the last step (meaningful once {@link #steps} is above 0): networks that see
     * changes ({@code Target.DIFFERENCES}) take their next input from it.
     */
    public float last;

    public StepState() {}

    /** The zero state for a network with these sizes. */
    public static StepState zero(int kernelSize, int lstm1Units, int lstm2Units) {
        StepState s = new StepState();
        s.conv = new float[kernelSize - 1];
        s.h1 = new float[lstm1Units];
        s.c1 = new float[lstm1Units];
        s.h2 = new float[lstm2Units];
        s.c2 = new float[lstm2Units];
        return s;
    }

    /** Makes this state equal to {@code other}, reusing this state's arrays when sizes agree. */
    public StepState copyFrom(StepState other) {
        conv = copy(other.conv, conv);
        h1 = copy(other.h1, h1);
        c1 = copy(other.c1, c1);
        h2 = copy(other.h2, h2);
        c2 = copy(other.c2, c2);
        steps = other.steps;
        last = other.last;
        return this;
    }

    private static float[] copy(float[] from, float[] to) {
        if (to == null || to.length != from.length) {
            return from.clone();
        }
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepState s
                && steps == s.steps
                && Float.compare(last, s.last) == 0
                && Arrays.equals(conv, s.conv)
                && Arrays.equals(h1, s.h1)
                && Arrays.equals(c1, s.c1)
                && Arrays.equals(h2, s.h2)
                && Arrays.equals(c2, s.c2);
    }

    @Override
    public int hashCode() {
        return Objects.hash(steps, Arrays.hashCode(conv), Arrays.hashCode(h1));
    }
}
