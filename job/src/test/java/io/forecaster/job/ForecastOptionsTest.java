package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forecaster.connectors.flink.KafkaOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ForecastOptions}. */
class ForecastOptionsTest {

    @TempDir Path dir;

    @Test
    void defaultsApplyWhenOnlyTheModelIsGiven() {
        ForecastOptions o = ForecastOptions.fromArgs("--model.path", "m.zip");

        assertThat(o.windowSize()).isEqualTo(60);
        assertThat(o.windowSlide()).isEqualTo(1);
        assertThat(o.mode()).isEqualTo(ForecastOptions.Mode.WINDOW);
        assertThat(o.engine()).isEqualTo("fast");
        assertThat(o.modelPath()).isEqualTo(Path.of("m.zip"));
        assertThat(o.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(o.pointsTopic()).isEqualTo(KafkaOptions.POINTS_TOPIC.defaultValue());
    }

    @Test
    void argumentsOverrideTheConfigurationFile() throws Exception {
        Path file = dir.resolve("job.yaml");
        Files.writeString(
                file,
                "model.path: from-file.zip\nwindow.size: 30\nmode: stateful\n"
                        + "inference.max-delay: 35 ms\nkafka.points.topic: wind\n");

        ForecastOptions o =
                ForecastOptions.fromArgs("--config", file.toString(), "--window.size", "45");

        assertThat(o.modelPath()).isEqualTo(Path.of("from-file.zip"));
        assertThat(o.windowSize()).isEqualTo(45);
        assertThat(o.mode()).isEqualTo(ForecastOptions.Mode.STATEFUL);
        assertThat(o.batchMaxDelay()).isEqualTo(Duration.ofMillis(35));
        assertThat(o.pointsTopic()).isEqualTo("wind");
        assertThat(o.toConfiguration().get(KafkaOptions.POINTS_TOPIC)).isEqualTo("wind");
    }

    @Test
    void invalidValuesNameTheOptionAndTheValue() {
        assertThatThrownBy(
                        () -> ForecastOptions.fromArgs("--model.path", "m", "--window.size", "0"))
                .hasMessageContaining("window.size")
                .hasMessageContaining("0");
        assertThatThrownBy(
                        () -> ForecastOptions.fromArgs("--model.path", "m", "--window.size", "x"))
                .hasMessageContaining("window.size")
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> ForecastOptions.fromArgs("--model.path", "m", "--engine", "gpu"))
                .hasMessageContaining("engine")
                .hasMessageContaining("gpu");
        assertThatThrownBy(() -> ForecastOptions.fromArgs("--model.path", "m", "--mode", "batch"))
                .hasMessageContaining("mode")
                .hasMessageContaining("batch");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path", "m", "--inference.max-delay", "-1 s"))
                .hasMessageContaining("inference.max-delay");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path", "m", "--kafka.sink.delivery", "NONE"))
                .hasMessageContaining("kafka.sink.delivery")
                .hasMessageContaining("NONE");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path", "m", "--lateness.allowed", "8 d"))
                .hasMessageContaining("state.quiet-timeout")
                .hasMessageContaining("lateness.allowed");
    }

    @Test
    void sinkOptionsAreCheckedAtStart() {
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path",
                                        "m",
                                        "--kafka.sink.transaction-timeout",
                                        "20 min"))
                .hasMessageContaining("kafka.sink.transaction-timeout")
                .hasMessageContaining("PT20M");
    }

    @Test
    void operatorSettingsCarryTheOptions() {
        ForecastOptions o =
                ForecastOptions.fromArgs(
                        "--model.path",
                        "m.zip",
                        "--window.size",
                        "30",
                        "--window.slide",
                        "5",
                        "--mode",
                        "stateful",
                        "--lateness.allowed",
                        "1 min",
                        "--inference.batch-size",
                        "7",
                        "--inference.max-delay",
                        "3 ms");

        assertThat(o.windowSettings())
                .isEqualTo(
                        new WindowSettings(
                                ForecastOptions.Mode.STATEFUL,
                                new SlidingCount(30, 5),
                                Duration.ofMinutes(1),
                                Duration.ZERO,
                                Duration.ofDays(7),
                                "sensor-points"));
        assertThat(o.inferenceSettings())
                .isEqualTo(
                        new InferenceSettings(
                                ForecastOptions.Mode.STATEFUL,
                                new SlidingCount(30, 5),
                                "fast",
                                "m.zip",
                                7,
                                Duration.ofMillis(3)));
    }

    @Test
    void horizonLevelsAndAccuracyOptionsReachTheInferenceSettingsAndBadOnesStopTheJob() {
        ForecastOptions o =
                ForecastOptions.fromArgs(
                        "--model.path", "m.zip",
                        "--forecast.horizon", "10",
                        "--forecast.interval-levels", "0.95, 0.8",
                        "--kafka.accuracy.topic", "accuracy",
                        "--accuracy.every", "20",
                        "--series.interval", "1 h");
        ForecastSettings f = o.inferenceSettings().forecast();
        assertThat(f.horizon()).isEqualTo(10);
        assertThat(f.levels()).containsExactly(0.8, 0.95);
        assertThat(f.accuracyRecords()).isTrue();
        assertThat(f.accuracyEvery()).isEqualTo(20);
        assertThat(f.gridIntervalMs()).isEqualTo(3_600_000L);
        assertThat(f.extended()).isTrue();
        assertThat(ForecastOptions.fromArgs("--model.path", "m.zip").inferenceSettings().forecast())
                .isEqualTo(ForecastSettings.ONE_STEP);

        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path", "m.zip", "--forecast.horizon", "0"))
                .hasMessageContaining("forecast.horizon must be at least 1, got 0");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path",
                                        "m.zip",
                                        "--forecast.interval-levels",
                                        "0.8,95"))
                .hasMessageContaining("forecast.interval-levels")
                .hasMessageContaining("'0.8,95'");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path",
                                        "m.zip",
                                        "--forecast.interval-levels",
                                        "0.8,high"))
                .hasMessageContaining("'0.8,high'");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path", "m.zip", "--forecast.interval-gain", "0"))
                .hasMessageContaining("forecast.interval-gain must be a positive number, got 0");
    }

    @Test
    void badModelTopicOptionsStopTheJobAtStartNamingThem() {
        ForecastOptions o = ForecastOptions.fromArgs("--kafka.models.topic", "models");
        assertThat(o.modelsTopic()).isEqualTo("models");
        assertThat(o.modelPath()).as("model.path is optional with a models topic").isNull();

        assertThatThrownBy(() -> ForecastOptions.fromArgs("--kafka.models.topic", " "))
                .hasMessageContaining("option kafka.models.topic");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--kafka.models.topic",
                                        "models",
                                        "--kafka.model-events.topic",
                                        " "))
                .hasMessageContaining("option kafka.model-events.topic");
        assertThatThrownBy(() -> ForecastOptions.fromArgs("--mode", "stateful"))
                .hasMessageContaining("model.path is required")
                .hasMessageContaining("kafka.models.topic");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--kafka.models.topic",
                                        "models",
                                        "--kafka.model-events.topic",
                                        "models"))
                .hasMessage(
                        "options kafka.models.topic and kafka.model-events.topic name the same"
                                + " topic 'models'");
        assertThatThrownBy(() -> ForecastOptions.fromArgs("--kafka.models.topic", "sensor-points"))
                .hasMessage(
                        "options kafka.models.topic and kafka.points.topic name the same topic"
                                + " 'sensor-points'");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--kafka.models.topic",
                                        "models",
                                        "--kafka.model-events.topic",
                                        "forecasts"))
                .hasMessageContaining("kafka.model-events.topic and kafka.forecasts.topic");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--kafka.models.topic",
                                        "acc",
                                        "--kafka.accuracy.topic",
                                        "acc"))
                .hasMessageContaining("kafka.models.topic and kafka.accuracy.topic");
        // without a models topic the model-events topic is not used and not compared
        assertThat(
                        ForecastOptions.fromArgs(
                                        "--model.path", "m", "--kafka.model-events.topic", "models")
                                .modelsTopic())
                .isNull();
    }

    @Test
    void theLowLatencyProfileSetsItsDefaultsAndExplicitOptionsWin() {
        ForecastOptions plain = ForecastOptions.fromArgs("--model.path", "m.zip");
        assertThat(plain.profile()).isEqualTo(ForecastOptions.Profile.DEFAULT);
        assertThat(plain.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(plain.watermarkInterval()).isNull();
        assertThat(plain.get(KafkaOptions.SINK_LINGER)).isEqualTo(Duration.ofMillis(5));

        ForecastOptions low =
                ForecastOptions.fromArgs("--model.path", "m.zip", "--profile", "low-latency");
        assertThat(low.profile()).isEqualTo(ForecastOptions.Profile.LOW_LATENCY);
        assertThat(low.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(low.watermarkInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(low.get(KafkaOptions.SINK_LINGER)).isEqualTo(Duration.ZERO);
        assertThat(low.batchMaxDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(low.toConfiguration().get(KafkaOptions.DELIVERY))
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        // what the profile does not set keeps its own default
        assertThat(low.outOfOrderness()).isEqualTo(plain.outOfOrderness());

        ForecastOptions mixed =
                ForecastOptions.fromArgs(
                        "--model.path",
                        "m.zip",
                        "--profile",
                        "LOW-LATENCY",
                        "--kafka.sink.delivery",
                        "EXACTLY_ONCE",
                        "--watermark.interval",
                        "50 ms");
        assertThat(mixed.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(mixed.watermarkInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(mixed.get(KafkaOptions.SINK_LINGER)).isEqualTo(Duration.ZERO);
    }

    @Test
    void badProfileWatermarkIntervalAndLingerNameTheOption() {
        assertThatThrownBy(
                        () -> ForecastOptions.fromArgs("--model.path", "m", "--profile", "fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile")
                .hasMessageContaining("fastest");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path", "m", "--watermark.interval", "0 ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("watermark.interval")
                .hasMessageContaining("0 ms");
        assertThatThrownBy(
                        () ->
                                ForecastOptions.fromArgs(
                                        "--model.path", "m", "--kafka.sink.linger", "-1 ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.sink.linger");
    }

    @Test
    void unknownOptionsAndMissingValuesAreRejected() {
        assertThatThrownBy(() -> ForecastOptions.fromArgs("--model.path", "m", "--windw.size", "5"))
                .hasMessageContaining("windw.size");
        assertThatThrownBy(() -> ForecastOptions.fromArgs("--model.path", "m", "--window.size"))
                .hasMessageContaining("window.size")
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ForecastOptions.fromArgs("--window.size", "5"))
                .hasMessageContaining("model.path");
        assertThatThrownBy(() -> ForecastOptions.fromArgs("--config", "/no/such/file.yaml"))
                .hasMessageContaining("/no/such/file.yaml");
    }

    @Test
    void everyOptionHasADescription() {
        for (var option : ForecastOptions.ALL) {
            assertThat(ForecastOptions.describe(option))
                    .as(option.key())
                    .hasSizeGreaterThan(10)
                    .doesNotContain("Description@");
        }
    }
}
