package io.forecaster.job;

import java.io.Serializable;

/**
 * The sliding count window both operators follow: a key's last {@code size} (W) points, and a
 * forecast every {@code slide} (S) points once W are present.
 *
 * @param size W: points per window (and predictions per forecast)
 * @param slide S: points between two forecasts of a key
 */
public record SlidingCount(int size, int slide) implements Serializable {

    /**
     * Whether a key that holds {@code count} entries after its {@code n}-th one (counted from the
     * key's start, or its last reset) emits a window now: the window is full and {@code n - W} is a
     * multiple of S.
     */
    public boolean emitsAt(int count, long n) {
        return count == size && (n - size) % slide == 0;
    }
}
