package io.forecaster.job;

import io.forecaster.connectors.SensorPoint;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs {@link OrderedSlidingWindow} and reports how many keys hold state ("keysWithState"): counted
 * from the state backend once at (re)start, then kept up to date by the function as keys come and
 * go, so the gauge never walks the state from the metrics thread.
 */
public class OrderedSlidingWindowOperator
        extends KeyedProcessOperator<String, SensorPoint, ModelInput> {

    private static final long serialVersionUID = 1L;

    private transient AtomicLong keysWithState;

    public OrderedSlidingWindowOperator(OrderedSlidingWindow function) {
        super(function);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        keysWithState = new AtomicLong();
        try (var keys =
                getKeyedStateBackend()
                        .getKeys(OrderedSlidingWindow.WINDOW_STATE, VoidNamespace.INSTANCE)) {
            keysWithState.set(keys.count());
        }
        ((OrderedSlidingWindow) userFunction).keysWithState = keysWithState;
    }

    @Override
    public void open() throws Exception {
        super.open();
        getMetricGroup().gauge("keysWithState", keysWithState::get);
    }

    /** Keys holding windowing state in this subtask. */
    long keysWithState() {
        return keysWithState.get();
    }
}
