package io.forecaster.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

/** Tests for {@link BenchCase} and {@link BenchSetting}. */
class BenchCaseTest {

    @Test
    void parsesKindSettingKeysAndOptions() {
        BenchCase c = BenchCase.parse("latency:stateful-s10:10k:rocksdb:at-least-once:rate=5000");
        assertThat(c.kind()).isEqualTo(BenchCase.Kind.LATENCY);
        assertThat(c.setting()).isEqualTo(BenchSetting.STATEFUL_S10);
        assertThat(c.keys()).isEqualTo(10_000);
        assertThat(c.backend()).isEqualTo("rocksdb");
        assertThat(c.cluster()).isEqualTo("mini");
        assertThat(c.delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(c.rate()).isEqualTo(5000);
        assertThat(c.name()).isEqualTo("latency-stateful-s10-10k-rocksdb-mini-alo-5000");
    }

    @Test
    void latencyRatesAreAbsoluteOrAShareOfTheMeasuredMaximum() {
        BenchCase half = BenchCase.parse("latency:window-s1:1k:rate=half");
        assertThat(half.rate()).isZero();
        assertThat(half.ratePercent()).isEqualTo(50);
        assertThat(half.name()).endsWith("-eo-half");
        BenchCase quarter = BenchCase.parse("latency:window-s1:1k:at-least-once:rate=25%");
        assertThat(quarter.ratePercent()).isEqualTo(25);
        assertThat(quarter.name()).endsWith("-alo-25pct");
        assertThat(BenchCase.parse("latency:window-s1:1k").ratePercent()).isEqualTo(50);
        assertThat(BenchCase.parse("latency:window-s1:1k:rate=2k").ratePercent()).isZero();
        assertThatThrownBy(() -> BenchCase.parse("latency:window-s1:1k:rate=150%"))
                .hasMessageContaining("rate=150%");
        assertThatThrownBy(() -> BenchCase.parse("throughput:window-s1:1k:rate=half"))
                .hasMessageContaining("latency");
    }

    @Test
    void defaultsToHashMapMiniClusterExactlyOnce() {
        BenchCase c = BenchCase.parse("throughput:baseline:100");
        assertThat(c.setting().isBaseline()).isTrue();
        assertThat(c.setting().jobOptions())
                .containsEntry("engine", "dl4j")
                .containsEntry("inference.batch-size", "1")
                .containsEntry("mode", "window")
                .containsEntry("window.slide", "1");
        assertThat(c.name()).isEqualTo("throughput-baseline-dl4j-s1-100-hashmap-mini-eo");
    }

    @Test
    void gridRunsTheJobOnATimeGridOfThePreloadsSpacing() {
        BenchCase plain = BenchCase.parse("throughput:stateful-s10:10k");
        BenchCase grid = BenchCase.parse("throughput:stateful-s10:10k:grid");
        assertThat(plain.gridInterval()).isNull();
        assertThat(grid.gridInterval()).isEqualTo("1s");
        assertThat(grid.name()).isEqualTo("throughput-stateful-s10-10k-hashmap-mini-eo-grid1s");
        assertThat(grid.sameJob(plain)).isFalse();
        assertThat(BenchCase.parse("latency:window-s1:1k:grid=1 min").name())
                .endsWith("-eo-half-grid1min");
        assertThatThrownBy(() -> BenchCase.parse("throughput:window-s1:1k:grid=soon"))
                .hasMessageContaining("grid=soon");
    }

    @Test
    void horizonAndIntervalsAreOptionsOfACase() {
        BenchCase plain = BenchCase.parse("throughput:stateful-s10:10k");
        BenchCase ahead = BenchCase.parse("throughput:stateful-s10:10k:h=10:intervals");
        assertThat(plain.horizon()).isEqualTo(1);
        assertThat(plain.intervals()).isFalse();
        assertThat(ahead.horizon()).isEqualTo(10);
        assertThat(ahead.intervals()).isTrue();
        assertThat(ahead.name())
                .isEqualTo("throughput-stateful-s10-10k-hashmap-mini-eo-h10-intervals");
        assertThat(ahead.sameJob(plain)).isFalse();
        assertThatThrownBy(() -> BenchCase.parse("throughput:window-s1:1k:h=0"))
                .hasMessageContaining("h=0");
    }

    @Test
    void modelsServesTheJobFromAModelsTopic() {
        BenchCase plain = BenchCase.parse("throughput:stateful-s10:10k");
        BenchCase models = BenchCase.parse("throughput:stateful-s10:10k:models=100");
        assertThat(plain.models()).isZero();
        assertThat(models.models()).isEqualTo(100);
        assertThat(models.name())
                .isEqualTo("throughput-stateful-s10-10k-hashmap-mini-eo-models100");
        assertThat(models.sameJob(plain)).isFalse();
        assertThat(BenchCase.parse("latency:stateful-s10:1k:models=1k").models()).isEqualTo(1000);
        assertThatThrownBy(() -> BenchCase.parse("throughput:window-s1:1k:models=0"))
                .hasMessageContaining("models=0");
        assertThatThrownBy(() -> BenchCase.parse("throughput:window-s1:1k:models=2k"))
                .hasMessageContaining("more than the 1000 keys");
    }

    @Test
    void rejectsBadSpecsNamingThePart() {
        assertThatThrownBy(() -> BenchCase.parse("speed:window-s1:1k"))
                .hasMessageContaining("kind");
        assertThatThrownBy(() -> BenchCase.parse("throughput:window-s2:1k"))
                .hasMessageContaining("window-s2");
        assertThatThrownBy(() -> BenchCase.parse("throughput:window-s1:0"))
                .hasMessageContaining("'0'");
        assertThatThrownBy(() -> BenchCase.parse("throughput:window-s1:1k:rate=5"))
                .hasMessageContaining("latency");
    }

    @Test
    void matricesParse() {
        assertThat(BenchCase.reducedMatrix()).isNotEmpty();
        assertThat(BenchCase.fullMatrix())
                .extracting(BenchCase::keys)
                .contains(1_000, 10_000, 100_000);
    }

    @Test
    void sqlIsAThroughputCaseOnTheMiniClusterOfItsOwn() {
        BenchCase sql = BenchCase.parse("throughput:stateful-s10:10k:sql");
        assertThat(sql.sql()).isTrue();
        assertThat(sql.name()).endsWith("-sql");
        assertThat(sql.sameJob(BenchCase.parse("throughput:stateful-s10:10k"))).isFalse();
        assertThatThrownBy(() -> BenchCase.parse("latency:stateful-s10:10k:sql"))
                .hasMessageContaining("sql");
        assertThatThrownBy(() -> BenchCase.parse("throughput:stateful-s10:10k:sql:standalone"))
                .hasMessageContaining("sql");
    }

    @Test
    void identityRunsTheSameJobOnTheIdentityEngine() {
        BenchCase model = BenchCase.parse("throughput:stateful-s10:10k:rocksdb");
        BenchCase identity = BenchCase.parse("throughput:stateful-s10:10k:rocksdb:identity");
        assertThat(identity.identity()).isTrue();
        assertThat(identity.name()).isEqualTo(model.name() + "-identity");
        assertThat(model.withIdentity()).isEqualTo(identity);
        assertThat(identity.isIdentityOf(model)).isTrue();
        assertThat(model.isIdentityOf(identity)).isFalse();
        // its own job: a latency case's rate=half looks for an identity throughput case
        assertThat(identity.sameJob(model)).isFalse();
        assertThat(identity.isIdentityOf(BenchCase.parse("throughput:stateful-s10:10k"))).isFalse();
        assertThat(identity.isIdentityOf(BenchCase.parse("throughput:window-s10:10k:rocksdb")))
                .isFalse();
        assertThat(
                        BenchCase.parse("latency:window-s1:1k:alo:rate=half:identity")
                                .isIdentityOf(BenchCase.parse("latency:window-s1:1k:alo:rate=25%")))
                .isFalse();
        assertThatThrownBy(() -> BenchCase.parse("throughput:baseline:1k:identity"))
                .hasMessageContaining("identity");
    }

    @Test
    void hotIsAThroughputCaseOnAFewKeys() {
        BenchCase hot = BenchCase.parse("throughput:stateful-s10:4:hot:rocksdb");
        assertThat(hot.hot()).isTrue();
        assertThat(hot.keys()).isEqualTo(4);
        assertThat(hot.name()).isEqualTo("throughput-stateful-s10-4-rocksdb-mini-eo-hot");
        assertThat(hot.sameJob(BenchCase.parse("throughput:stateful-s10:4:rocksdb"))).isFalse();
        assertThat(E2eBenchmark.pointsTopic(hot)).isEqualTo("points-4-hot");
        assertThat(E2eBenchmark.pointsTopic(BenchCase.parse("throughput:window-s1:4")))
                .isEqualTo("points-4");
        assertThatThrownBy(() -> BenchCase.parse("latency:stateful-s10:4:hot"))
                .hasMessageContaining("hot");
        assertThatThrownBy(() -> BenchCase.parse("throughput:stateful-s10:4:hot:grid"))
                .hasMessageContaining("hot");
        assertThatThrownBy(() -> BenchCase.parse("throughput:stateful-s10:10k:hot"))
                .hasMessageContaining("1000");
        assertThatThrownBy(() -> BenchCase.parse("throughput:stateful-s10:1:hot"))
                .hasMessageContaining("2 to 1000");
        assertThat(BenchCase.reducedMatrix()).contains(hot);
    }

    @Test
    void binaryPointsHaveATopicOfTheirOwnAndTheJobReadsThemAsBinary() {
        BenchCase binary = BenchCase.parse("throughput:stateful-s10:10k:binary");
        BenchCase json = BenchCase.parse("throughput:stateful-s10:10k");
        assertThat(binary.binary()).isTrue();
        assertThat(json.binary()).isFalse();
        assertThat(binary.name()).isEqualTo("throughput-stateful-s10-10k-hashmap-mini-eo-binary");
        assertThat(binary.sameJob(json)).isFalse();
        assertThat(E2eBenchmark.pointsTopic(binary)).isEqualTo("points-10k-binary");
        assertThat(E2eBenchmark.pointFormat(binary))
                .isEqualTo(io.forecaster.connectors.wire.PointFormat.BINARY);
        assertThat(E2eBenchmark.pointFormat(json))
                .isEqualTo(io.forecaster.connectors.wire.PointFormat.JSON);
        // its identity twin reads binary too, so the ratio compares like with like
        BenchCase twin = binary.withIdentity();
        assertThat(twin.binary()).isTrue();
        assertThat(twin.isIdentityOf(binary)).isTrue();
        assertThat(twin.isIdentityOf(json)).isFalse();
        assertThatThrownBy(() -> BenchCase.parse("throughput:stateful-s10:10k:binary:sql"))
                .hasMessageContaining("binary");
    }

    @Test
    void lowLatencyRunsTheJobWithTheLowLatencyProfileAtTheSameRate() {
        BenchCase plain = BenchCase.parse("latency:stateful-s10:10k:at-least-once:rate=half");
        BenchCase low =
                BenchCase.parse("latency:stateful-s10:10k:at-least-once:rate=half:low-latency");
        assertThat(plain.profile()).isEqualTo(BenchCase.DEFAULT_PROFILE);
        assertThat(low.profile()).isEqualTo("low-latency");
        assertThat(low.name()).isEqualTo(plain.name() + "-low-latency");
        // half of the same throughput case as without the profile
        assertThat(low.sameJob(BenchCase.parse("throughput:stateful-s10:10k"))).isTrue();
        // its identity twin runs the profile too, and is nobody else's twin
        BenchCase twin = low.withIdentity();
        assertThat(twin.profile()).isEqualTo("low-latency");
        assertThat(twin.name()).isEqualTo(low.name() + "-identity");
        assertThat(twin.isIdentityOf(low)).isTrue();
        assertThat(twin.isIdentityOf(plain)).isFalse();
        assertThat(plain.withIdentity().isIdentityOf(low)).isFalse();
    }
}
