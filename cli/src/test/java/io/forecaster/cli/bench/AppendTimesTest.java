package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tests for {@link AppendTimes}. */
class AppendTimesTest {

    @Test
    void takesASampledPointsAppendTimeOnce() {
        AppendTimes t = new AppendTimes(10, 4, 8);
        for (long e = 100; e < 105; e++) {
            t.put(4, e, e + 1000);
        }
        assertThat(t.take(4, 102)).isEqualTo(1102);
        assertThat(t.take(4, 102)).as("taken before").isEqualTo(-1);
        assertThat(t.take(4, 104)).isEqualTo(1104);
        assertThat(t.take(4, 100)).isEqualTo(1100);
        assertThat(t.take(4, 99)).as("never recorded").isEqualTo(-1);
        assertThat(t.take(4, 105)).as("not yet recorded").isEqualTo(-1);
    }

    @Test
    void keysAreSeparateAndUnsampledKeysUnknown() {
        AppendTimes t = new AppendTimes(10, 4, 8);
        t.put(0, 7, 70);
        t.put(8, 7, 80);
        t.put(5, 7, 50);
        assertThat(t.take(0, 7)).isEqualTo(70);
        assertThat(t.take(8, 7)).isEqualTo(80);
        assertThat(t.take(5, 7)).isEqualTo(-1);
        assertThat(t.take(-1, 7)).isEqualTo(-1);
        assertThat(t.take(12, 7)).as("beyond the keys").isEqualTo(-1);
    }

    @Test
    void keepsTheLatestCapacityPointsPerKey() {
        AppendTimes t = new AppendTimes(1, 1, 5); // rounded up to 8
        for (long e = 0; e < 20; e++) {
            t.put(0, e * 10, e);
        }
        assertThat(t.take(0, 110)).as("overwritten").isEqualTo(-1);
        assertThat(t.take(0, 120)).isEqualTo(12);
        assertThat(t.take(0, 190)).isEqualTo(19);
        assertThat(t.take(0, 155)).as("between two points").isEqualTo(-1);
    }

    @Test
    void capacityCoversTheRetentionAtTheStreamsRate() {
        assertThat(AppendTimes.capacityFor(143_839, 10_000, 60)).isEqualTo(864);
        assertThat(AppendTimes.capacityFor(100, 10_000, 60)).isEqualTo(64);
        assertThat(AppendTimes.capacityFor(1_000_000, 1, 60)).isEqualTo(1 << 20);
        assertThatThrownBy(() -> new AppendTimes(0, 1, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keys 0");
    }
}
