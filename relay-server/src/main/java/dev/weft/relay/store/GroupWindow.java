package dev.weft.relay.store;

import java.util.concurrent.TimeUnit;

/**
 * How long the {@link BatchingWriter} may hold a batch to gather more writes into one commit; immutable.
 *
 * @param windowNanos longest wait after the batch's first write was taken; 0 or less: never wait
 * @param enoughWrites a batch of this many writes is committed without waiting further
 */
public record GroupWindow(long windowNanos, int enoughWrites) {
    /** Never waits: every commit takes whatever is queued (the behaviour before the window existed). */
    public static final GroupWindow NONE = new GroupWindow(0, 1);

    public GroupWindow {
        if (enoughWrites < 1) {
            throw new IllegalArgumentException("enoughWrites must be at least 1, was " + enoughWrites);
        }
    }

    /** A window of {@code micros} microseconds that ends early at {@code enoughWrites} writes. */
    public static GroupWindow ofMicros(long micros, int enoughWrites) {
        return new GroupWindow(TimeUnit.MICROSECONDS.toNanos(micros), enoughWrites);
    }
}
