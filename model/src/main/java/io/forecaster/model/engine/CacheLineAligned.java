package io.forecaster.model.engine;

import java.lang.reflect.Field;

/**
 * A float array whose data is kept starting on a 64-byte (cache line) boundary. HotSpot aligns
 * arrays to 8 bytes only, so a 512-bit load from an arbitrary array usually spans two cache lines;
 * on the LSTM gate loops that costs up to 1.45x (docs/benchmarks.md, "Cache-line alignment"). The
 * array is allocated with 64 bytes of slack and the data sits at {@link #offset()}: {@link
 * #realign()} (cheap; called once per step) moves it within the same array when the garbage
 * collector has moved the array to a differently aligned address.
 *
 * <p>The address comes from {@code sun.misc.Unsafe} (module {@code jdk.unsupported}, exported by
 * default). Where it is unavailable, or the JVM's object pointer encoding is not recognised, the
 * data stays at offset 0 and nothing else changes: alignment is only ever a matter of speed, every
 * reader goes through {@link #offset()}.
 */
final class CacheLineAligned {

    static final int LINE = 64;
    private static final int SLACK = LINE / Float.BYTES;

    private final float[] data;
    private final int length;
    private final Object[] holder = new Object[1];
    private int offset;

    /** A copy of {@code values}, aligned if this JVM allows. */
    CacheLineAligned(float[] values) {
        length = values.length;
        data = new float[length + SLACK];
        System.arraycopy(values, 0, data, 0, length);
        realign();
    }

    /** The backing array; the values are at [{@link #offset()}, offset + length). */
    float[] array() {
        return data;
    }

    int offset() {
        return offset;
    }

    int length() {
        return length;
    }

    /** Moves the values to the aligned offset if the array has moved; returns the offset. */
    int realign() {
        long address = Addresses.ofArrayData(data, holder);
        if (address < 0) {
            return offset;
        }
        int want = (int) ((LINE - (address & (LINE - 1))) & (LINE - 1)) / Float.BYTES;
        if (want != offset && (address & (Float.BYTES - 1)) == 0) {
            System.arraycopy(data, offset, data, want, length);
            offset = want;
        }
        return offset;
    }

    /** True when the values start on a cache line boundary now (false if unknown). */
    boolean aligned() {
        long address = Addresses.ofArrayData(data, holder);
        return address >= 0 && ((address + (long) offset * Float.BYTES) & (LINE - 1)) == 0;
    }

    /** Object addresses through Unsafe, or -1 where that is not possible. */
    static final class Addresses {

        private static final sun.misc.Unsafe U = unsafe();
        private static final long OBJECTS_BASE = U == null ? 0 : U.arrayBaseOffset(Object[].class);
        private static final long FLOATS_BASE = U == null ? 0 : U.arrayBaseOffset(float[].class);
        private static final int OOP_BYTES = U == null ? 0 : U.arrayIndexScale(Object[].class);

        /** Compressed oop shift: 0 (unscaled), log2(object alignment), or -1 if unknown. */
        static final int SHIFT = detectShift();

        private Addresses() {}

        private static sun.misc.Unsafe unsafe() {
            try {
                Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                return (sun.misc.Unsafe) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        private static long raw(Object[] holder) {
            return OOP_BYTES == 8
                    ? U.getLong(holder, OBJECTS_BASE)
                    : U.getInt(holder, OBJECTS_BASE) & 0xFFFF_FFFFL;
        }

        /**
         * Compressed oops are addresses shifted right by log2(object alignment), except in the
         * unscaled mode (small heaps), where they are the addresses themselves: then every object's
         * raw value is a multiple of the alignment, which a shifted encoding makes vanishingly
         * unlikely for 64 objects.
         */
        private static int detectShift() {
            if (U == null || (OOP_BYTES != 4 && OOP_BYTES != 8)) {
                return -1;
            }
            if (OOP_BYTES == 8) {
                return 0;
            }
            int alignment = objectAlignment();
            if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
                return -1;
            }
            Object[] holder = new Object[1];
            boolean allMultiples = true;
            for (int i = 0; i < 64 && allMultiples; i++) {
                holder[0] = new float[1 + (i % 3)];
                allMultiples = (raw(holder) & (alignment - 1)) == 0;
            }
            return allMultiples ? 0 : Integer.numberOfTrailingZeros(alignment);
        }

        private static int objectAlignment() {
            try {
                var bean =
                        java.lang.management.ManagementFactory.getPlatformMXBean(
                                com.sun.management.HotSpotDiagnosticMXBean.class);
                return Integer.parseInt(bean.getVMOption("ObjectAlignmentInBytes").getValue());
            } catch (RuntimeException | LinkageError e) {
                return -1;
            }
        }

        /**
         * Address of {@code array[0]} now, or -1. {@code holder} is a one-element scratch array (so
         * that asking allocates nothing).
         */
        static long ofArrayData(float[] array, Object[] holder) {
            if (SHIFT < 0) {
                return -1;
            }
            holder[0] = array;
            long address = (raw(holder) << SHIFT) + FLOATS_BASE;
            holder[0] = null;
            return address;
        }
    }
}
