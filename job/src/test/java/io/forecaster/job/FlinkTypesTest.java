package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.DeadLetter;
import io.forecaster.connectors.Forecast;
import io.forecaster.connectors.SensorPoint;
import io.forecaster.model.engine.StepState;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** Every type the job keeps in state or sends between operators is a Flink POJO, not Kryo. */
class FlinkTypesTest {

    @Test
    void stateAndRecordTypesAreFlinkPojos() {
        SerializerConfigImpl noGenerics = new SerializerConfigImpl();
        noGenerics.setGenericTypes(false);
        for (Class<?> type :
                List.of(
                        SensorPoint.class,
                        ModelInput.class,
                        Forecast.class,
                        DeadLetter.class,
                        KeyWindow.class,
                        GridWindow.class,
                        KeyModelState.class,
                        StepState.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            // Throws if any field would fall back to Kryo.
            assertThat(info.createSerializer(noGenerics)).isNotNull();
        }
    }
}
