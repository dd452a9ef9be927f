package io.forecaster.job;

import io.forecaster.model.grid.TimeGrid;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link OrderedSlidingWindow} needs to know; made by {@link ForecastOptions#windowSettings}.
 *
 * @param mode window (emit full windows) or stateful (emit every point as a step)
 * @param window W and S
 * @param allowedLateness how long a point is held after its event time before release
 * @param resetGap stateful mode: a gap longer than this restarts the key (0 disables)
 * @param quietTimeout a key's state is removed once the watermark passes its newest point by this
 * @param sourceTopic the points topic, named in dead letters
 * @param grid the time grid, or null: count windows of the points as they come
 * @param release when a key's points are released: at the watermark (in event-time order) or as
 *     they arrive
 */
public record WindowSettings(
        ForecastOptions.Mode mode,
        SlidingCount window,
        Duration allowedLateness,
        Duration resetGap,
        Duration quietTimeout,
        String sourceTopic,
        TimeGrid grid,
        ForecastOptions.Release release)
        implements Serializable {

    /** Settings without a time grid, released at the watermark. */
    public WindowSettings(
            ForecastOptions.Mode mode,
            SlidingCount window,
            Duration allowedLateness,
            Duration resetGap,
            Duration quietTimeout,
            String sourceTopic) {
        this(
                mode,
                window,
                allowedLateness,
                resetGap,
                quietTimeout,
                sourceTopic,
                null,
                ForecastOptions.Release.WATERMARK);
    }

    public WindowSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(allowedLateness, "allowedLateness");
        Objects.requireNonNull(resetGap, "resetGap");
        Objects.requireNonNull(quietTimeout, "quietTimeout");
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(release, "release");
    }
}
