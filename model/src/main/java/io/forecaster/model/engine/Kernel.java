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
