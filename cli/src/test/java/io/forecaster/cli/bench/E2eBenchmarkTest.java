package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for the throughput warm-up's JIT check. */
class E2eBenchmarkTest {

    @Test
    void jitSettlesWhenCompilingTakesUnderAQuarterOfACoreOverFiveSeconds() {
        // cumulative compilation ms, one sample per second
        assertThat(E2eBenchmark.jitSettled(List.of(1000L, 1200L, 1500L, 1800L, 2000L, 2249L)))
                .isTrue();
        assertThat(E2eBenchmark.jitSettled(List.of(1000L, 1200L, 1500L, 1800L, 2000L, 2250L)))
                .isFalse();
        assertThat(
                        E2eBenchmark.jitSettled(
                                List.of(0L, 9000L, 17000L, 17100L, 17200L, 17300L, 17400L, 18200L)))
                .isTrue();
        // too few samples to tell, unless compilation time is not known at all
        assertThat(E2eBenchmark.jitSettled(List.of(5L, 5L, 5L))).isFalse();
        assertThat(E2eBenchmark.jitSettled(List.of(-1L))).isTrue();
        assertThat(E2eBenchmark.jitSettled(List.of())).isTrue();
    }
}
