package io.forecaster.model.engine;

/**
 * The arithmetic of the fast engine over a tile of rows (windows or keys). Two implementations:
 * {@code VectorKernel} (the Vector API, loaded only when {@code jdk.incubator.vector} is present)
 * and {@link ScalarKernel}. Both read the weights in the layout {@link FastWeights} packs for
 * {@link #lanes()}.
 */
interface Kernel {

    /**
     * Units are packed in chunks of this many lanes (the LSTM and dense widths are padded to it).
     */
    int lanes();

    /**
     * Whether {@link #lstm} reads the LSTM weights chunk-major ({@code [units/lanes][k][4
     * gates][lanes]}) rather than row-major ({@code [k][units/lanes][4][lanes]}); see {@link
     * FastWeights}.
     */
    boolean chunkMajor();

    /**
     * One LSTM step for {@code rows} rows: gates = b + [x, h] W, then c and h updated.
     *
     * @param xh {@code [rows][k]}: each row's input followed by its previous h
     * @param k input width plus padded units
     * @param w {@code [k][units/lanes][4 gates i,f,g,o][lanes]} (or chunk-major, see {@link
     *     #chunkMajor()})
     * @param b {@code [units/lanes][4][lanes]}
     * @param units padded units (multiple of {@link #lanes()})
     * @param c {@code [rows][units]} cell state, updated in place
     * @param h {@code [rows][units]} receives the new hidden state
     */
    void lstm(float[] xh, int rows, int k, float[] w, float[] b, int units, float[] c, float[] h);

    /**
     * Whether {@link #project} and {@link #recur} are implemented: a window's input projections
     * computed for all its steps as one product, leaving only the recurrent part per step.
     */
    default boolean projects() {
        return false;
    }

    /**
     * An LSTM's input projections for {@code rows} rows at once: pre = b + x W[0, nIn), the gate
     * columns in the packed order of {@code b}.
     *
     * @param x {@code [rows][nIn]}
     * @param k rows of {@code w} per chunk: nIn plus padded units
     * @param pre {@code [rows][4 units]} receives the pre-activations
     */
    default void project(
            float[] x, int rows, int nIn, int k, float[] w, float[] b, int units, float[] pre) {
        throw new UnsupportedOperationException(name() + " does not project");
    }

    /**
     * The recurrent part of one LSTM step for {@code rows} rows: gates = pre + h W[nIn, k), then c
     * and h updated.
     *
     * @param pre {@code [rows][4 units]} from {@code preOff}: the step's input projections
     * @param hp {@code [rows][units]} from {@code hpOff}: the previous h
     * @param c {@code [rows][units]} cell state, updated in place
     * @param h {@code [rows][units]} from {@code hOff} receives the new h (not overlapping hp)
     * @param backward the chunks of units in reverse order (the same result): alternated from step
     *     to step, the weights the previous step read last are read first, while still in L1
     */
    default void recur(
            float[] pre,
            int preOff,
            float[] hp,
            int hpOff,
            int rows,
            int nIn,
            int k,
            float[] w,
            int units,
            float[] c,
            float[] h,
            int hOff,
            boolean backward) {
        throw new UnsupportedOperationException(name() + " does not project");
    }

    /**
     * A dense layer: out = act(b + in W).
     *
     * @param in {@code [rows][k]}
     * @param w {@code [k][n]}, n a multiple of {@link #lanes()}
     * @param b {@code [n]}
     * @param relu relu activation if true, identity otherwise
     * @param out {@code [rows][n]}
     */
    void dense(float[] in, int rows, int k, float[] w, float[] b, int n, boolean relu, float[] out);

    /** A short name for logs and benchmarks. */
    String name();
}
