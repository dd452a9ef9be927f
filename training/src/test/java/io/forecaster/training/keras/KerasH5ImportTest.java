package io.forecaster.training.keras;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.model.HyperParams;
import io.forecaster.model.engine.Engines;
import io.forecaster.training.engine.Dl4jEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link KerasImporter} on the Keras 2 HDF5 fixture (written by tools/h5). */
class KerasH5ImportTest {

    private static KerasImporter.Imported h5;

    @BeforeAll
    static void importFixture() throws Exception {
        h5 = KerasImporter.importModel(KerasFixtures.h5Model(), KerasImporter.Options.DEFAULTS);
    }

    @Test
    void readsTheCourseArchitectureWithItsInputLayerAndLambda() {
        assertThat(h5.model().format()).isEqualTo("keras-h5");
        assertThat(h5.model().kerasVersion()).startsWith("2.");
        assertThat(h5.model().layers())
                .extracting(KerasLayer::className)
                .containsExactly(
                        "InputLayer",
                        "Conv1D",
                        "LSTM",
                        "LSTM",
                        "Dense",
                        "Dense",
                        "Dense",
                        "Lambda");
        assertThat(h5.model().layers().get(2).weights().get("kernel").name())
                .as("LSTM weights nest under lstm_cell, as tf.keras 2.x names them")
                .contains("lstm_cell");
        assertThat(h5.bundle().metadata().hyperParams()).isEqualTo(HyperParams.SEED);
        assertThat(h5.bundle().metadata().source()).contains("keras-h5").contains("x * 400");
        // a Keras model's output is the next value: the import keeps it plain
        assertThat(h5.bundle().metadata().target()).isEqualTo(io.forecaster.model.Target.LEVEL);
    }

    @Test
    void givesTheSameNetworkAsTheTfjsFile() throws Exception {
        KerasImporter.Imported tfjs =
                KerasImporter.importModel(
                        KerasFixtures.tfjsModel(), KerasImporter.Options.DEFAULTS);
        assertThat(h5.bundle().params()).containsExactly(tfjs.bundle().params());
        assertThat(h5.bundle().metadata().hyperParams())
                .isEqualTo(tfjs.bundle().metadata().hyperParams());
    }

    @ParameterizedTest
    @ValueSource(strings = {Dl4jEngine.NAME, Engines.FAST})
    void engineOutputsEqualTensorFlowJsReferenceOutputs(String engine) {
        KerasFixtures.assertMatchesReference(KerasFixtures.compareEngine(engine, h5.bundle()));
    }
}
