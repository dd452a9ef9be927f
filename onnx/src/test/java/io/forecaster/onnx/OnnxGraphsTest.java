package io.forecaster.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Tests for {@link OnnxGraphs}: operator types read from the protobuf bytes. */
class OnnxGraphsTest {

    @Test
    void readsTheOperatorsOfTheCommittedGraphs() {
        // an operator ONNX Runtime does not know is still named (the bad fixture's only node)
        assertThat(OnnxGraphs.ops(OnnxFixtures.bytes("/onnx/bad/unknown-op.onnx")))
                .containsExactly("NoSuchOp");
        assertThat(OnnxGraphs.ops(OnnxFixtures.onnx("sunspots").stepGraph()))
                .contains("Conv", "LSTM", "Concat");
    }

    @Test
    void aTruncatedGraphIsRefusedNamingWhereItBreaks() {
        byte[] graph = OnnxFixtures.onnx("sunspots-gru").windowGraph();
        byte[] cut = Arrays.copyOf(graph, graph.length / 2);
        assertThatThrownBy(() -> OnnxGraphs.ops(cut))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an ONNX model: ")
                .hasMessageContaining("at byte ");
    }

    @Test
    void bytesThatAreNoProtobufAreRefused() {
        assertThatThrownBy(() -> OnnxGraphs.ops(new byte[] {0x3a, 0x7f, 0x01}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an ONNX model: ");
    }
}
