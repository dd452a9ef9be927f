package io.forecaster.training.train;

import java.util.Locale;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ISchedule;

/** The optimisers training can use, each as a DL4J updater driven by a learning-rate schedule. */
public enum Optimizer {
    /** SGD with momentum 0.9 (the course's); DL4J's momentum updater is Nesterov's. */
    SGD {
        @Override
        IUpdater updater(ISchedule lr, double momentum) {
            return momentum > 0 ? new Nesterovs(lr, momentum) : new Sgd(lr);
        }
    },
    ADAM {
        @Override
        IUpdater updater(ISchedule lr, double momentum) {
            return new Adam(lr);
        }
    },
    NADAM {
        @Override
        IUpdater updater(ISchedule lr, double momentum) {
            return new Nadam(lr);
        }
    },
    RMSPROP {
        @Override
        IUpdater updater(ISchedule lr, double momentum) {
            RmsProp r = new RmsProp();
            r.setLearningRateSchedule(lr);
            return r;
        }
    };

    abstract IUpdater updater(ISchedule lr, double momentum);

    /**
     * Whether the step size scales with the gradient's magnitude. DL4J sums a sequence loss over
     * time steps where Keras averages, so these optimisers get the learning rate divided by the
     * window length to keep the course's learning rates meaning what they mean in Keras.
     */
    boolean gradientScaled() {
        return this == SGD;
    }

    /** Parses a name such as "adam" or "SGD"; the error lists the choices. */
    public static Optimizer parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "unknown optimiser '"
                            + name
                            + "'; choose one of "
                            + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }
}
