package io.forecaster.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests for {@link SummaryCommand}. */
class SummaryCommandTest {

    @Test
    void printsTheCoursesTableForTheSeedModel() {
        CommandsTest.Run r = CommandsTest.run(new SummaryCommand());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = r.out().lines().filter(l -> l.contains("(None,")).toList();
        assertThat(rows).hasSize(7);
        assertThat(rows.get(0)).matches("conv1d \\(Conv1D\\)\\s+\\(None, None, 32\\)\\s+192");
        assertThat(rows.get(1)).matches("lstm \\(LSTM\\)\\s+\\(None, None, 64\\)\\s+24,832");
        assertThat(rows.get(2)).matches("lstm_1 \\(LSTM\\)\\s+\\(None, None, 64\\)\\s+33,024");
        assertThat(rows.get(3)).matches("dense \\(Dense\\)\\s+\\(None, None, 30\\)\\s+1,950");
        assertThat(rows.get(4)).matches("dense_1 \\(Dense\\)\\s+\\(None, None, 10\\)\\s+310");
        assertThat(rows.get(5)).matches("dense_2 \\(Dense\\)\\s+\\(None, None, 1\\)\\s+11");
        assertThat(rows.get(6)).matches("lambda \\(Lambda\\)\\s+\\(None, None, 1\\)\\s+0");
        assertThat(r.out()).contains("Total params: 60,319");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 60})
    void outputShapeIsBatchByStepsByOne(int steps) {
        // shapes are measured by running a window of this many steps through the network
        List<SummaryCommand.Row> rows =
                SummaryCommand.rows(
                        io.forecaster.training.NetworkFactory.build(
                                io.forecaster.model.HyperParams.SEED, 1L),
                        steps);
        assertThat(rows.get(rows.size() - 1).shape()).containsExactly(1, steps, 1);
        assertThat(rows.get(0).shape()).containsExactly(1, steps, 32);
        CommandsTest.Run r =
                CommandsTest.run(new SummaryCommand(), "--steps", Integer.toString(steps));
        assertThat(r.out())
                .containsPattern("dense_2 \\(Dense\\)\\s+\\(None, " + steps + ", 1\\)\\s+11");
    }
}
