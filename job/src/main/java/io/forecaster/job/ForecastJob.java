package io.forecaster.job;

import io.forecaster.connectors.Accuracy;
import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

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

    private ForecastJob() {}

    /**
     * The job's outputs: forecasts, dead letters and the per-key accuracy records (emitted only
     * when {@code kafka.accuracy.topic} is set).
     */
    public record Outputs(
            DataStream<Forecast> forecasts,
            DataStream<DeadLetter> deadLetters,
            DataStream<Accuracy> accuracy) {}

    /**
     * The whole topology, for parsed records that already carry event-time timestamps and
     * watermarks (assigned per Kafka partition at the source with {@link #watermarks}): splits the
     * unreadable records off, orders each sensor's points, windows them and runs the model. Dead
     * letters are the unreadable, late and duplicate points.
     */
    public static Outputs topology(DataStream<ParsedPoint> parsed, ForecastOptions options) {
        SingleOutputStreamOperator<SensorPoint> points =
                parsed.process(new SplitDeadLetters()).name(SPLIT).uid(SPLIT);
        Outputs out = forecastsOfTimedPoints(points, options);
        DataStream<DeadLetter> deadLetters =
                points.getSideOutput(SplitDeadLetters.UNREADABLE).union(out.deadLetters());
        return new Outputs(out.forecasts(), deadLetters, out.accuracy());
    }

    /**
     * As {@link #topology}, for readable points without timestamps (e.g. in-memory test data):
     * assigns event-time watermarks, then orders, windows and forecasts. Dead letters are the late
     * and duplicate points.
     */
    public static Outputs forecasts(DataStream<SensorPoint> points, ForecastOptions options) {
        SerializableTimestampAssigner<SensorPoint> eventTime = (p, previous) -> p.eventTime();
        DataStream<SensorPoint> timed =
                points.assignTimestampsAndWatermarks(watermarks(options, eventTime))
                        .name(EVENT_TIME)
                        .uid(EVENT_TIME);
        return forecastsOfTimedPoints(timed, options);
    }

    private static Outputs forecastsOfTimedPoints(
            DataStream<SensorPoint> points, ForecastOptions options) {
        KeySelector<SensorPoint, String> bySensor = SensorPoint::sensorId;
        SingleOutputStreamOperator<ModelInput> windows =
                points.keyBy(bySensor)
                        .transform(
                                ORDER_AND_WINDOW,
                                TypeInformation.of(ModelInput.class),
                                OrderedSlidingWindowOperator.of(options.windowSettings()))
                        .uid(ORDER_AND_WINDOW);
        KeySelector<ModelInput, String> byInputSensor = in -> in.sensorId;
        SingleOutputStreamOperator<Forecast> forecasts =
                DataStreamUtils.reinterpretAsKeyedStream(windows, byInputSensor)
                        .transform(
                                FORECAST,
                                TypeInformation.of(Forecast.class),
                                new BatchedInferenceOperator(options.inferenceSettings()))
                        .uid(FORECAST);
        return new Outputs(
                forecasts,
                windows.getSideOutput(OrderedSlidingWindow.DEAD_LETTERS),
                forecasts.getSideOutput(BatchedInferenceOperator.ACCURACY));
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
