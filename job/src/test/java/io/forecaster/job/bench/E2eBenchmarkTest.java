package io.forecaster.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for the throughput warm-up's JIT check. */
class E2eBenchmarkTest {

    @Test
    void jitSettlesWhenCompilingTakesUnderATenthOfACoreOverFiveSeconds() {
        // cumulative compilation ms, one sample per second
        assertThat(E2eBenchmark.jitSettled(List.of(1000L, 1100L, 1200L, 1300L, 1400L, 1499L)))
                .isTrue();
        assertThat(E2eBenchmark.jitSettled(List.of(1000L, 1100L, 1200L, 1300L, 1400L, 1500L)))
                .isFalse();
        assertThat(E2eBenchmark.jitSettled(List.of(0L, 9000L, 17000L, 17100L, 17200L, 17300L,
                17400L, 17450L))).isTrue();
        // too few samples to tell, unless compilation time is not known at all
        assertThat(E2eBenchmark.jitSettled(List.of(5L, 5L, 5L))).isFalse();
        assertThat(E2eBenchmark.jitSettled(List.of(-1L))).isTrue();
        assertThat(E2eBenchmark.jitSettled(List.of())).isTrue();
    }
}
