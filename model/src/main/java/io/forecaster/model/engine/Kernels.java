package io.forecaster.model.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the fast engine's kernel: the Vector API one when {@code jdk.incubator.vector} is in the
 * boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector}), the scalar one
 * otherwise or when {@code -Dforecaster.engine.kernel=scalar} asks for it.
 */
final class Kernels {

    static final String MODULE = "jdk.incubator.vector";
    static final String PROPERTY = "forecaster.engine.kernel";
    private static final String VECTOR_CLASS = "io.forecaster.model.engine.VectorKernel";
    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);
    private static volatile boolean logged;

    private Kernels() {}

    /** Whether the Vector API module is present in this JVM. */
    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** The best kernel this JVM can run. */
    static Kernel best() {
        String forced = System.getProperty(PROPERTY, "");
        Kernel k;
        if (forced.equals("scalar") || !vectorModulePresent()) {
            k = new ScalarKernel();
        } else {
            k = vector();
        }
        if (!logged) {
            logged = true;
            LOG.info(
                    "fast engine kernel: {} ({} {})",
                    k.name(),
                    MODULE,
                    vectorModulePresent() ? "present" : "absent: add --add-modules " + MODULE);
        }
        return k;
    }

    /** The Vector API kernel; fails if the module is absent. */
    static Kernel vector() {
        if (!vectorModulePresent()) {
            throw new IllegalStateException(
                    "the vector kernel needs the JVM option --add-modules " + MODULE);
        }
        try {
            return (Kernel) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load " + VECTOR_CLASS, e);
        }
    }
}
