package io.forecaster.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Tests for {@link ShuffleBuffer}. */
class ShuffleBufferTest {

    private static List<Integer> shuffle(int n, int buffer, long seed) {
        List<Integer> in = IntStream.range(0, n).boxed().toList();
        List<Integer> out = new ArrayList<>();
        Iterator<Integer> it = ShuffleBuffer.shuffle(in.iterator(), buffer, new Random(seed));
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void outputIsAPermutationOfTheInput() {
        List<Integer> out = shuffle(1000, 37, 5);
        assertThat(out)
                .hasSize(1000)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 1000).boxed().toList());
        assertThat(out).isNotEqualTo(IntStream.range(0, 1000).boxed().toList());
    }

    @Test
    void theSameSeedGivesTheSameOrder() {
        assertThat(shuffle(500, 100, 9)).isEqualTo(shuffle(500, 100, 9));
        assertThat(shuffle(500, 100, 9)).isNotEqualTo(shuffle(500, 100, 10));
    }

    @Test
    void aBufferOfOneKeepsTheOrder() {
        assertThat(shuffle(50, 1, 3)).isEqualTo(IntStream.range(0, 50).boxed().toList());
    }

    @Test
    void anElementCannotRunAheadOfTheBuffer() {
        // like tf.data: the p-th output is drawn from the first p + bufferSize inputs
        int buffer = 10;
        List<Integer> out = shuffle(2000, buffer, 1);
        for (int p = 0; p < out.size(); p++) {
            assertThat(out.get(p)).isLessThan(p + buffer);
        }
    }
}
