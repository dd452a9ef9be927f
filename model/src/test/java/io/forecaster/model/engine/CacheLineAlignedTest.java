package io.forecaster.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link CacheLineAligned}. */
class CacheLineAlignedTest {

    private static float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.5f - 7f;
        }
        return v;
    }

    private static float[] contents(CacheLineAligned a) {
        return Arrays.copyOfRange(a.array(), a.offset(), a.offset() + a.length());
    }

    @Test
    void findsAddressesOnThisJvm() {
        // HotSpot with compressed or plain oops: the encoding is recognised, so the engine's
        // weights are aligned here (elsewhere the class falls back to offset 0).
        assertThat(CacheLineAligned.Addresses.SHIFT).isIn(0, 3, 4, 5, 6);
    }

    @Test
    void keepsTheValuesOnACacheLineAcrossGarbageCollections() {
        float[] v = values(24_577);
        List<CacheLineAligned> arrays = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            arrays.add(new CacheLineAligned(v));
        }
        for (CacheLineAligned a : arrays) {
            a.realign(); // making the later arrays may have moved the earlier ones
            assertThat(a.aligned()).isTrue();
            assertThat(a.offset()).isBetween(0, 15);
            assertThat(contents(a)).containsExactly(v);
        }
        // Eight-byte aligned arrays land on 8 possible line offsets: 16 arrays all aligned
        // without moving any data would be a 1 in 8^16 chance, so some offsets are not 0.
        assertThat(arrays).anySatisfy(a -> assertThat(a.offset()).isPositive());

        List<byte[]> garbage = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 2_000; i++) {
                garbage.add(new byte[1 + i % 700]);
            }
            System.gc(); // may move the arrays to differently aligned addresses
            for (CacheLineAligned a : arrays) {
                int off = a.realign();
                assertThat(off).isEqualTo(a.offset());
                assertThat(a.aligned()).isTrue();
                assertThat(contents(a)).containsExactly(v);
            }
            garbage.clear();
        }
    }
}
