package io.forecaster.training.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Receives training progress (e.g. a console display, or a checkpoint writer). */
public interface TrainingListener {

    /** Called after each epoch, with the network's current weights. */
    void onEpoch(EpochStats stats, MultiLayerNetwork net);

    /** A listener that ignores everything. */
    TrainingListener NONE = (stats, net) -> {};
}
