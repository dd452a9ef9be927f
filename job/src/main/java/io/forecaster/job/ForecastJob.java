package io.forecaster.job;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ModelEvent;
import io.forecaster.connectors.ModelRecord;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;

/**
 * The forecasting topology as a plain function of streams: parsed records in, forecasts and dead
 * letters out ({@link #topology}). Sources and sinks are attached by the caller: {@link
 * ForecastRunner} for Kafka, tests with in-memory data and {@code executeAndCollect}.
 */
public final class ForecastJob {

    /** Name and uid of the watermark assigner ({@link #forecasts} only). */
    public static final String EVENT_TIME = "event-time";

    /** Name and uid of the operator splitting unreadable records off. */
    public static final String SPLIT = "split-dead-letters";

    /** Name and uid of the ordering and sliding-window operator. */
    public static final String ORDER_AND_WINDOW = "order-and-window";

    /** Name and uid of the batched inference operator. */
    public static final String FORECAST = "forecast";

    /** Name and uid of the models source (with {@code kafka.models.topic}). */
    public static final String MODELS_SOURCE = "models-source";

    private ForecastJob() {}

    /**
     * The job's outputs: forecasts, dead letters, the per-key accuracy records (emitted only when
     * {@code kafka.accuracy.topic} is set) and the model events (only with a models stream).
     */
    public record Outputs(
            DataStream<Forecast> forecasts,
            DataStream<DeadLetter> deadLetters,
            DataStream<Accuracy> accuracy,
            DataStream<ModelEvent> modelEvents) {}

    /**
     * The whole topology, for parsed records that already carry event-time timestamps and
     * watermarks (assigned per Kafka partition at the source with {@link #watermarks}): splits the
     * unreadable records off, orders each sensor's points, windows them and runs the model. Dead
     * letters are the unreadable, late and duplicate points, and those whose forecast came out
     * non-finite.
     */
    public static Outputs topology(DataStream<ParsedPoint> parsed, ForecastOptions options) {
        return topology(parsed, null, options);
    }

    /**
     * As {@link #topology(DataStream, ForecastOptions)}, with the model records of the models topic
     * ({@code models}, null for none) broadcast to the inference operator, which serves the
     * versions they name by key route.
     */
    public static Outputs topology(
            DataStream<ParsedPoint> parsed,
            DataStream<ModelRecord> models,
            ForecastOptions options) {
        SingleOutputStreamOperator<SensorPoint> points =
                parsed.process(new SplitDeadLetters()).name(SPLIT).uid(SPLIT);
        Outputs out = forecastsOfTimedPoints(points, models, options);
        DataStream<DeadLetter> deadLetters =
                points.getSideOutput(SplitDeadLetters.UNREADABLE).union(out.deadLetters());
        return new Outputs(out.forecasts(), deadLetters, out.accuracy(), out.modelEvents());
    }

    /**
     * As {@link #topology}, for readable points without timestamps (e.g. in-memory test data):
     * assigns event-time watermarks, then orders, windows and forecasts. Dead letters are the late
     * and duplicate points.
     */
    public static Outputs forecasts(DataStream<SensorPoint> points, ForecastOptions options) {
        return forecasts(points, null, options);
    }

    /**
     * As {@link #forecasts(DataStream, ForecastOptions)}, with model records ({@code models}, null
     * for none) broadcast to the inference operator.
     */
    public static Outputs forecasts(
            DataStream<SensorPoint> points,
            DataStream<ModelRecord> models,
            ForecastOptions options) {
        SerializableTimestampAssigner<SensorPoint> eventTime = (p, previous) -> p.eventTime();
        DataStream<SensorPoint> timed =
                points.assignTimestampsAndWatermarks(watermarks(options, eventTime))
                        .name(EVENT_TIME)
                        .uid(EVENT_TIME);
        return forecastsOfTimedPoints(timed, models, options);
    }

    private static Outputs forecastsOfTimedPoints(
            DataStream<SensorPoint> points,
            DataStream<ModelRecord> models,
            ForecastOptions options) {
        KeySelector<SensorPoint, String> bySensor = SensorPoint::sensorId;
        SingleOutputStreamOperator<ModelInput> windows =
                points.keyBy(bySensor)
                        .transform(
                                ORDER_AND_WINDOW,
                                TypeInformation.of(ModelInput.class),
                                OrderedSlidingWindowOperator.of(options.windowSettings()))
                        .uid(ORDER_AND_WINDOW);
        KeySelector<ModelInput, String> byInputSensor = in -> in.sensorId;
        KeyedStream<ModelInput, String> keyed =
                DataStreamUtils.reinterpretAsKeyedStream(windows, byInputSensor);
        BatchedInferenceOperator inference =
                new BatchedInferenceOperator(
                        options.inferenceSettings(), options.windowSettings().sourceTopic());
        SingleOutputStreamOperator<Forecast> forecasts;
        if (models == null) {
            if (options.modelPath() == null) {
                throw new IllegalArgumentException(
                        "no model: neither model.path nor a models stream is given");
            }
            forecasts = keyed.transform(FORECAST, TypeInformation.of(Forecast.class), inference);
        } else {
            if (!options.inferenceSettings().modelsFromTopic()) {
                throw new IllegalArgumentException(
                        "a models stream needs option kafka.models.topic");
            }
            // The model records go to every subtask; the operator keeps them in broadcast state.
            forecasts =
                    keyed.connect(models.broadcast())
                            .transform(
                                    FORECAST,
                                    TypeInformation.of(Forecast.class),
                                    (TwoInputStreamOperator<ModelInput, ModelRecord, Forecast>)
                                            inference);
        }
        forecasts.uid(FORECAST);
        return new Outputs(
                forecasts,
                windows.getSideOutput(OrderedSlidingWindow.DEAD_LETTERS)
                        .union(forecasts.getSideOutput(BatchedInferenceOperator.NON_FINITE)),
                forecasts.getSideOutput(BatchedInferenceOperator.ACCURACY),
                forecasts.getSideOutput(BatchedInferenceOperator.MODEL_EVENTS));
    }

    /**
     * The job's watermarks: bounded out-of-orderness and idleness from the options, timestamps from
     * {@code eventTime}. Records whose time is {@link Long#MIN_VALUE} (e.g. unreadable ones) never
     * move the watermark.
     */
    public static <T> WatermarkStrategy<T> watermarks(
            ForecastOptions options, SerializableTimestampAssigner<T> eventTime) {
        WatermarkStrategy<T> strategy =
                WatermarkStrategy.<T>forBoundedOutOfOrderness(options.outOfOrderness())
                        .withTimestampAssigner(eventTime);
        return options.idleness().isZero() ? strategy : strategy.withIdleness(options.idleness());
    }
}
