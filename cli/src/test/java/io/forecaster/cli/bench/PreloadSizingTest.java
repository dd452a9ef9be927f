package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link PreloadSizing}: the warm-up's rate, the top-up and the short-interval rule. */
class PreloadSizingTest {

    private static final long S = 1_000_000_000L;

    private static E2eBenchmark.Sample at(long seconds, long points) {
        return new E2eBenchmark.Sample(seconds * S, points, 0);
    }

    @Test
    void theWarmUpRateIsTakenOverItsLastFiveSeconds() {
        // slow while compiling, then 100K points/s
        List<E2eBenchmark.Sample> samples =
                List.of(
                        at(0, 0),
                        at(10, 50_000),
                        at(20, 200_000),
                        at(21, 300_000),
                        at(25, 700_000),
                        at(26, 800_000));
        assertThat(PreloadSizing.warmupRate(samples, 0, Duration.ofSeconds(5)))
                .isEqualTo(100_000.0);
        // samples before fromNanos (a top-up) do not count: the earliest one after it is used
        assertThat(PreloadSizing.warmupRate(samples, 24 * S, Duration.ofSeconds(5)))
                .isEqualTo(100_000.0);
        assertThat(PreloadSizing.warmupRate(samples, 9 * S, Duration.ofSeconds(30)))
                .isEqualTo(750_000 / 16.0);
        assertThat(PreloadSizing.warmupRate(samples, 26 * S, Duration.ofSeconds(5))).isNaN();
        assertThat(PreloadSizing.warmupRate(List.of(), 0, Duration.ofSeconds(5))).isNaN();
    }

    @Test
    void whatIsLeftMustLastTheMeasuredIntervalWithHeadroom() {
        assertThat(PreloadSizing.needed(100_000, Duration.ofSeconds(20)))
                .isEqualTo((long) (100_000 * 20 * PreloadSizing.HEADROOM));
        assertThat(PreloadSizing.needed(Double.NaN, Duration.ofSeconds(20))).isZero();
        long need = PreloadSizing.needed(100_000, Duration.ofSeconds(20));
        long total = 10_000_000;
        assertThat(PreloadSizing.topUp(need, total, 100_000, Duration.ofSeconds(20), 400_000))
                .isZero();
        assertThat(PreloadSizing.topUp(need - 1, total, 100_000, Duration.ofSeconds(20), 400_000))
                .isPositive();
    }

    @Test
    void aTopUpCoversWhatTheJobReadsWhileItIsWrittenAndAfter() {
        double rate = 100_000;
        double producer = 400_000;
        long left = 1_000_000;
        long more = PreloadSizing.topUp(left, 6_000_000, rate, Duration.ofSeconds(20), producer);
        // simulate: the top-up takes more / producer seconds, then AFTER_TOP_UP with the job
        // reading at rate throughout; what is left then must still be what 20 s need
        double seconds = more / producer + PreloadSizing.AFTER_TOP_UP.toSeconds();
        double leftAfter = left + more - rate * seconds;
        assertThat(leftAfter)
                .isGreaterThanOrEqualTo(PreloadSizing.needed(rate, Duration.ofSeconds(20)))
                .isLessThan(PreloadSizing.needed(rate, Duration.ofSeconds(20)) + 2);
        // a job reading as fast as the producer writes: a top-up of 4x the deficit, and the case
        // checks again afterwards
        long deficit =
                PreloadSizing.needed(rate, Duration.ofSeconds(20))
                        - left
                        + (long) (rate * PreloadSizing.AFTER_TOP_UP.toSeconds());
        assertThat(PreloadSizing.topUp(left, 6_000_000, rate, Duration.ofSeconds(20), rate))
                .isEqualTo((long) (deficit / PreloadSizing.MIN_UNREAD_SHARE));
    }

    @Test
    void aJobThatCaughtUpGetsAtLeastTwiceTheTopicsPoints() {
        // it read 99% of 60,000 points: its rate (1,000 points/s) is how fast they arrived
        assertThat(PreloadSizing.topUp(599, 60_000, 1000, Duration.ofSeconds(3), 400_000))
                .isEqualTo(120_000);
        assertThat(PreloadSizing.topUp(0, 60_000, Double.NaN, Duration.ofSeconds(3), 400_000))
                .isEqualTo(120_000);
        // when the rate asks for more, the rate decides
        assertThat(PreloadSizing.topUp(0, 60_000, 1_000_000, Duration.ofSeconds(20), 4_000_000))
                .isGreaterThan(30_000_000);
        // 1% left is not caught up
        assertThat(PreloadSizing.topUp(600, 60_000, 10, Duration.ofSeconds(3), 400_000)).isZero();
    }

    @Test
    void anIntervalShorterThanTheDurationFailsTheCaseNamingBoth() {
        assertThat(
                        PreloadSizing.shortInterval(
                                "throughput-stateful-s10-10k-hashmap-mini-eo",
                                4.2,
                                Duration.ofSeconds(20),
                                "the preload was read before the measured interval ended"))
                .hasValue(
                        "throughput-stateful-s10-10k-hashmap-mini-eo: measured interval 4.2 s, 20 s"
                                + " required (the preload was read before the measured interval"
                                + " ended)");
        assertThat(PreloadSizing.shortInterval("c", 19.99, Duration.ofSeconds(20), "x"))
                .isPresent();
        assertThat(PreloadSizing.shortInterval("c", Double.NaN, Duration.ofSeconds(20), "why"))
                .hasValue("c: measured interval none, 20 s required (why)");
        assertThat(PreloadSizing.shortInterval("c", 20.0, Duration.ofSeconds(20), "x")).isEmpty();
        assertThat(PreloadSizing.shortInterval("c", 21.3, Duration.ofSeconds(20), "x")).isEmpty();
    }
}
