package io.forecaster.model.engine;

import io.forecaster.model.ModelBundle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Tests for the {@code dl4j} engine against the independent PyTorch implementation. */
class Dl4jGoldenTest {

    @ParameterizedTest
    @FieldSource("io.forecaster.model.engine.Golden#NAMES")
    void dl4jMatchesPyTorch(String name) {
        Golden golden = Golden.load(name);
        ModelBundle bundle = golden.loadBundle();
        try (Predictor p = Engines.open("dl4j", bundle)) {
            for (Golden.Case c : golden.cases()) {
                float[] out = new float[c.batch() * c.length()];
                p.predict(c.inputs(), c.batch(), c.length(), out);
                Outputs.assertClose(
                        out,
                        c.outputs(),
                        out.length,
                        name + " batch " + c.batch() + " length " + c.length());
            }
        }
    }
}
