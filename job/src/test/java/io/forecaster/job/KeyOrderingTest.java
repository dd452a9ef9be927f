package io.forecaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.forecaster.connectors.DeadLetterReasons;
import org.junit.jupiter.api.Test;

/** Tests for {@link KeyOrdering}. */
class KeyOrderingTest {

    static final long BEGINNING = 1_000_000L;
    static final long ONE_MINUTE_LATER = BEGINNING + 60_000L;

    static KeyWindow releasedUpTo(long t) {
        KeyWindow w = KeyWindow.empty(3);
        w.append(t, 1.0);
        return w;
    }

    @Test
    void acceptsAPointWhoseReleaseIsAheadOfTheWatermark() {
        assertThat(KeyOrdering.rejection(null, false, ONE_MINUTE_LATER, BEGINNING, 0, false))
                .isNull();
        assertThat(KeyOrdering.rejection(null, false, BEGINNING, BEGINNING, 1, false)).isNull();
    }

    @Test
    void aPointAtOrBehindTheWatermarkIsLate() {
        assertThat(KeyOrdering.rejection(null, false, BEGINNING, BEGINNING, 0, false))
                .isEqualTo(DeadLetterReasons.LATE);
        assertThat(
                        KeyOrdering.detail(
                                DeadLetterReasons.LATE,
                                "VAL",
                                null,
                                BEGINNING,
                                BEGINNING,
                                0,
                                false))
                .contains("not after the watermark " + BEGINNING);
    }

    @Test
    void aRepeatedTimeIsADuplicateWhileHeldOrLastReleasedElseLate() {
        assertThat(KeyOrdering.rejection(null, true, ONE_MINUTE_LATER, BEGINNING, 0, false))
                .isEqualTo(DeadLetterReasons.DUPLICATE);
        KeyWindow w = releasedUpTo(BEGINNING);
        assertThat(KeyOrdering.rejection(w, false, BEGINNING, BEGINNING - 1, 0, false))
                .isEqualTo(DeadLetterReasons.DUPLICATE);
        w.append(ONE_MINUTE_LATER, 2.0);
        assertThat(KeyOrdering.rejection(w, false, BEGINNING, ONE_MINUTE_LATER, 0, false))
                .isEqualTo(DeadLetterReasons.LATE);
    }

    @Test
    void releasedOnArrivalAPointBeforeTheKeysNewestIsLateWhateverTheWatermark() {
        KeyWindow w = releasedUpTo(BEGINNING);
        w.newest = ONE_MINUTE_LATER;
        long between = BEGINNING + 1_000;
        assertThat(KeyOrdering.rejection(w, false, between, Long.MIN_VALUE, 0, false)).isNull();
        assertThat(KeyOrdering.rejection(w, false, between, Long.MIN_VALUE, 0, true))
                .isEqualTo(DeadLetterReasons.LATE);
        assertThat(
                        KeyOrdering.detail(
                                DeadLetterReasons.LATE, "VAL", w, between, Long.MIN_VALUE, 0, true))
                .contains("before sensor VAL's newest point at " + ONE_MINUTE_LATER);
        // behind the watermark it is late for that reason, which the detail names
        assertThat(KeyOrdering.detail(DeadLetterReasons.LATE, "VAL", w, between, between, 0, true))
                .contains("not after the watermark " + between);
        // the newest itself and anything after it is accepted (or a duplicate)
        assertThat(KeyOrdering.rejection(w, false, ONE_MINUTE_LATER + 1, BEGINNING, 0, true))
                .isNull();
    }

    @Test
    void restartsAtTheFirstPointAndAfterALongerGapOnly() {
        assertThat(KeyOrdering.restarts(KeyWindow.empty(0), BEGINNING, 0)).isTrue();
        KeyWindow w = releasedUpTo(BEGINNING);
        assertThat(KeyOrdering.restarts(w, ONE_MINUTE_LATER, 0)).isFalse();
        assertThat(KeyOrdering.restarts(w, ONE_MINUTE_LATER, 60_000)).isFalse();
        assertThat(KeyOrdering.restarts(w, ONE_MINUTE_LATER + 1, 60_000)).isTrue();
    }

    @Test
    void timesSaturateInsteadOfOverflowing() {
        assertThat(KeyOrdering.releaseTime(Long.MAX_VALUE - 1, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(KeyOrdering.quietTime(BEGINNING, 5)).isEqualTo(BEGINNING + 5);
    }
}
