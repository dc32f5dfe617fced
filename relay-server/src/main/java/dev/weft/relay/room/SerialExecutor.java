package dev.weft.relay.room;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import dev.weft.relay.log.Log;
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

    /**
     * Runs {@code task} on the calling thread if no task of this executor is queued or running, else queues it like
     * {@link #execute}. Either way the serial guarantees hold: no overlap, submission order, each task sees the
     * previous ones' effects (the hand-over of {@link #running} is under the lock). Saves the hand-off to the pool
     * (a thread wake-up) for short tasks arriving at an idle executor.
     */
    public void executeInlineIfIdle(Runnable task) {
        synchronized (this) {
            if (running) {
                tasks.add(task);
                return;
            }
            running = true;
        }
        runLogged(task);
        synchronized (this) {
            if (tasks.isEmpty()) {
                running = false;
                return;
            }
        }
        pool.execute(this::drain); // tasks queued meanwhile: the pool runs them, still one at a time
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
            runLogged(next);
        }
        pool.execute(this::drain);
    }

    /**
     * Runs {@code task}; a failure is logged and does not stop the tasks after it. Every {@link Throwable} is caught,
     * {@link Error}s included: an {@code OutOfMemoryError} escaping here would leave {@link #running} set with no
     * drain scheduled, and the room would never run a task again. (Tasks that can answer a client catch their own
     * failures first, see {@code MessageDispatcher}; this is the last line.)
     */
    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (Throwable e) {
            try {
                Log.error(LOG, "room.task_failed", e);
            } catch (Throwable ignored) {
                // logging itself failed (e.g. out of memory again): nothing more can be done, keep the room serving
            }
        }
    }
}
