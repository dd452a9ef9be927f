package io.forecaster.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link ReplayCommand}'s argument checks (no broker needed). */
class ReplayCommandTest {

    @TempDir Path dir;

    @Test
    void aColumnItCannotTellIsAUsageErrorNamingTheOption() throws IOException {
        Path f =
                Files.writeString(
                        dir.resolve("s.csv"),
                        ",Date,Monthly Mean Total Sunspot Number\n0,1749-01-31,96.7\n");
        ReplayCommandITCase.Run run =
                ReplayCommandITCase.replay(
                        "-b", "127.0.0.1:1", "-t", "x", "--no-progress", f.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("forecaster replay: --key-column: cannot tell the key column");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void rejectsFilesAndTopicTogetherAndBothSpeeds() throws IOException {
        Path f = Files.writeString(dir.resolve("w.csv"), "key,date,value\nA,1961-01-01,1\n");
        assertThat(ReplayCommandITCase.replay("-t", "x", "--from-topic", "y", f.toString()).exit())
                .isEqualTo(2);
        ReplayCommandITCase.Run both =
                ReplayCommandITCase.replay(
                        "-t", "x", "--rate", "5", "--speedup", "10", f.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }
}
