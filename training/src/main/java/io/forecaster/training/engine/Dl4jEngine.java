package io.forecaster.training.engine;

import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.EngineProvider;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.Stepper;

/**
 * The {@value #NAME} engine: the reference, DL4J's own network on the bundle's weights. Registered
 * through {@link java.util.ServiceLoader}, so it is there wherever this module (and DL4J) is on the
 * classpath, and the runtime model never names it.
 */
public final class Dl4jEngine implements EngineProvider {

    /** The engine's name. */
    public static final String NAME = "dl4j";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Predictor predictor(ModelBundle bundle) {
        Engines.requireParams(bundle, NAME);
        Nd4jRuntime.init();
        return new Dl4jPredictor(bundle);
    }

    @Override
    public Stepper stepper(ModelBundle bundle) {
        Engines.requireParams(bundle, NAME);
        Nd4jRuntime.init();
        return new Dl4jStepper(bundle);
    }
}
