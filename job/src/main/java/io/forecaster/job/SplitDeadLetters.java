package io.forecaster.job;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.ParsedPoint;
import io.forecaster.connectors.SensorPoint;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Passes readable points on and sends unreadable records to the dead-letter side output. */
public class SplitDeadLetters extends ProcessFunction<ParsedPoint, SensorPoint> {

    private static final long serialVersionUID = 1L;

    /** Records the parser could not read. */
    public static final OutputTag<DeadLetter> UNREADABLE =
            new OutputTag<>("unreadable-points", TypeInformation.of(DeadLetter.class));

    private transient MetricGroup metrics;
    private transient Map<String, Counter> byReason;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup();
        byReason = new HashMap<>();
    }

    @Override
    public void processElement(ParsedPoint in, Context ctx, Collector<SensorPoint> out) {
        if (in.isPoint()) {
            out.collect(in.point());
        } else {
            byReason.computeIfAbsent(
                            in.deadLetter().reason(),
                            r -> metrics.addGroup("reason", r).counter("deadLetters"))
                    .inc();
            ctx.output(UNREADABLE, in.deadLetter());
        }
    }
}
