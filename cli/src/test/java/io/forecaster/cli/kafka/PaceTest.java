package io.forecaster.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tests for {@link Pace}. */
class PaceTest {

    @Test
    void fixedRateSpacesRecords() {
        Pace.Clock clock = Pace.rate(200).start();
        long t0 = System.nanoTime();
        for (int i = 0; i <= 50; i++) {
            clock.await(i, 0);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(secs).isBetween(0.245, 3.0); // record 50 is due at 250 ms
    }

    @Test
    void speedupFollowsEventTime() {
        Pace.Clock clock = Pace.speedup(1000).start(); // 1000 s of event time per second
        long t0 = System.nanoTime();
        clock.await(0, 5_000_000L);
        clock.await(1, 5_000_000L + 300_000L); // 300 s of event time later: due at 300 ms
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(secs).isBetween(0.295, 3.0);
    }

    @Test
    void fastNeverWaitsAndBadSpeedsAreRejected() {
        Pace.Clock clock = Pace.fast().start();
        long t0 = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
            clock.await(i, i * 1000L);
        }
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(0.5);
        assertThatThrownBy(() -> Pace.rate(0)).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> Pace.speedup(-2)).hasMessageContaining("got -2.0");
    }
}
