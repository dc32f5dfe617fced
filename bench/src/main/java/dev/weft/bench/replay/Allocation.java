package dev.weft.bench.replay;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the calling thread, from HotSpot's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean}); -1 where the JVM does not offer it.
 */
public final class Allocation {

    /** HotSpot's bean, or null on a JVM without per-thread allocation counting. */
    private static final com.sun.management.ThreadMXBean BEAN = bean();

    private Allocation() {
    }

    /** Total bytes the calling thread has allocated so far, or -1 if unknown. */
    public static long thread() {
        return BEAN == null ? -1 : BEAN.getCurrentThreadAllocatedBytes();
    }

    /** Bytes the calling thread allocated since {@code start} (a {@link #thread()} value), or -1 if unknown. */
    public static long since(long start) {
        return start < 0 ? -1 : thread() - start;
    }

    private static com.sun.management.ThreadMXBean bean() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
                && b.isThreadAllocatedMemorySupported() && b.isThreadAllocatedMemoryEnabled()) {
            return b;
        }
        return null;
    }
}
