package io.forecaster.job;

import static io.forecaster.job.BatchedInferenceOperatorTest.ENGINE;
import static io.forecaster.job.BatchedInferenceOperatorTest.TOLERANCE;
import static io.forecaster.job.BatchedInferenceOperatorTest.W;
import static io.forecaster.job.BatchedInferenceOperatorTest.feed;
import static io.forecaster.job.BatchedInferenceOperatorTest.harness;
import static io.forecaster.job.BatchedInferenceOperatorTest.minute;
import static io.forecaster.job.BatchedInferenceOperatorTest.steps;
import static io.forecaster.job.BatchedInferenceOperatorTest.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.DeadLetterReasons;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.connectors.wire.PointFormat;
import io.forecaster.connectors.wire.PointParser;
import io.forecaster.model.ModelBundle;
import io.forecaster.model.engine.Engines;
import io.forecaster.model.engine.Predictor;
import io.forecaster.model.engine.StepState;
import io.forecaster.model.engine.Stepper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.stream.IntStream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that {@link BatchedInferenceOperator} emits no non-finite forecast: what overflows inside
 * the network is dead-lettered, and a stateful key whose state overflowed starts afresh.
 */
@SuppressWarnings("try") // the harness close() declares InterruptedException
class NonFiniteOutputTest {

    /** Finite float32 values, extreme enough to overflow inside the narrow test model. */
    static final double[] EXTREME = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, 3};

    @TempDir static Path dir;
    static ModelBundle bundle;
    static Path file;

    @BeforeAll
    static void writeModel() throws Exception {
        bundle = TestModels.narrowBundle();
        file = Files.createTempFile(dir, "narrow", ".zip");
        bundle.save(file);
    }

    static ForecastOptions options(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        m.put("model.path", file.toString());
        m.put("engine", ENGINE);
        m.put("window.size", String.valueOf(W));
        m.put("inference.batch-size", "3");
        m.put("inference.max-delay", "1 h");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return ForecastOptions.fromMap(m);
    }

    /** The narrow model run offline over one window from the zero state. */
    static float[] offline(double... window) {
        float[] in = new float[window.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) window[i];
        }
        try (Predictor p = Engines.open(ENGINE, bundle)) {
            return p.predict(new float[][] {in})[0];
        }
    }

    static void assertPredictions(Forecast f, float[] expected) {
        assertThat(f.predictions()).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(f.predictions()[i])
                    .as("%s step %d", f.sensorId(), i)
                    .isCloseTo(
                            expected[i], within((double) TOLERANCE * (1 + Math.abs(expected[i]))));
        }
    }

    @Test
    void windowModeDeadLettersAForecastThatIsNotFiniteAndEmitsTheOthers() throws Exception {
        float[] offline = offline(EXTREME);
        assertThat(IntStream.range(0, W).anyMatch(i -> !Float.isFinite(offline[i])))
                .as("test data: the model overflows on this window offline")
                .isTrue();
        try (var h = harness(options())) {
            h.open();
            feed(
                    h,
                    window("VAL", 4, 1, 2, 3, 4),
                    window("EXT", 4, EXTREME),
                    window("BEL", 4, 5, 6, 7, 8));
            h.endInput();

            List<Forecast> out = h.extractOutputValues();
            assertThat(out).extracting(Forecast::sensorId).containsExactly("VAL", "BEL");
            assertPredictions(out.get(0), offline(1, 2, 3, 4));
            assertPredictions(out.get(1), offline(5, 6, 7, 8));

            List<DeadLetter> letters =
                    letters(h.getSideOutput(BatchedInferenceOperator.NON_FINITE));
            assertThat(letters).hasSize(1);
            DeadLetter d = letters.get(0);
            assertThat(d.reason()).isEqualTo(DeadLetterReasons.NON_FINITE_OUTPUT);
            assertThat(d.key()).isEqualTo("EXT");
            assertThat(d.detail())
                    .contains("EXT", "not finite", "-3.4028235E38", "3.4028235E38")
                    .doesNotContain("Exception");
            // the window's newest point, re-encoded like a late point's
            assertThat(point(d)).isEqualTo(new SensorPoint("EXT", minute(4), 3));
            var op = (BatchedInferenceOperator) h.getOperator();
            assertThat(op.forecastsEmitted.getCount()).isEqualTo(2);
        }
    }

    @Test
    void statefulModeResetsAKeyWhoseStateBecameNonFiniteAndItForecastsAgainAfterWPoints()
            throws Exception {
        assertThat(overflowsWhenStepped(1, 2, 3, Float.MAX_VALUE, -Float.MAX_VALUE))
                .as("test data: stepping these points overflows the test model")
                .isTrue();
        try (var h = harness(options("mode", "stateful", "inference.batch-size", "1"))) {
            h.open();
            // W good points (one forecast), two extreme ones, then W good points again
            feed(h, steps("EXT", 1, 1, 2, 3, 4));
            feed(h, ModelInput.step("EXT", minute(5), Float.MAX_VALUE, false));
            feed(h, ModelInput.step("EXT", minute(6), -Float.MAX_VALUE, false));
            for (int i = 0; i < W; i++) {
                feed(h, ModelInput.step("EXT", minute(7 + i), 5 + i, false));
            }
            h.endInput();

            List<Forecast> out = h.extractOutputValues();
            assertThat(out)
                    .allSatisfy(
                            f ->
                                    assertThat(
                                                    Arrays.stream(f.predictions())
                                                            .allMatch(Double::isFinite))
                                            .isTrue());
            List<DeadLetter> letters =
                    letters(h.getSideOutput(BatchedInferenceOperator.NON_FINITE));
            assertThat(letters).isNotEmpty();
            assertThat(letters)
                    .allSatisfy(
                            d -> {
                                assertThat(d.reason())
                                        .isEqualTo(DeadLetterReasons.NON_FINITE_OUTPUT);
                                assertThat(d.detail()).contains("EXT", "reset");
                            });
            var op = (BatchedInferenceOperator) h.getOperator();
            long resets = op.stateResets.getCount();
            assertThat(resets).isEqualTo(letters.size());
            // after the last reset the key starts from the zero state: its forecast after W
            // points is the model run from zero over them, as in window mode
            Forecast last = out.get(out.size() - 1);
            assertThat(last.windowEnd()).isEqualTo(minute(6 + W));
            assertPredictions(last, offline(5, 6, 7, 8));
            // no forecast while the key refilled its history
            assertThat(out)
                    .extracting(Forecast::windowEnd)
                    .containsExactly(minute(4), minute(6 + W));
        }
    }

    /** Whether stepping the test model from zero through {@code values} ever overflows. */
    private static boolean overflowsWhenStepped(double... values) {
        try (Stepper s = Engines.openStepper(ENGINE, bundle)) {
            StepState[] state = {s.newState()};
            float[] out = new float[1];
            for (double v : values) {
                s.step(state, new float[] {(float) v}, 1, out);
                if (!Float.isFinite(out[0]) || !BatchedInferenceOperator.isFinite(state[0])) {
                    return true;
                }
            }
            return false;
        }
    }

    private static List<DeadLetter> letters(Queue<StreamRecord<DeadLetter>> q) {
        List<DeadLetter> out = new ArrayList<>();
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static SensorPoint point(DeadLetter d) {
        ParsedPoint p =
                new PointParser(PointFormat.JSON)
                        .parse("dead-letters", -1, -1, d.key().getBytes(), d.raw());
        assertThat(p.isPoint()).as("dead letter raw %s", new String(d.raw())).isTrue();
        return p.point();
    }
}
