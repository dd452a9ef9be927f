package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link Stalls}. */
class StallsTest {

    @Test
    void aTimelineRowPerSecondWithTheCheckpointsStartedInIt() {
        LatencySeries series = new LatencySeries();
        long t0 = 1_000_000;
        for (int i = 1; i <= 100; i++) {
            series.add(t0 + 10 * i, i, i / 2, i - i / 2); // second 0: 1..99 ms, second 1: 100
        }
        series.add(t0 + 2500, 700, 100, 600);
        try (Stalls stalls = new Stalls()) {
            stalls.checkpoint(7, t0 + 2100, 450);
            stalls.checkpoint(7, t0 + 2100, 460); // seen again, completed: replaced
            stalls.checkpoint(8, t0 + 5000, 90);
            String csv = stalls.timeline("case-a", 2, t0, series.perSecond(t0, t0 + 3000));
            List<String> rows = csv.lines().toList();
            assertThat(rows).hasSize(3);
            assertThat(rows.get(0)).startsWith("case-a,2,0,99,50,99,99,");
            assertThat(rows.get(1)).startsWith("case-a,2,1,1,100,100,100,");
            assertThat(rows.get(2)).startsWith("case-a,2,2,1,700,700,700,600,").endsWith(",460");
            assertThat(rows.get(0)).endsWith(",");
            assertThat(Stalls.HEADER.split(",")).hasSize(rows.get(2).split(",").length);
        }
    }

    @Test
    void seesThisJvmsCollections() {
        try (Stalls stalls = new Stalls()) {
            long before = System.currentTimeMillis();
            System.gc();
            long deadline = System.currentTimeMillis() + 5000;
            while (stalls.collections().isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(stalls.collections()).isNotEmpty();
            Stalls.Event e = stalls.collections().get(0);
            assertThat(e.at()).isBetween(before - 1000, System.currentTimeMillis());
            assertThat(stalls.collectionsBetween(before - 1000, Long.MAX_VALUE))
                    .startsWith("collections ")
                    .doesNotStartWith("collections 0 ");
        }
    }
}
