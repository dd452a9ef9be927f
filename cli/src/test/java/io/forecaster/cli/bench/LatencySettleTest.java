package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link LatencySettle} and the windows of {@link LatencySeries}. */
class LatencySettleTest {

    @Test
    void theWarmUpEndsOnceThreeWindowsP99sLieWithinAQuarterOfEachOther() {
        // a first case of a JVM: compiling, a backlog draining, then flat
        List<Double> p99s = List.of(7849.0, 3000.0, 400.0, 130.0, 120.0, 135.0, 118.0);
        assertThat(LatencySettle.settledAfter(p99s, 2)).isEqualTo(6);
        // still falling: not settled
        assertThat(LatencySettle.settledAfter(p99s.subList(0, 5), 2)).isEqualTo(-1);
        // the highest at most 1.25 times the lowest, in any order
        assertThat(LatencySettle.settledAfter(List.of(100.0, 124.0, 110.0), 0)).isEqualTo(3);
        assertThat(LatencySettle.settledAfter(List.of(100.0, 126.0, 110.0), 0)).isEqualTo(-1);
        // noise on a busy machine: a rise, then a fall of more than 20%, then flat
        assertThat(LatencySettle.settledAfter(List.of(147.0, 196.0, 151.0, 140.0, 150.0), 0))
                .isEqualTo(5);
    }

    @Test
    void aBacklogDrainingOrBuildingHasNotSettled() {
        // draining 15-20% a window: each step small, still falling
        assertThat(LatencySettle.settledAfter(List.of(9039.0, 7585.0, 6136.0, 5100.0), 0))
                .isEqualTo(-1);
        // building: no steady state (the case stops at --settle-max and says so)
        assertThat(LatencySettle.settledAfter(List.of(100.0, 400.0, 1600.0, 6400.0), 0))
                .isEqualTo(-1);
        // building slowly, seconds behind: within the band, but rising window on window by more
        // than 200 ms over the three (a stateful case at too high a rate printed these)
        List<Double> slow = List.of(3389.0, 3405.0, 3746.0, 4004.0, 4390.0);
        assertThat(LatencySettle.settledAfter(slow, 0)).isEqualTo(-1);
        // the same figures without the steady rise have settled
        assertThat(LatencySettle.settledAfter(List.of(3389.0, 3746.0, 3405.0), 0)).isEqualTo(3);
        // a rise window on window of at most 200 ms, or one that falls back, is noise
        assertThat(LatencySettle.settledAfter(List.of(5046.0, 5100.0, 5246.0), 0)).isEqualTo(3);
        assertThat(LatencySettle.settledAfter(List.of(5046.0, 5435.0, 5400.0), 0)).isEqualTo(3);
        assertThat(LatencySettle.settledAfter(List.of(5046.0, 5100.0, 5247.0, 5100.0), 0))
                .isEqualTo(4);
        // draining slowly, a second behind after a restart: within the band, but falling window
        // on window by more than 200 ms over the three (a stateful case printed these)
        List<Double> draining = List.of(1473.0, 1361.0, 1202.0, 980.0, 700.0);
        assertThat(LatencySettle.settledAfter(draining, 0)).isEqualTo(-1);
        assertThat(LatencySettle.settledAfter(List.of(1473.0, 1202.0, 1361.0), 0)).isEqualTo(3);
        // a fall of at most 200 ms over the three is noise
        assertThat(LatencySettle.settledAfter(List.of(1473.0, 1361.0, 1274.0), 0)).isEqualTo(3);
        assertThat(LatencySettle.settledAfter(List.of(1473.0, 1361.0, 1272.0), 0)).isEqualTo(-1);
    }

    @Test
    void aJobReadingLessThan97PercentOfTheRateAskedHasNotKeptUp() {
        assertThat(LatencySettle.keptUp(132_010, 142_791)).isFalse(); // 92%
        assertThat(LatencySettle.keptUp(138_000, 142_791)).isFalse();
        assertThat(LatencySettle.keptUp(139_000, 142_791)).isTrue();
        assertThat(LatencySettle.keptUp(175_360, 171_238)).isTrue(); // a backlog draining
        assertThat(LatencySettle.keptUp(Double.NaN, 100)).isTrue(); // no REST figures
    }

    @Test
    void theWarmUpLastsAtLeastTheGivenWindowsAndNeedsSamplesInEach() {
        List<Double> flat = List.of(100.0, 100.0, 100.0, 100.0, 100.0);
        assertThat(LatencySettle.settledAfter(flat, 0)).isEqualTo(3);
        assertThat(LatencySettle.settledAfter(flat, 4)).isEqualTo(4);
        assertThat(LatencySettle.settledAfter(flat, 6)).isEqualTo(-1);
        assertThat(LatencySettle.settledAfter(List.of(100.0, Double.NaN, 100.0, 100.0), 0))
                .isEqualTo(-1);
        assertThat(LatencySettle.windowsIn(Duration.ofSeconds(10))).isEqualTo(2);
        assertThat(LatencySettle.windowsIn(Duration.ofSeconds(11))).isEqualTo(3);
    }

    @Test
    void aWindowCountsOnceAPointAppendedASecondAfterItsEndWasRead() {
        LatencySeries s = new LatencySeries();
        long t0 = 1_000_000;
        // window 0: latencies 1..100 ms; window 1: 1000..1099 ms
        for (int i = 0; i < 100; i++) {
            s.add(t0 + i * 40, 100 - i, 1, 1);
            s.add(t0 + 5000 + i * 40, 1000 + i, 1, 1);
        }
        // the latest sample read was appended at t0 + 8960: window 1 ends at t0 + 10000
        assertThat(s.windowP99s(t0, 5000, Long.MAX_VALUE, 0)).containsExactly(99.0);
        s.add(t0 + 11_000, 5, 1, 1);
        assertThat(s.windowP99s(t0, 5000, Long.MAX_VALUE, 0)).containsExactly(99.0, 1098.0);
        assertThat(s.windowP99s(t0, 5000, Long.MAX_VALUE, 1)).containsExactly(1098.0);
        // no further than until
        assertThat(s.windowP99s(t0, 5000, t0 + 9999, 0)).containsExactly(99.0);
        LatencySeries.Figures f = s.between(t0 + 5000, t0 + 10_000);
        assertThat(f.total().count()).isEqualTo(100);
        assertThat(f.total().percentile(50)).isEqualTo(1049.0);
        assertThat(LatencyPhases.format(List.of(7849.4, Double.NaN, 118.0)))
                .isEqualTo("7849 - 118");
    }
}
