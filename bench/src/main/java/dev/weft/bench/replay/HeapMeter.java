package dev.weft.bench.replay;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.function.Supplier;

/**
 * Measures how many heap bytes an object graph keeps alive: used heap after repeated full GCs, with and without
 * the object held in a live reference. The figure is approximate (a few KB of noise from class loading and JIT
 * bookkeeping) but stable run to run for graphs of hundreds of KB and more.
 */
public final class HeapMeter {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapMeter() {
    }

    /**
     * Builds the object with {@code build} and returns the growth of used heap after GC it causes while the
     * object is still referenced. Temporary garbage made while building is collected first, so it is not counted.
     */
    public static long retainedBytes(Supplier<?> build) {
        long before = usedAfterGc();
        Object kept = build.get();
        long after = usedAfterGc();
        Reference.reachabilityFence(kept);
        return after - before;
    }

    /** Used heap after GC has settled (up to 6 {@code System.gc()} calls until two readings agree within 1 KB). */
    public static long usedAfterGc() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc();
            try {
                Thread.sleep(15);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }
}
