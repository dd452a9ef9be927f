package io.forecaster.model.engine;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Where the vector kernel's LSTM weights start inside their arrays. HotSpot places arrays on 8-byte
 * boundaries by default, so a 512-bit load from them usually has a 256-bit half crossing a cache
 * line, which at batch 1 (one load per multiply-add) costs 9-12% depending on where each JVM
 * happened to put the arrays (docs/benchmarks.md, "Spread between JVMs at batch 1"). A JVM started
 * with {@code -XX:ObjectAlignmentInBytes=32} (or 64) starts every array's elements at the same
 * offset past a 32-byte boundary, the array header's size; the weights then start {@link #ORIGIN}
 * floats into their arrays, on a 32-byte boundary in every JVM and after every GC. Read through the
 * platform's diagnostic MXBean (no {@code sun.misc.Unsafe}); anything else gives 0, the plain
 * layout.
 */
final class Placement {

    /** Floats of padding before the LSTM weights in their arrays. */
    static final int ORIGIN = origin();

    private Placement() {}

    private static int origin() {
        try {
            HotSpotDiagnosticMXBean vm =
                    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            int alignment = Integer.parseInt(vm.getVMOption("ObjectAlignmentInBytes").getValue());
            boolean compressedClass =
                    Boolean.parseBoolean(vm.getVMOption("UseCompressedClassPointers").getValue());
            boolean compactHeaders = false;
            try {
                compactHeaders =
                        Boolean.parseBoolean(vm.getVMOption("UseCompactObjectHeaders").getValue());
            } catch (IllegalArgumentException e) {
                // no such option before Java 24
            }
            if (alignment < 32 || !compressedClass || compactHeaders) {
                return 0;
            }
            // a float[]'s elements start 16 bytes into it: mark word, class pointer, length
            return (32 - 16) / Float.BYTES;
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }
}
