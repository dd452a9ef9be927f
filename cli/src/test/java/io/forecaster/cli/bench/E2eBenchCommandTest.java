package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link E2eBenchCommand}'s case list. */
class E2eBenchCommandTest {

    @Test
    void identityAddsEachCasesIdentityTwinRightAfterIt() {
        List<BenchCase> cases =
                BenchCase.parseAll(
                        List.of(
                                "throughput:stateful-s10:10k",
                                "throughput:baseline:10k",
                                "throughput:window-s1:1k",
                                "throughput:window-s1:1k:identity",
                                "latency:stateful-s10:10k:alo:rate=half"));
        assertThat(E2eBenchCommand.withIdentityTwins(cases))
                .extracting(BenchCase::name)
                .containsExactly(
                        "throughput-stateful-s10-10k-hashmap-mini-eo",
                        "throughput-stateful-s10-10k-hashmap-mini-eo-identity",
                        "throughput-baseline-dl4j-s1-10k-hashmap-mini-eo",
                        "throughput-window-s1-1k-hashmap-mini-eo",
                        "throughput-window-s1-1k-hashmap-mini-eo-identity",
                        "latency-stateful-s10-10k-hashmap-mini-alo-half",
                        "latency-stateful-s10-10k-hashmap-mini-alo-half-identity");
    }
}
