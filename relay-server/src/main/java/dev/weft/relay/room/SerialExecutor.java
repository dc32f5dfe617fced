package dev.weft.relay.room;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs submitted tasks one at a time, in submission order, on a shared pool: the tasks of one instance never
 * overlap, and each sees the effects of the previous ones (the pool hand-off is a happens-before edge).
 */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());

    /** Pool that runs the tasks; immutable. */
    private final Executor pool;
    /** Waiting tasks; guarded by {@code this}. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    /** True while a drain of {@link #tasks} is scheduled or running on the pool; guarded by {@code this}. */
    private boolean running;

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        pool.execute(this::drain);
    }

    private void drain() {
        // Bounded per hand-off so one busy room cannot starve the others sharing the pool.
        for (int i = 0; i < 64; i++) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | AssertionError e) {
                LOG.log(Level.SEVERE, "room task failed (bug)", e);
            }
        }
        pool.execute(this::drain);
    }
}
