package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link SlidingCount}. */
class SlidingCountTest {

    /** The entry numbers (1-based) at which a ring of capacity W emits. */
    static List<Long> emitting(SlidingCount rule, long entries) {
        List<Long> out = new ArrayList<>();
        for (long n = 1; n <= entries; n++) {
            int count = (int) Math.min(n, rule.size());
            if (rule.emitsAt(count, n)) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void emitsOnceFullThenEverySlideEntries() {
        assertThat(emitting(new SlidingCount(3, 2), 9)).containsExactly(3L, 5L, 7L, 9L);
        assertThat(emitting(new SlidingCount(3, 1), 5)).containsExactly(3L, 4L, 5L);
        assertThat(emitting(new SlidingCount(1, 4), 9)).containsExactly(1L, 5L, 9L);
    }

    @Test
    void neverEmitsBeforeTheWindowIsFull() {
        assertThat(new SlidingCount(3, 1).emitsAt(2, 3)).isFalse();
    }
}
