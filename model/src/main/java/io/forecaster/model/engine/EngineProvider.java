package io.forecaster.model.engine;

import io.forecaster.model.ModelBundle;

/**
 * An inference engine other than the built-in {@value Engines#FAST} one, found through {@link
 * java.util.ServiceLoader}: a module that offers an engine lists its provider in {@code
 * META-INF/services/io.forecaster.model.engine.EngineProvider}, and {@link Engines} opens it by
 * {@link #name()} when that module is on the classpath.
 */
public interface EngineProvider {

    /** The name users select the engine by ({@code inference.engine}, {@code --engine}). */
    String name();

    /** A predictor for the bundle's network; the caller closes it. */
    Predictor predictor(ModelBundle bundle);

    /** A stepper for the bundle's network; the caller closes it. */
    Stepper stepper(ModelBundle bundle);
}
