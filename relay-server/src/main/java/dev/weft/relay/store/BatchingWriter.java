package dev.weft.relay.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: one thread that takes queued {@link StoreWrite}s in FIFO order, commits as many as are waiting (up
 * to a batch limit) in one {@link RelayStore#commit} call, then completes their futures.
 *
 * <p>Postconditions: futures complete in submission order; a future completes normally only after its write and
 * every write submitted before it are durable; if a batch fails, each of its futures completes exceptionally with
 * the {@link StoreException}, and later batches are still attempted.
 */
public final class BatchingWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BatchingWriter.class.getName());
    private static final Pending STOP = new Pending(null, null);

    /** The store written to; immutable. */
    private final RelayStore store;
    /** Writes waiting for the writer thread. */
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Most writes per commit; immutable. */
    private final int maxBatchWrites;
    /** Receives each commit's duration in nanoseconds (for metrics); immutable. */
    private final LongConsumer commitNanos;
    /** The writer thread; immutable. */
    private final Thread thread;
    /** Set once {@link #close()} began; no new writes are accepted after it. Written under the queue's lock. */
    private volatile boolean closed;

    private record Pending(StoreWrite write, CompletableFuture<Void> done) {
    }

    public BatchingWriter(RelayStore store, int maxBatchWrites, LongConsumer commitNanos) {
        this.store = store;
        this.maxBatchWrites = maxBatchWrites;
        this.commitNanos = commitNanos;
        this.thread = new Thread(this::run, "weft-store-writer");
        this.thread.start();
    }

    /**
     * Queues {@code write}; the future completes once it is durable.
     *
     * @throws IllegalStateException if the writer is closed
     */
    public CompletableFuture<Void> submit(StoreWrite write) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (queue) {
            if (closed) {
                throw new IllegalStateException("store writer is closed");
            }
            queue.add(new Pending(write, done));
        }
        return done;
    }

    /** Number of writes waiting to be committed. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatchWrites - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch.remove(STOP)) {
                stopping = true;
                queue.drainTo(batch); // nothing can be added after close() began, so this is everything
            }
            if (!batch.isEmpty()) {
                commit(batch);
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        List<StoreWrite> writes = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            writes.add(p.write);
        }
        long start = System.nanoTime();
        try {
            store.commit(writes);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "storage commit failed", e);
            for (Pending p : batch) {
                p.done.completeExceptionally(e);
            }
            return;
        }
        commitNanos.accept(System.nanoTime() - start);
        for (Pending p : batch) {
            try {
                p.done.complete(null);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "write completion callback failed", e);
            }
        }
    }

    /** Commits everything already queued, stops the thread, and waits for it (up to 30 s). */
    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
