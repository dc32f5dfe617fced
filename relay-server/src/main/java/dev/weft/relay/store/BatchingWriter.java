package dev.weft.relay.store;

import dev.weft.relay.log.Log;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: one thread that takes queued {@link StoreWrite}s in FIFO order, commits as many as are waiting (up
 * to a batch limit) in one {@link RelayStore#commit} call, then completes their futures.
 *
 * <p>Postconditions: a future completes normally only after its write and every write submitted before it are
 * durable, snapshots ({@link StoreWrite.SaveSnapshot}) excepted (below); futures complete in submission order, except
 * that a snapshot's may complete after those of writes submitted later; if a batch fails, each of its futures
 * completes exceptionally with the {@link StoreException}, and later batches are still attempted.
 *
 * <p>Snapshots: a commit holds at most one {@link StoreWrite.SaveSnapshot}. Each one drops the log entries it covers,
 * which costs far more than an append (measured: a commit holding 64 of them took over a second, holding up every
 * Ack queued behind it); the others found in a batch wait, in submission order, for the following commits, which
 * take one each before any newer write. So a wave of compactions (many rooms reaching the threshold together) costs
 * each commit at most one snapshot. Moving a snapshot after later writes is safe: it only ever drops entries with a
 * seq up to its own, all submitted (and so committed) before it, and later writes of its document have greater seqs.
 * Nothing waits for a snapshot to be durable; until it is, the entries it covers stay in the log.
 *
 * <p>Health and recovery: every commit's outcome goes to {@link #health()}. While it is FAILING and no write is
 * waiting, the thread {@linkplain RelayStore#probe() probes} storage with backoff ({@value #FIRST_PROBE_MILLIS} ms,
 * doubling up to {@value #MAX_PROBE_MILLIS} ms), so health turns OK again once space returns even if nobody writes.
 * Failed writes are never retried here: their senders got an error and resend (docs/protocol.md).
 *
 * <p>Group window ({@link GroupWindow}): when writes arrive steadily, the thread may hold a batch for up to a short
 * window after taking its first write, so that one commit (one fsync) covers more writes; the window ends early
 * once enough writes are queued. It only delays completions (Acks), never what callers do before submitting
 * (forwards), and never durability: a future still completes only after its commit returned.
 */
public final class BatchingWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BatchingWriter.class.getName());
    private static final Pending STOP = new Pending(null, null);
    /** Shortest interval between two "still failing" log lines. */
    static final long STILL_FAILING_LOG_MILLIS = 10_000;
    /** First wait before probing failing storage. */
    static final long FIRST_PROBE_MILLIS = 100;
    /** Longest wait between probes. */
    static final long MAX_PROBE_MILLIS = 5000;

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
    /** Outcome of the latest commit or probe; immutable reference. */
    private final StorageHealth health = new StorageHealth();
    /** Wait before the next probe while failing; writer thread only. */
    private long probeDelayMillis = FIRST_PROBE_MILLIS;
    /** When the next probe is due (System.nanoTime), while failing; writer thread only. */
    private long nextProbeNanos;
    /** Failures not logged since the last "still failing" line; writer thread only. */
    private long failuresSinceLog;
    /** When the last failure line was logged (System.nanoTime); writer thread only. */
    private long lastFailureLogNanos;
    /** Set once {@link #close()} began; no new writes are accepted after it. Written under the queue's lock. */
    private volatile boolean closed;

    /** How long a batch may gather more writes; immutable. */
    private final GroupWindow window;
    /**
     * While the writer thread gathers a batch: the queue length at which a submitter wakes it early; otherwise
     * {@link Integer#MAX_VALUE}. Written by the writer thread, read by submitters.
     */
    private volatile int wakeAtQueued = Integer.MAX_VALUE;
    /** When the previous commit ended (System.nanoTime); writer thread only. */
    private long lastCommitEndNanos;
    /** Batches that waited in the group window (for tests); written by the writer thread only. */
    private volatile long gatheredCommits;
    /** Snapshots taken from the queue but held for later commits, oldest first; writer thread only. */
    private final ArrayDeque<Pending> deferredSnapshots = new ArrayDeque<>();
    /**
     * {@code deferredSnapshots.size()} as last published by the writer thread, for {@link #queued()} (read by other
     * threads; the deque itself is the writer thread's alone).
     */
    private volatile int deferredCount;

    /** Told, on the writer thread, of every committed batch before its futures complete; immutable. */
    private final CommitListener listener;

    private record Pending(StoreWrite write, CompletableFuture<Void> done) {
    }

    /**
     * Receives each committed batch: the writes and the seq each was stored under ({@link RelayStore#commit}).
     * Runs on the writer thread: it must not block (a cluster node publishes to Redis asynchronously here).
     */
    @FunctionalInterface
    public interface CommitListener {
        /** Does nothing. */
        CommitListener NONE = (writes, seqs) -> { };

        void committed(List<StoreWrite> writes, long[] seqs);
    }

    public BatchingWriter(RelayStore store, int maxBatchWrites, LongConsumer commitNanos) {
        this(store, maxBatchWrites, commitNanos, CommitListener.NONE);
    }

    public BatchingWriter(RelayStore store, int maxBatchWrites, LongConsumer commitNanos, CommitListener listener) {
        this(store, maxBatchWrites, commitNanos, listener, GroupWindow.NONE);
    }

    public BatchingWriter(RelayStore store, int maxBatchWrites, LongConsumer commitNanos, CommitListener listener,
            GroupWindow window) {
        this.store = store;
        this.maxBatchWrites = maxBatchWrites;
        this.window = window;
        this.commitNanos = commitNanos;
        this.listener = listener;
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
        if (queue.size() >= wakeAtQueued) {
            LockSupport.unpark(thread); // enough for one commit: end the group window now
        }
        return done;
    }

    /** Whether storage accepts writes, as last observed. */
    public StorageHealth health() {
        return health;
    }

    /**
     * Number of writes waiting to be committed: those queued plus snapshots taken from the queue and held back for a
     * later commit ({@link #deferSnapshotsAfterTheFirst}). Writes of the batch being committed are not counted.
     */
    public int queued() {
        return queue.size() + deferredCount;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                long waitNanos = health.failing()
                        ? Math.max(0, nextProbeNanos - System.nanoTime()) : TimeUnit.SECONDS.toNanos(1);
                Pending first = deferredSnapshots.isEmpty() ? queue.poll(waitNanos, TimeUnit.NANOSECONDS)
                        : deferredSnapshots.poll();
                deferredCount = deferredSnapshots.size();
                if (first == null) {
                    if (health.failing() && System.nanoTime() - nextProbeNanos >= 0) {
                        probe();
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatchWrites - 1);
                gather(batch, System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch.remove(STOP)) {
                stopping = true;
                queue.drainTo(batch); // nothing can be added after close() began, so this is everything
                batch.addAll(deferredSnapshots);
                deferredSnapshots.clear();
                deferredCount = 0;
            } else {
                deferSnapshotsAfterTheFirst(batch);
            }
            if (!batch.isEmpty()) {
                commit(batch);
                batch.clear();
            }
        }
    }

    /**
     * Holds {@code batch} (its first write taken at {@code takenNanos}) until {@link GroupWindow#enoughWrites} are
     * in it or {@link GroupWindow#windowNanos} passed, then adds what was queued meanwhile. Skipped when the writer
     * was idle for longer than the window before this write (light load: waiting would only add latency), when the
     * batch is already large enough, while storage is failing, and on close.
     */
    private void gather(List<Pending> batch, long takenNanos) {
        if (window.windowNanos() <= 0 || batch.size() >= window.enoughWrites() || batch.contains(STOP)
                || takenNanos - lastCommitEndNanos > window.windowNanos() || health.failing()) {
            return;
        }
        long deadline = takenNanos + window.windowNanos();
        int need = Math.min(window.enoughWrites(), maxBatchWrites) - batch.size();
        wakeAtQueued = need;
        try {
            long left;
            while (!closed && queue.size() < need && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            wakeAtQueued = Integer.MAX_VALUE;
        }
        queue.drainTo(batch, maxBatchWrites - batch.size());
        gatheredCommits++;
    }

    /**
     * Leaves the first {@link StoreWrite.SaveSnapshot} of {@code batch} in it and moves every later one, in order, to
     * the end of {@link #deferredSnapshots}.
     */
    private void deferSnapshotsAfterTheFirst(List<Pending> batch) {
        boolean kept = false;
        for (Iterator<Pending> it = batch.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.write instanceof StoreWrite.SaveSnapshot) {
                if (kept) {
                    deferredSnapshots.add(p);
                    it.remove();
                }
                kept = true;
            }
        }
        deferredCount = deferredSnapshots.size();
    }

    /** Batches that waited in the group window so far. */
    public long gatheredCommits() {
        return gatheredCommits;
    }

    private void commit(List<Pending> batch) {
        List<StoreWrite> writes = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            writes.add(p.write);
        }
        long start = System.nanoTime();
        long[] seqs;
        try {
            seqs = store.commit(writes);
        } catch (RuntimeException e) {
            failed(e);
            for (Pending p : batch) {
                p.done.completeExceptionally(e);
            }
            return;
        }
        succeeded();
        lastCommitEndNanos = System.nanoTime();
        commitNanos.accept(lastCommitEndNanos - start);
        try {
            listener.committed(writes, seqs);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "commit listener failed", e);
        }
        for (Pending p : batch) {
            try {
                p.done.complete(null);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "write completion callback failed", e);
            }
        }
    }

    private void probe() {
        try {
            store.probe();
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        succeeded();
    }

    /**
     * Records a failed commit or probe. The first of a run is logged with its stack; later ones at most every
     * {@value #STILL_FAILING_LOG_MILLIS} ms with the number of failures since (a busy relay on a full disk would
     * otherwise log every batch).
     */
    private void failed(RuntimeException e) {
        long now = System.nanoTime();
        if (health.failed(String.valueOf(e.getMessage()))) {
            Log.error(LOG, "storage.failing", e, "reason", String.valueOf(e.getMessage()));
            probeDelayMillis = FIRST_PROBE_MILLIS;
            failuresSinceLog = 0;
            lastFailureLogNanos = now;
        } else {
            failuresSinceLog++;
            if (now - lastFailureLogNanos >= TimeUnit.MILLISECONDS.toNanos(STILL_FAILING_LOG_MILLIS)) {
                Log.warn(LOG, "storage.still_failing", "failures", failuresSinceLog, "reason",
                        String.valueOf(e.getMessage()));
                failuresSinceLog = 0;
                lastFailureLogNanos = now;
            }
            probeDelayMillis = Math.min(MAX_PROBE_MILLIS, probeDelayMillis * 2);
        }
        nextProbeNanos = now + TimeUnit.MILLISECONDS.toNanos(probeDelayMillis);
    }

    private void succeeded() {
        long since = health.current().sinceMillis();
        if (health.succeeded()) {
            Log.warn(LOG, "storage.recovered", "failingMs", System.currentTimeMillis() - since);
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
        LockSupport.unpark(thread); // a batch held in its group window is committed now
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
