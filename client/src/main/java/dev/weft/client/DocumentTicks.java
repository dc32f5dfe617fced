package dev.weft.client;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The once-a-second periodic work of {@link SharedDocument}s (awareness expiry and heartbeat, state checks), driven
 * by <em>one</em> timer task per executor rather than one per document: a folder of 5,000 files shares one engine
 * thread, and 5,000 timer tasks a second each handing a task to that thread cost more than the work they do.
 *
 * <p>Each executor's {@link Group} runs one task per {@link #PERIOD_MILLIS} on that executor, calling every
 * registered document's tick in turn; if the executor is still busy with the previous one (a long pass), the tick
 * is skipped rather than queued behind it. Thread-safe.
 */
final class DocumentTicks {
    /** How often each document's tick runs. */
    static final long PERIOD_MILLIS = 1_000;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-doc-timer");
        t.setDaemon(true);
        return t;
    });

    /** The groups by executor (identity: executors do not override equals); guarded by itself. */
    private static final Map<Executor, Group> GROUPS = new HashMap<>();

    private DocumentTicks() {
    }

    /** A registration: {@link #cancel()} stops the ticks (idempotent). */
    interface Registration {
        void cancel();
    }

    /**
     * Runs {@code tick} on {@code executor} about every {@link #PERIOD_MILLIS} until the registration is cancelled
     * or the executor refuses work. {@code tick} must be short and must not throw.
     */
    static Registration register(Executor executor, Runnable tick) {
        Group g;
        synchronized (GROUPS) {
            g = GROUPS.computeIfAbsent(executor, Group::new);
            g.ticks.add(tick);
        }
        Group group = g;
        return () -> group.remove(tick);
    }

    /** The documents of one executor and the timer task that ticks them. */
    private static final class Group {
        /** Immutable. */
        private final Executor executor;
        /** The registered ticks; added and removed under {@link #GROUPS}, iterated on the executor. */
        private final Set<Runnable> ticks = ConcurrentHashMap.newKeySet();
        /** True while a tick task is queued or running on the executor (no second one is queued meanwhile). */
        private final AtomicBoolean queued = new AtomicBoolean();
        /** The timer task; immutable once set in the constructor. */
        private final ScheduledFuture<?> task;

        Group(Executor executor) {
            this.executor = executor;
            this.task = TIMER.scheduleAtFixedRate(this::fire, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void fire() {
            if (!queued.compareAndSet(false, true)) {
                return; // the executor has not run the previous tick yet: do not pile up
            }
            try {
                executor.execute(() -> {
                    try {
                        for (Runnable t : ticks) {
                            t.run();
                        }
                    } finally {
                        queued.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                // The executor was shut down: its documents are gone.
                synchronized (GROUPS) {
                    ticks.clear();
                    stopIfEmpty();
                }
            }
        }

        void remove(Runnable tick) {
            synchronized (GROUPS) {
                ticks.remove(tick);
                stopIfEmpty();
            }
        }

        /** Caller holds {@link #GROUPS}. */
        private void stopIfEmpty() {
            if (ticks.isEmpty() && GROUPS.get(executor) == this) {
                GROUPS.remove(executor);
                task.cancel(false);
            }
        }
    }
}
