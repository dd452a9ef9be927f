package io.forecaster.training.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.model.HyperParams;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.Scaling;
import io.forecaster.model.engine.Engines;
import io.forecaster.training.engine.Dl4jEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tests for {@link KerasImporter} on the TF.js layers fixture, against TF.js's own outputs. */
class TfjsImportTest {

    private static final Logger LOG = LoggerFactory.getLogger(TfjsImportTest.class);

    private static KerasImporter.Imported imported;

    @BeforeAll
    static void importFixture() throws Exception {
        imported =
                KerasImporter.importModel(
                        KerasFixtures.tfjsModel(), KerasImporter.Options.DEFAULTS);
    }

    @Test
    void readsTheCourseArchitecture() {
        assertThat(imported.model().format()).isEqualTo("tfjs-layers");
        assertThat(imported.model().layers())
                .extracting(KerasLayer::className)
                .containsExactly("Conv1D", "LSTM", "LSTM", "Dense", "Dense", "Dense", "Lambda");
        assertThat(imported.bundle().metadata().hyperParams()).isEqualTo(HyperParams.SEED);
        assertThat(imported.bundle().params()).hasSize(60_319);
    }

    @ParameterizedTest
    @ValueSource(strings = {Dl4jEngine.NAME, Engines.FAST})
    void engineOutputsEqualTensorFlowJsReferenceOutputs(String engine) {
        KerasFixtures.Diff diff = KerasFixtures.compareEngine(engine, imported.bundle());
        LOG.info("TF.js import, {} engine vs TF.js: {}", engine, diff);
        KerasFixtures.assertMatchesReference(diff);
    }

    @Test
    void bundleRecordsSourceAndScalingAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        ModelBundle bundle = imported.bundle();
        assertThat(bundle.metadata().source())
                .contains("tfjs-layers")
                .contains(KerasFixtures.tfjsModel().getFileName().toString())
                .containsPattern("sha256 [0-9a-f]{64} with its 2 weight files")
                .contains("x * 400");
        assertThat(bundle.metadata().hyperParams().outputScale()).isEqualTo(400.0);
        assertThat(bundle.metadata().scaling()).isEqualTo(Scaling.IDENTITY);
        assertThat(bundle.metadata().modelId()).isEqualTo("tfjs");

        Path file = dir.resolve("imported.zip");
        bundle.save(file);
        ModelBundle loaded = ModelBundle.load(file);
        assertThat(loaded.params()).containsExactly(bundle.params());
        assertThat(loaded.metadata().source()).isEqualTo(bundle.metadata().source());
    }

    @Test
    void lambdaScaleThatDisagreesWithTheLambdaSourceIsRefused() {
        // The TF.js fixture's Lambda is readable source text ("x * 400"): another factor is
        // refused,
        // so the option cannot silently disagree with the model.
        assertThatThrownBy(
                        () ->
                                KerasImporter.importModel(
                                        KerasFixtures.tfjsModel(),
                                        KerasImporter.Options.DEFAULTS.withLambdaScale(300)))
                .isInstanceOf(UnsupportedKerasModelException.class)
                .hasMessageContaining("'lambda' (Lambda)")
                .hasMessageContaining("400")
                .hasMessageContaining("--lambda-scale 400");
    }
}
