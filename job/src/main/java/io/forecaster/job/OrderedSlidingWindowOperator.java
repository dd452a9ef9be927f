package io.forecaster.job;

import io.forecaster.connectors.SensorPoint;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs {@link OrderedSlidingWindow} (or, on a time grid, {@link GridSlidingWindow}) and reports how
 * many keys hold state ("keysWithState"): counted from the state backend once at (re)start, then
 * kept up to date by the function as keys come and go, so the gauge never walks the state from the
 * metrics thread.
 */
public class OrderedSlidingWindowOperator
        extends KeyedProcessOperator<String, SensorPoint, ModelInput> {

    private static final long serialVersionUID = 1L;

    private transient AtomicLong keysWithState;

    /** Runs {@code function}: an {@link OrderedSlidingWindow} or a {@link GridSlidingWindow}. */
    public <F extends KeyedProcessFunction<String, SensorPoint, ModelInput> & KeyCounting>
            OrderedSlidingWindowOperator(F function) {
        super(function);
    }

    /** The windowing the settings ask for: on a time grid, or count windows of the points. */
    public static OrderedSlidingWindowOperator of(WindowSettings settings) {
        return settings.grid() == null
                ? new OrderedSlidingWindowOperator(new OrderedSlidingWindow(settings))
                : new OrderedSlidingWindowOperator(new GridSlidingWindow(settings));
    }

    /** What the operator needs of its function to count the keys holding state. */
    interface KeyCounting {
        /** The name of the value state every key with state holds. */
        String keyStateName();

        /** Hands the function the counter it keeps up to date as keys come and go. */
        void countKeysWith(AtomicLong keysWithState);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        keysWithState = new AtomicLong();
        try (var keys =
                getKeyedStateBackend()
                        .getKeys(
                                ((KeyCounting) userFunction).keyStateName(),
                                VoidNamespace.INSTANCE)) {
            keysWithState.set(keys.count());
        }
        ((KeyCounting) userFunction).countKeysWith(keysWithState);
        if (userFunction instanceof OrderedSlidingWindow w) {
            // exactly the heap backend (not wrapped, e.g. by the changelog backend, which must
            // see every write)
            w.stateOnHeap =
                    getKeyedStateBackend()
                            instanceof org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
        }
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
