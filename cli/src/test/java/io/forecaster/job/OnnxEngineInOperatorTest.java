package io.forecaster.job;

import static io.forecaster.job.BatchedInferenceOperatorTest.BEGINNING;
import static io.forecaster.job.BatchedInferenceOperatorTest.MINUTE;
import static io.forecaster.job.BatchedInferenceOperatorTest.W;
import static io.forecaster.job.BatchedInferenceOperatorTest.assertPredictions;
import static io.forecaster.job.BatchedInferenceOperatorTest.feed;
import static io.forecaster.job.BatchedInferenceOperatorTest.harness;
import static io.forecaster.job.BatchedInferenceOperatorTest.interleave;
import static io.forecaster.job.BatchedInferenceOperatorTest.steps;
import static io.forecaster.job.BatchedInferenceOperatorTest.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.Forecast;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.onnx.OnnxFixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's {@link BatchedInferenceOperator} with engine {@code onnx} on the ONNX export of the
 * sunspots model gives the forecasts the {@code fast} engine computes offline on the params bundle,
 * in window and stateful mode. Lives in the cli module, which has both the job and the onnx module
 * on its class path (the job does not depend on onnx).
 */
class OnnxEngineInOperatorTest {

    @TempDir static Path dir;

    static ForecastOptions options(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("model.path", OnnxFixtures.copy("/onnx/sunspots-onnx.zip", dir).toString());
        m.put("engine", Engines.ONNX);
        m.put("window.size", String.valueOf(W));
        m.put("inference.batch-size", "3");
        m.put("inference.max-delay", "1 h");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return ForecastOptions.fromMap(m);
    }

    static float[] offlineFast(double... window) {
        float[] in = new float[window.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) window[i];
        }
        try (Predictor p = Engines.open(Engines.FAST, OnnxFixtures.params("sunspots"))) {
            return p.predict(new float[][] {in})[0];
        }
    }

    @Test
    void windowModeForecastsEqualTheFastEngine() throws Exception {
        ModelInput a = window("VAL", 4, 100, 120, 90, 110);
        ModelInput b = window("BEL", 4, 10, 12, 9, 11);
        ModelInput c = window("VAL", 5, 120, 90, 110, 130);
        try (var h = harness(options())) {
            h.open();
            feed(h, a, b, c);
            h.endInput(); // c waits in the next batch: a key's windows are never batched together
            List<Forecast> out = h.extractOutputValues();
            assertThat(out).extracting(Forecast::sensorId).containsExactly("VAL", "BEL", "VAL");
            assertThat(out).allSatisfy(f -> assertThat(f.modelId()).isEqualTo("sunspots"));
            assertPredictions(out.get(0), offlineFast(a.values));
            assertPredictions(out.get(1), offlineFast(b.values));
            assertPredictions(out.get(2), offlineFast(c.values));
        }
    }

    @Test
    void statefulModeForecastsEqualTheFastEngineOverTheWholeSeries() throws Exception {
        double[] val = {30, 50, 40, 60, 80, 70, 90};
        double[] bel = {200, 180, 210, 190, 220, 230};
        try (var h =
                harness(
                        options("mode", "stateful", "window.slide", "2"),
                        new HashMapStateBackend())) {
            h.open();
            feed(h, interleave(steps("VAL", 1, val), steps("BEL", 1, bel)));
            h.endInput();

            List<Forecast> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(f -> f.sensorId() + "@" + (f.windowEnd() - BEGINNING) / MINUTE)
                    .containsExactlyInAnyOrder("VAL@4", "BEL@4", "VAL@6", "BEL@6");
            float[] valSeq = offlineFast(val);
            float[] belSeq = offlineFast(bel);
            for (Forecast f : out) {
                int end = (int) ((f.windowEnd() - BEGINNING) / MINUTE);
                float[] series = f.sensorId().equals("VAL") ? valSeq : belSeq;
                assertPredictions(f, Arrays.copyOfRange(series, end - W, end));
                assertThat(f.mode()).isEqualTo("stateful");
            }
        }
    }
}
