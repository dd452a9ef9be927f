package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tests for {@link LatencyRecorder}. */
class LatencyRecorderTest {

    @Test
    void percentilesByNearestRank() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 100; i >= 1; i--) {
            r.record(i);
        }
        assertThat(r.count()).isEqualTo(100);
        assertThat(r.percentile(50)).isEqualTo(50);
        assertThat(r.percentile(99)).isEqualTo(99);
        assertThat(r.percentile(99.9)).isEqualTo(100);
        assertThat(r.max()).isEqualTo(100);
    }

    @Test
    void emptyIsNaN() {
        assertThat(new LatencyRecorder().percentile(99)).isNaN();
    }
}
