package io.forecaster.training.fast;

import io.forecaster.model.HyperParams;
import io.forecaster.model.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trains the seed architecture (Conv1D → LSTM → LSTM → Dense → Dense → Dense × scale,
 * sequence-to-sequence) without DL4J: forward and full backward through time over each batch of
 * windows in plain Java on the Vector API ({@link Ops}), then one optimiser step, on weights held
 * in DL4J's flat parameter order (so they load into every engine as a bundle's {@code params.f32}).
 *
 * <p>It does what DL4J's {@code MultiLayerNetwork.fit} does with the trainer's configuration: the
 * Huber loss summed over the window's steps and averaged over the batch (that mean is {@link
 * #fit}'s result, DL4J's score), its gradient divided by the batch size, and DL4J's update rules
 * for {@link Rule#ADAM} (β1 0.9, β2 0.999, ε 1e-8, bias-corrected step size), {@link
 * Rule#NESTEROVS} and {@link Rule#SGD}; the learning rate of epoch e is {@code lr × decay^e}.
 *
 * <p>With {@code threads > 1} each batch is split into that many slices of rows, one per thread,
 * and their gradients summed (the same result up to float rounding).
 */
public final class FastFitter implements AutoCloseable {

    /** The update rules, as DL4J's Adam, Nesterovs and Sgd updaters apply them. */
    public enum Rule {
        ADAM,
        NESTEROVS,
        SGD
    }

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final Packing packing;
    private final int window;
    private final Rule rule;
    private final double learningRate;
    private final double momentum;
    private final double lrDecay;
    private final double huberDelta;
    private final float[] params;
    private final float[] packed;
    private final float[] transposed;
    private final float[] grad;
    private final float[] m1; // Adam's first moment, or the momentum's velocity
    private final float[] m2; // Adam's second moment
    private final Worker[] workers;
    private final ExecutorService pool;
    private long iteration;
    private int epoch;

    /**
     * @param hp the architecture (the seed's layers; sizes and output scale from {@code hp})
     * @param initial initial weights in DL4J's flat order
     * @param window input steps W
     * @param maxBatch the largest batch {@link #fit} will see
     * @param rule the update rule
     * @param learningRate learning rate of epoch 0
     * @param momentum momentum of {@link Rule#NESTEROVS}
     * @param lrDecay learning-rate factor per epoch (1 = constant)
     * @param huberDelta the Huber loss' delta
     * @param threads threads to split each batch over
     */
    public FastFitter(
            HyperParams hp,
            float[] initial,
            int window,
            int maxBatch,
            Rule rule,
            double learningRate,
            double momentum,
            double lrDecay,
            double huberDelta,
            int threads) {
        this(
                hp,
                initial,
                window,
                maxBatch,
                rule,
                learningRate,
                momentum,
                lrDecay,
                huberDelta,
                threads,
                Target.LEVEL);
    }

    /**
     * As above, for a network trained on {@code target}: with {@link Target#CHANGE} the label of
     * step t is point t+1 minus point t (what the bundle adds back to the last input); with {@link
     * Target#DIFFERENCES} the input of step t is point t minus point t-1 too (0 at the first step).
     */
    public FastFitter(
            HyperParams hp,
            float[] initial,
            int window,
            int maxBatch,
            Rule rule,
            double learningRate,
            double momentum,
            double lrDecay,
            double huberDelta,
            int threads,
            Target target) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.packing = new Packing(hp);
        if (initial.length != packing.parameters) {
            throw new IllegalArgumentException(
                    "expected " + packing.parameters + " parameters, got " + initial.length);
        }
        this.window = window;
        this.rule = rule;
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.lrDecay = lrDecay;
        this.huberDelta = huberDelta;
        this.params = initial.clone();
        this.packed = new float[packing.size];
        this.transposed = new float[packing.sizeT];
        this.grad = new float[packing.parameters];
        this.m1 = new float[packing.parameters];
        this.m2 = new float[packing.parameters];
        int n = Math.min(threads, maxBatch);
        int rows = (maxBatch + n - 1) / n;
        this.workers = new Worker[n];
        for (int i = 0; i < n; i++) {
            workers[i] =
                    new Worker(
                            packing,
                            window,
                            rows,
                            target.forecastsChange(),
                            target.differencedInputs());
        }
        this.pool =
                n == 1
                        ? null
                        : Executors.newFixedThreadPool(
                                n - 1,
                                r -> {
                                    Thread t = new Thread(r, "fast-trainer");
                                    t.setDaemon(true);
                                    return t;
                                });
        packing.pack(params, packed, transposed);
    }

    /** Whether the Vector API module is present (the fast trainer needs it). */
    public static boolean available() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The learning rate of the current epoch. */
    public double learningRate() {
        return learningRate * Math.pow(lrDecay, epoch);
    }

    /** Ends an epoch: the learning-rate schedule moves on. */
    public void endEpoch() {
        epoch++;
    }

    /** The current weights in DL4J's flat order (a copy). */
    public float[] params() {
        return params.clone();
    }

    /**
     * The loss (summed over steps, averaged over the batch) and its gradient averaged over the
     * batch, in DL4J's flat order into {@code out}, for the first {@code n} windows; no update.
     */
    public double gradient(float[][] windows, int n, float[] out) {
        double loss = lossAndGradient(windows, n);
        System.arraycopy(grad, 0, out, 0, grad.length);
        return loss;
    }

    /** One optimiser step on the first {@code n} windows; returns the loss before the step. */
    public double fit(float[][] windows, int n) {
        double loss = lossAndGradient(windows, n);
        update();
        packing.pack(params, packed, transposed);
        iteration++;
        return loss;
    }

    private double lossAndGradient(float[][] windows, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("empty batch");
        }
        for (int i = 0; i < n; i++) {
            if (windows[i].length != window + 1) {
                throw new IllegalArgumentException(
                        "window of " + windows[i].length + " points, expected " + (window + 1));
            }
        }
        int slices = Math.min(workers.length, n);
        double scale = 1.0 / n;
        List<Future<?>> pending = new ArrayList<>();
        for (int i = 1; i < slices; i++) {
            Worker w = workers[i];
            int from = i * n / slices;
            int to = (i + 1) * n / slices;
            pending.add(pool.submit(() -> run(w, windows, from, to, scale)));
        }
        run(workers[0], windows, 0, n / slices, scale);
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("fast trainer failed", e.getCause());
            }
        }
        double loss = workers[0].loss;
        float[] sum = workers[0].grad;
        for (int i = 1; i < slices; i++) {
            loss += workers[i].loss;
            float[] g = workers[i].grad;
            for (int j = 0; j < sum.length; j++) {
                sum[j] += g[j];
            }
        }
        packing.unpack(sum, grad);
        return loss / n;
    }

    private void run(Worker w, float[][] windows, int from, int to, double scale) {
        w.clear();
        w.run(windows, from, to, packed, transposed, huberDelta, scale);
    }

    private void update() {
        double lr = learningRate();
        float[] p = params;
        float[] g = grad;
        switch (rule) {
            case ADAM -> {
                long t = iteration + 1;
                double alpha = lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
                float b1 = (float) BETA1;
                float b2 = (float) BETA2;
                float a = (float) alpha;
                float eps = (float) EPSILON;
                for (int i = 0; i < p.length; i++) {
                    float gi = g[i];
                    float m = b1 * m1[i] + (1 - b1) * gi;
                    float v = b2 * m2[i] + (1 - b2) * gi * gi;
                    m1[i] = m;
                    m2[i] = v;
                    p[i] -= a * m / ((float) Math.sqrt(v) + eps);
                }
            }
            case NESTEROVS -> {
                float mu = (float) momentum;
                float l = (float) lr;
                for (int i = 0; i < p.length; i++) {
                    float prev = m1[i];
                    float v = mu * prev - l * g[i];
                    m1[i] = v;
                    p[i] -= mu * prev - (1 + mu) * v;
                }
            }
            case SGD -> {
                float l = (float) lr;
                for (int i = 0; i < p.length; i++) {
                    p[i] -= l * g[i];
                }
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
