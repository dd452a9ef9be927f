package io.forecaster.training.data;

import java.nio.file.Path;

/** Paths of the real data slices copied into the test resources. */
public final class TestData {

    /** The course's Sunspots.csv (all 3,235 months). */
    public static final Path SUNSPOTS = resource("Sunspots.csv");

    /** The first 300 days of stations VAL and BEL from wind_daily_long.csv. */
    public static final Path WIND_SLICE = resource("wind_slice.csv");

    public static final String SUNSPOT_COLUMN = "Monthly Mean Total Sunspot Number";

    private TestData() {}

    private static Path resource(String name) {
        return TestResources.file(TestData.class, name);
    }
}
