package io.forecaster.training.train;

import io.forecaster.training.fast.FastFitter;
import java.util.Locale;

/** What computes the forward and backward passes of window training. */
public enum Backend {
    /** DL4J's {@code MultiLayerNetwork.fit}. */
    DL4J,
    /**
     * The fast trainer ({@link FastFitter}): the same loss, gradients and update rules in plain
     * Java on the Vector API; Adam and SGD (with or without momentum) only.
     */
    FAST;

    /** Whether this backend can train with {@code optimizer}. */
    public boolean supports(Optimizer optimizer) {
        return this == DL4J || optimizer == Optimizer.ADAM || optimizer == Optimizer.SGD;
    }

    /**
     * The default for {@code optimizer}: the fast trainer when it supports it and the Vector API
     * module is present, else DL4J.
     */
    public static Backend defaultFor(Optimizer optimizer) {
        return FAST.supports(optimizer) && FastFitter.available() ? FAST : DL4J;
    }

    /** Parses "fast" or "dl4j"; the error lists the choices. */
    public static Backend parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "unknown trainer '" + name + "'; choose fast or dl4j");
        }
    }
}
