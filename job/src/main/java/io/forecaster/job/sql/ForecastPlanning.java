package io.forecaster.job.sql;

import java.util.List;
import java.util.Optional;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.InputTypeStrategy;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.StaticArgument;
import org.apache.flink.table.types.inference.TypeInference;

/**
 * Checks a {@code FORECAST} call while it is planned: the scalar arguments given as literals
 * ({@link ForecastCall#of}) and the value column of the input table, so that a bad call fails
 * before the job starts, naming the argument and the value. What needs the model file (its
 * existence, its window size) is checked where the function runs, when it opens the model.
 */
final class ForecastPlanning {

    private ForecastPlanning() {}

    /** {@code inferred} (the reflective type inference) with the checks added. */
    static TypeInference checked(TypeInference inferred) {
        List<StaticArgument> arguments = inferred.getStaticArguments().orElseThrow();
        return TypeInference.newBuilder()
                .staticArguments(arguments)
                .inputTypeStrategy(new Checks(inferred.getInputTypeStrategy(), arguments))
                .stateTypeStrategies(inferred.getStateTypeStrategies())
                .outputTypeStrategy(inferred.getOutputTypeStrategy())
                .build();
    }

    private static final class Checks implements InputTypeStrategy {

        private final InputTypeStrategy inner;
        private final List<String> names;

        Checks(InputTypeStrategy inner, List<StaticArgument> arguments) {
            this.inner = inner;
            this.names = arguments.stream().map(StaticArgument::getName).toList();
        }

        @Override
        public ArgumentCount getArgumentCount() {
            return inner.getArgumentCount();
        }

        @Override
        public Optional<List<DataType>> inferInputTypes(CallContext call, boolean throwOnFailure) {
            Optional<List<DataType>> types = inner.inferInputTypes(call, throwOnFailure);
            if (types.isEmpty()) {
                return types;
            }
            try {
                ForecastCall c =
                        ForecastCall.of(
                                string(call, ForecastCall.MODEL, "-"),
                                string(call, ForecastCall.MODE, null),
                                integer(call, ForecastCall.WINDOW_SIZE),
                                integer(call, ForecastCall.SLIDE),
                                string(call, ForecastCall.VALUE_COLUMN, null),
                                integer(call, ForecastCall.HORIZON),
                                string(call, ForecastCall.LATENESS, null),
                                string(call, ForecastCall.RESET_GAP, null),
                                string(call, ForecastCall.QUIET_TIMEOUT, null),
                                string(call, ForecastCall.ENGINE, null),
                                string(call, ForecastCall.INTERVAL_LEVELS, null),
                                integer(call, ForecastCall.INTERVAL_WARMUP),
                                string(call, ForecastCall.INTERVAL_GAIN, null),
                                string(call, ForecastCall.SERIES_INTERVAL, null),
                                string(call, ForecastCall.SERIES_ORIGIN, null),
                                string(call, ForecastCall.SERIES_AGGREGATE, null),
                                string(call, ForecastCall.GAP_FILL, null),
                                integer(call, ForecastCall.GAP_MAX_FILL));
                int input = names.indexOf(ForecastFunction.INPUT);
                if (input >= 0 && input < call.getArgumentDataTypes().size()) {
                    ForecastFunction.valueIndex(
                            call.getArgumentDataTypes().get(input), c.valueColumn());
                }
            } catch (IllegalArgumentException e) {
                if (throwOnFailure) {
                    throw call.newValidationError("%s", e.getMessage());
                }
                return Optional.empty();
            }
            return types;
        }

        /** A literal string argument; {@code unknown} when it is not a literal. */
        private String string(CallContext call, String name, String unknown) {
            int i = names.indexOf(name);
            if (i < 0 || i >= call.getArgumentDataTypes().size()) {
                return unknown;
            }
            if (!call.isArgumentLiteral(i)) {
                return unknown;
            }
            return call.getArgumentValue(i, String.class).orElse(null);
        }

        private Integer integer(CallContext call, String name) {
            int i = names.indexOf(name);
            if (i < 0 || i >= call.getArgumentDataTypes().size() || !call.isArgumentLiteral(i)) {
                return null;
            }
            return call.getArgumentValue(i, Integer.class).orElse(null);
        }

        @Override
        public List<Signature> getExpectedSignatures(FunctionDefinition definition) {
            return inner.getExpectedSignatures(definition);
        }
    }
}
