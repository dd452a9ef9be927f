package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for the key routes of {@link BenchModels}. */
class BenchModelsTest {

    @Test
    void prefixesCoverARangeOfKeysExactly() {
        assertThat(BenchModels.prefixes(0, 100)).containsExactly("s0000");
        assertThat(BenchModels.prefixes(100, 250))
                .containsExactly("s0001", "s00020", "s00021", "s00022", "s00023", "s00024");
        assertThat(BenchModels.prefixes(7, 9)).containsExactly("s000007", "s000008");
    }

    @Test
    void everyKeyIsServedByExactlyOneModelByPrefixOrRegex() {
        int keys = 1000;
        int count = 7;
        List<List<String>> prefixes =
                java.util.stream.IntStream.range(0, count)
                        .mapToObj(
                                i -> BenchModels.prefixes(i * keys / count, (i + 1) * keys / count))
                        .toList();
        for (int k = 0; k < keys; k++) {
            String key = SyntheticPoints.sensor(k);
            int matches = 0;
            for (List<String> p : prefixes) {
                boolean byPrefix = p.stream().anyMatch(key::startsWith);
                boolean byRegex = key.matches(BenchModels.regexOf(p));
                assertThat(byRegex).as(key).isEqualTo(byPrefix);
                matches += byPrefix ? 1 : 0;
            }
            assertThat(matches).as(key).isEqualTo(1);
        }
    }
}
