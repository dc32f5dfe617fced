package dev.weft.client;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.client.presence.Presence;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.WireLimits;
import dev.weft.sync.Message;
import dev.weft.sync.WireLimits;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One shared document: a CRDT replica, the serial executor it is confined to, and the client side of the sync
 * protocol over a {@link SyncChannel}.
 *
 * <p>Sync algorithm ({@code docs/protocol.md}, "Session"), run on every (re)connection: send
 * {@code SyncRequest(doc, version)}; on {@code SyncReply(update, serverVersion)} integrate the update, then, if
 * the relay lacks some of our operations or some of them are unacknowledged, send
 * {@code Update(encodeDiff(serverVersion))}. While synced, each local edit is sent at once. The relay answers
 * updates with {@code Ack(durableVersion)}; a local operation is <em>unacknowledged</em> until an ack covers it.
 * Resending is always "the diff against what the relay has", so reconnect + resend is idempotent.
 *
 * <pre>{@code
 * SharedDocument d = SharedDocument.open(client, "notes.md", new TextDocument(agent));
 * d.addRemoteChangeListener(changes -> editor.apply(changes));   // on d's executor
 * d.insert(0, "hello").join();                                   // sent now if connected, else on reconnect
 * d.awaitAllAcked(Duration.ofSeconds(10));                       // true once the relay stored it durably
 * }</pre>
 *
 * <p>Thread-safe: every public method may be called from any thread; the replica itself is only touched on
 * {@link #executor()}, and listeners run there.
 */
public final class SharedDocument implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SharedDocument.class.getName());
    /** Awareness of a member that sent nothing for this long is dropped. */
    static final Duration AWARENESS_TIMEOUT = Duration.ofSeconds(30);
    /** Our own awareness is re-sent this often so that others do not expire it. */
    static final Duration AWARENESS_HEARTBEAT = Duration.ofSeconds(15);
    /**
     * How often a quiet, synced document compares itself with the room's replica (StateCheck): every 20–30 s (each
     * document draws its own factor in [1, 1.5), so thousands opened together do not check in the same second).
     */
    static final Duration STATE_CHECK_INTERVAL = Duration.ofSeconds(20);
    /** A StateCheck not answered within this is given up (see {@link RoomStateCheck}). */
    static final Duration STATE_CHECK_TIMEOUT = Duration.ofSeconds(10);
    /** After a relay error that means "not applied, resend later" we resync after this delay. */
    static final Duration RETRY_DELAY = Duration.ofMillis(500);
    /** First and largest delay of the empty Update that asks again for an Ack ({@code probeAcksLater}). */
    private static final long ACK_PROBE_FIRST_MILLIS = 100;
    private static final long ACK_PROBE_MAX_MILLIS = 5_000;

    /** Error codes that answer one of our updates (it was not applied). */
    private static final java.util.Set<ErrorCode> REFUSED_UPDATE = java.util.EnumSet.of(ErrorCode.RATE_LIMITED,
            ErrorCode.INTERNAL, ErrorCode.DOC_TOO_LARGE, ErrorCode.BAD_UPDATE, ErrorCode.MESSAGE_TOO_LARGE,
            ErrorCode.READ_ONLY, ErrorCode.UNKNOWN_DOC, ErrorCode.UPDATE_TOO_LARGE);
    /** Refusals for size: resending the same content cannot succeed, so they are retried only a bounded number of times. */
    private static final java.util.Set<ErrorCode> SIZE_REFUSALS = java.util.EnumSet.of(ErrorCode.DOC_TOO_LARGE,
            ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.UPDATE_TOO_LARGE);
    /**
     * Size refusals in a row (no ack in between) after which the document stops resyncing on its own until the
     * next connection: one retry is useful (it resends in chunks that fit), more would loop for ever.
     */
    static final int MAX_SIZE_REFUSALS = 2;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-doc-timer");
        t.setDaemon(true);
        return t;
    });

    /** Document name inside the room; immutable. */
    private final String name;
    /** The replica; touched on {@link #executor} only. */
    private final TextDocument replica;
    /** The serial executor confining the replica; immutable reference. */
    private final ExecutorService executor;
    /** True if we created {@link #executor} and must shut it down on close; immutable. */
    private final boolean ownsExecutor;
    /** The connection; immutable reference. */
    private final SyncChannel channel;
    /** Our end of the channel's routing; immutable. */
    private final SyncChannel.Endpoint endpoint = new ChannelEndpoint();

    private final List<RemoteChangeListener> changeListeners = new CopyOnWriteArrayList<>();
    private final List<AwarenessListener> awarenessListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<RelayRejectedException>> errorListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> syncListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> ackListeners = new CopyOnWriteArrayList<>();
    /** Completes when the first SyncReply has been integrated. */
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();

    /** True between the connection's SyncReply and its loss: local edits are sent at once. Executor only. */
    private boolean synced;
    /** Which local operations are acknowledged; executor only (its counters are volatile for readers). */
    private volatile AckTracker acks;
    /**
     * Other members' awareness and our own (the one home of presence state); mutated on the executor only. Our
     * clock starts at the wall clock so it is above any clock an earlier session with the same id used.
     */
    private final Presence presence = new Presence(System.currentTimeMillis());
    /** Periodic awareness expiry and heartbeat, state check timeouts and schedule (one timer task per executor). */
    private final DocumentTicks.Registration ticks;
    /** Pending resync after a refused update, or null; executor only. */
    private ScheduledFuture<?> retry;
    /** Delay before the next resync after a refused update; doubles while refusals repeat. Executor only. */
    private long retryDelayMillis = RETRY_DELAY.toMillis();
    /**
     * True from scheduling an ask for an Ack ({@link #probeAcksLater()}) until it runs on the executor. A flag of
     * the executor's rather than the timer's future: the ask's own Ack can be handled before the timer thread marks
     * that future done, and must then still schedule the next ask. Executor only.
     */
    private boolean ackProbeScheduled;
    /** Delay before the next ask for an Ack; doubles while the relay still holds our inserts. Executor only. */
    private long ackProbeDelayMillis = ACK_PROBE_FIRST_MILLIS;
    /**
     * Parts of a diff cut by {@link #maxUpdateBytes} not sent yet: one part is on the wire at a time and the next
     * goes when the relay acknowledges it, because the WebSocket client closes the connection when more than
     * 16 MiB wait in its send queue (two 8 MiB updates as base64 already do). Cleared when the connection is lost
     * or a resync starts (the sync recomputes what the relay lacks). Executor only.
     */
    private final java.util.ArrayDeque<byte[]> queuedParts = new java.util.ArrayDeque<>();
    /** The state check with the room; executor only. */
    private final RoomStateCheck roomCheck = new RoomStateCheck();
    /** When the last state check was started (System.nanoTime); executor only. */
    private long lastRoomCheckNanos = System.nanoTime();
    /**
     * This document's automatic state checks come every {@link #stateCheckInterval} times (1 + this), in [0, 0.5):
     * documents opened together (a folder's thousands) do not all check in the same second. Immutable.
     */
    private final double stateCheckJitter = java.util.concurrent.ThreadLocalRandom.current().nextDouble(0.5);
    /** Local and remote changes to the replica so far, and their number at the last SAME check. Executor only. */
    private long changeCount;
    private long changeCountAtLastSame = -1;
    /** Interval of the automatic state check; tests shorten it. */
    private volatile Duration stateCheckInterval = STATE_CHECK_INTERVAL;
    /** Replicas replaced by the relay's state after a state check found them diverged. */
    private final java.util.concurrent.atomic.AtomicInteger roomRepairs = new java.util.concurrent.atomic.AtomicInteger();
    /** Size refusals since the last ack or connection; see {@link #MAX_SIZE_REFUSALS}. Executor only. */
    private int sizeRefusals;
    /**
     * Largest update this document sends ({@link WireLimits#MAX_UPDATE_BYTES}; tests lower it). Larger diffs are cut
     * into several updates with {@code TextDocument.encodeDiff(version, max)}; an update is never sent above it.
     * Immutable after {@link #open}.
     */
    private volatile int maxUpdateBytes = WireLimits.MAX_UPDATE_BYTES;
    private volatile boolean closed;

    private SharedDocument(SyncChannel channel, String name, TextDocument replica, ExecutorService executor,
                           boolean ownsExecutor) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.name = Objects.requireNonNull(name, "name");
        this.replica = Objects.requireNonNull(replica, "replica");
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
        this.ticks = DocumentTicks.register(executor, () -> {
            if (!closed) {
                guard(this::awarenessTick, "periodic tick");
            }
        });
    }

    /**
     * Shares {@code replica} as document {@code name} over {@code channel}, confined to a new single-thread
     * executor. From now on the caller must touch the replica only through this object (or on
     * {@link #executor()}).
     *
     * @throws IllegalStateException if the channel already has a document of that name
     */
    public static SharedDocument open(SyncChannel channel, String name, TextDocument replica) {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weft-doc-" + name);
            t.setDaemon(true);
            return t;
        });
        return open(channel, name, replica, executor, true);
    }

    /**
     * Like {@link #open(SyncChannel, String, TextDocument)} on a caller-provided <em>serial</em> executor (for
     * example the editor binding's per-document executor); it is not shut down by {@link #close()}.
     */
    public static SharedDocument open(SyncChannel channel, String name, TextDocument replica,
                                      ExecutorService serialExecutor) {
        return open(channel, name, replica, serialExecutor, false);
    }

    private static SharedDocument open(SyncChannel channel, String name, TextDocument replica,
                                       ExecutorService executor, boolean owns) {
        SharedDocument d = new SharedDocument(channel, name, replica, executor, owns);
        d.executor.execute(() -> d.acks = new AckTracker(replica.version().get(replica.agent()),
                !replica.version().asMap().isEmpty()));
        channel.attach(name, d.endpoint);
        return d;
    }

    /** The document's name in the room. */
    public String name() {
        return name;
    }

    /** The serial executor the replica is confined to; listeners run here. */
    public ExecutorService executor() {
        return executor;
    }

    /** The connection this document syncs over. */
    public SyncChannel channel() {
        return channel;
    }

    /**
     * Runs {@code f} on the executor with the replica (for reads, or for edits followed by
     * {@link #publish(LocalEdit)}).
     */
    public <T> CompletableFuture<T> call(Function<TextDocument, T> f) {
        return CompletableFuture.supplyAsync(() -> f.apply(replica), executor);
    }

    /**
     * Makes a local edit on the executor and sends it (now if synced, else with the next sync).
     *
     * @return the edit; fails with {@link ReadOnlyDocumentException} for read-only members (nothing changed) or
     *         with the replica's exception for an invalid range
     */
    public CompletableFuture<LocalEdit> edit(Function<TextDocument, LocalEdit> op) {
        return CompletableFuture.supplyAsync(() -> {
            requireWritable();
            LocalEdit e = op.apply(replica);
            publish(e);
            return e;
        }, executor);
    }

    /**
     * Like {@link #edit(Function)} for an operation that makes several local edits (e.g. a replace = delete +
     * insert); every returned edit is sent, in order.
     */
    public CompletableFuture<List<LocalEdit>> editAll(Function<TextDocument, List<LocalEdit>> op) {
        return CompletableFuture.supplyAsync(() -> {
            requireWritable();
            List<LocalEdit> edits = op.apply(replica);
            for (LocalEdit e : edits) {
                publish(e);
            }
            return edits;
        }, executor);
    }

    /** Inserts {@code text} at UTF-16 offset {@code pos} as a local edit; see {@link #edit(Function)}. */
    public CompletableFuture<LocalEdit> insert(int pos, String text) {
        return edit(d -> d.insert(pos, text));
    }

    /** Deletes {@code length} UTF-16 units at {@code pos} as a local edit; see {@link #edit(Function)}. */
    public CompletableFuture<LocalEdit> delete(int pos, int length) {
        return edit(d -> d.delete(pos, length));
    }

    /**
     * Sends a local edit the caller already made on the replica. Must be called on {@link #executor()}, right
     * after the edit.
     *
     * @throws ReadOnlyDocumentException if this member is read-only (the caller should not have edited)
     */
    public void publish(LocalEdit edit) {
        requireWritable();
        long seqBefore = acks.localNext();
        acks.localEdit(replica.version().get(replica.agent()), edit.deleted().size());
        changeCount++;
        if (synced) {
            if (edit.update().length <= maxUpdateBytes) {
                sendUpdate(edit.update());
            } else {
                // A big paste: send what the replica had before this edit lacks (this edit), in updates that fit.
                Map<Long, Long> before = new HashMap<>(replica.version().asMap());
                before.put(replica.agent(), seqBefore);
                sendUpdates(replica.encodeDiff(VersionVector.of(before), maxUpdateBytes));
            }
        }
    }

    /**
     * Compares this replica with the relay's ({@code StateCheck}, {@code docs/protocol.md} "State check"). If both
     * are at the same version but their texts differ, this replica diverged (e.g. two live replicas once shared
     * an agent id): it is replaced by the relay's state under a fresh agent id, the change is reported to the
     * remote change listeners (an editor binding shows it as a remote change) and {@link #roomRepairs()} grows.
     * Only checked while synced with every local operation acknowledged, so no local work is unsent when the
     * replica is replaced. Also runs by itself every {@link #STATE_CHECK_INTERVAL} (20–30 s) while quiet.
     *
     * @return the outcome; never fails
     */
    public CompletableFuture<RoomCheckOutcome> checkWithRoom() {
        CompletableFuture<RoomCheckOutcome> f = new CompletableFuture<>();
        try {
            executor.execute(() -> startRoomCheck(f));
        } catch (RejectedExecutionException e) {
            f.complete(RoomCheckOutcome.NOT_CHECKED);
        }
        return f;
    }

    /** Number of times this replica was replaced by the room's state after a diverging state check. */
    public int roomRepairs() {
        return roomRepairs.get();
    }

    /** For tests: how often the automatic state check runs. */
    public void setStateCheckIntervalForTesting(Duration interval) {
        this.stateCheckInterval = interval;
    }

    /** For tests: lowers the largest update this document sends (see {@link WireLimits#MAX_UPDATE_BYTES}). */
    public void setMaxUpdateBytesForTesting(int max) {
        this.maxUpdateBytes = max;
    }

    /** True if local edits would be refused (the room admitted us read-only). */
    public boolean isReadOnly() {
        return channel.readOnly();
    }

    /** Completes when the first sync with the relay has been integrated. */
    public CompletableFuture<Void> firstSync() {
        return firstSync;
    }

    /**
     * Waits for the first sync of every document in {@code docs}, sharing one deadline (documents opened together
     * on a {@link dev.weft.client.relay.RelayClient} sync in one batched exchange, so waiting for them one by one
     * would only add up timeouts).
     *
     * @return the documents whose first sync did not complete within {@code timeout}, in {@code docs}' order
     *         (empty: all synced)
     */
    public static List<SharedDocument> awaitFirstSync(java.util.Collection<SharedDocument> docs, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SharedDocument> late = new java.util.ArrayList<>();
        for (SharedDocument d : docs) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                d.firstSync.get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                late.add(d);
            }
        }
        return late;
    }

    /**
     * Number of local operations (UTF-16 units inserted or deleted, counted as ids) not yet covered by the relay's
     * durable acknowledgement.
     */
    public long unackedCount() {
        AckTracker a = acks;
        return a == null ? 0 : a.unacked();
    }

    /**
     * Waits until every local operation made so far is acknowledged as durable.
     *
     * @return true if all were acknowledged, false on timeout
     */
    public boolean awaitAllAcked(Duration timeout) throws InterruptedException {
        // Read localNext on the executor so that edits queued before this call are counted.
        long[] target;
        try {
            target = CompletableFuture.supplyAsync(() -> new long[] {acks.localNext(), acks.localDeleted()},
                    executor).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
        return awaitCovered(target, System.nanoTime() + timeout.toNanos());
    }

    /**
     * Waits until every local operation made so far in each of {@code docs} is acknowledged as durable, sharing one
     * deadline. As {@link #awaitAllAcked(Duration)} for each, but documents confined to one executor (a shared
     * folder's thousands on its engine thread) cost one hand-off to it in all, not one each: a busy executor made
     * thousands of hand-offs in a row outlast any timeout.
     *
     * @return the documents not all of whose operations were acknowledged within {@code timeout}, in {@code docs}'
     *         order (empty: all acknowledged)
     */
    public static List<SharedDocument> awaitAllAcked(java.util.Collection<SharedDocument> docs, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<ExecutorService, List<SharedDocument>> byExecutor = new java.util.IdentityHashMap<>();
        for (SharedDocument d : docs) {
            byExecutor.computeIfAbsent(d.executor, e -> new java.util.ArrayList<>()).add(d);
        }
        // Read the targets on each executor so that edits queued before this call are counted.
        Map<SharedDocument, long[]> targets = new java.util.IdentityHashMap<>();
        for (Map.Entry<ExecutorService, List<SharedDocument>> g : byExecutor.entrySet()) {
            try {
                List<long[]> t = CompletableFuture.supplyAsync(() -> g.getValue().stream()
                        .map(d -> new long[] {d.acks.localNext(), d.acks.localDeleted()}).toList(), g.getKey())
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                for (int i = 0; i < t.size(); i++) {
                    targets.put(g.getValue().get(i), t.get(i));
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                     | RejectedExecutionException e) {
                // not reached: these documents count as not acknowledged
            }
        }
        List<SharedDocument> late = new java.util.ArrayList<>();
        for (SharedDocument d : docs) {
            long[] target = targets.get(d);
            if (target == null || !d.awaitCovered(target, deadline)) {
                late.add(d);
            }
        }
        return late;
    }

    /** Waits until the acks cover {@code target} ({localNext, localDeleted}) or {@code deadline} (nanoTime) passes. */
    private boolean awaitCovered(long[] target, long deadline) throws InterruptedException {
        synchronized (this) {
            while (!acks.covers(target[0], target[1])) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return true;
    }

    /** The next seq of our agent that the relay has acknowledged as durable (inserts only). */
    public long ackedSeq() {
        AckTracker a = acks;
        return a == null ? 0 : a.ackedNext();
    }

    /** Publishes our awareness state (UTF-8 JSON; {@code ""} = none) with a new clock; re-sent on reconnect. */
    public void setLocalAwareness(String stateJson) {
        Objects.requireNonNull(stateJson, "stateJson");
        run(() -> {
            presence.setLocal(stateJson);
            sendLocalAwareness();
        });
    }

    /**
     * This document's presence table: other members' awareness (readable from any thread) and our own state
     * (read it on the executor; change it with {@link #setLocalAwareness}).
     */
    public Presence presence() {
        return presence;
    }

    /** Adds a listener for remote changes (called on the executor). */
    public void addRemoteChangeListener(RemoteChangeListener l) {
        changeListeners.add(l);
    }

    public void removeRemoteChangeListener(RemoteChangeListener l) {
        changeListeners.remove(l);
    }

    /** Adds a listener for other members' awareness (called on the executor). */
    public void addAwarenessListener(AwarenessListener l) {
        awarenessListeners.add(l);
    }

    public void removeAwarenessListener(AwarenessListener l) {
        awarenessListeners.remove(l);
    }

    /**
     * Adds a listener for errors about this document (called on the executor): the relay's ({@code Error}
     * messages: read-only, limits…) and one raised here, {@code MESSAGE_TOO_LARGE} for an update this client
     * refused to send because it exceeds {@link WireLimits#MAX_UPDATE_BYTES}.
     */
    public void addErrorListener(Consumer<RelayRejectedException> l) {
        errorListeners.add(l);
    }

    /**
     * Adds a listener called on the executor whenever the relay acknowledged more of our operations
     * ({@link #unackedCount()} shrank), e.g. to refresh an "unsent" counter.
     */
    public void addAckListener(Runnable l) {
        ackListeners.add(l);
    }

    /** Adds a listener called on the executor after each sync reply has been integrated. */
    public void addSyncListener(Runnable l) {
        syncListeners.add(l);
    }

    /**
     * Stops sharing: tells others we left, detaches from the channel and, if this object created its executor,
     * shuts it down. The replica keeps its state. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        ticks.cancel();
        channel.detach(name, endpoint);
        try {
            executor.submit(() -> {
                if (!presence.local().isEmpty() && synced) {
                    channel.send(new Message.Awareness(name, channel.clientId(), presence.nextLocalClock(), ""));
                }
                synced = false;
                closed = true;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            closed = true;
        }
        if (ownsExecutor) {
            executor.shutdown();
        }
    }

    // ---- executor -------------------------------------------------------------------------------------------

    private void onConnected() {
        sizeRefusals = 0;
        roomCheck.connected();
        acks.connectionStarted();
        requestSync();
    }

    private void requestSync() {
        synced = false;
        queuedParts.clear();
        acks.syncRequestSent();
        channel.send(new Message.SyncRequest(name, replica.version()));
    }

    private void sendUpdates(List<byte[]> updates) {
        if (updates.size() == 1 && queuedParts.isEmpty()) {
            sendUpdate(updates.get(0));
            return;
        }
        boolean idle = queuedParts.isEmpty();
        queuedParts.addAll(updates);
        if (idle) {
            sendUpdate(queuedParts.poll());
        }
    }

    private void sendUpdate(byte[] update) {
        if (update.length > maxUpdateBytes) {
            // Never put an update above the protocol limit on the wire: the relay (or the transport on the way)
            // would refuse it or drop the connection, and the resync would send it again for ever.
            RelayRejectedException ex = new RelayRejectedException(ErrorCode.MESSAGE_TOO_LARGE, "an update of "
                    + update.length + " bytes for '" + name + "' exceeds the protocol limit of " + maxUpdateBytes
                    + " bytes and was not sent; the edit stays local");
            LOG.warning(ex.getMessage());
            fireError(ex);
            return;
        }
        if (channel.send(new Message.Update(name, update))) {
            acks.updateSent();
        }
    }

    private void onDisconnected() {
        synced = false;
        queuedParts.clear();
        roomCheck.lost();
        for (Long id : presence.clear()) {
            fireAwareness(id, "");
        }
    }

    private void onMessage(Message m) {
        if (m instanceof Message.SyncReply r) {
            onSyncReply(r);
        } else if (m instanceof Message.Update u) {
            integrate(u.update());
        } else if (m instanceof Message.Ack a) {
            onAck(a.durableVersion());
        } else if (m instanceof Message.Awareness a) {
            onAwareness(a);
        } else if (m instanceof Message.SyncRequest r) {
            channel.send(new Message.SyncReply(name, replica.encodeDiff(r.version()), replica.version()));
        } else if (m instanceof Message.StateCheckReply r) {
            onStateCheckReply(r);
        } else if (m instanceof Message.Error e) {
            onError(e);
        }
    }

    private void onSyncReply(Message.SyncReply r) {
        integrate(r.update());
        acks.syncReplied();
        synced = true;
        VersionVector mine = replica.version();
        if (!channel.readOnly()) {
            if (!r.serverVersion().covers(mine) || acks.deletesUnacked()) {
                // The relay lacks some of our operations, or may lack deletes (which versions do not show).
                sendUpdates(replica.encodeDiff(r.serverVersion(), maxUpdateBytes));
            } else if (acks.insertsUnacked()) {
                // The relay has them but we never heard they are durable (e.g. it died before acking): an empty
                // Update asks for an Ack only.
                sendUpdate(new byte[0]);
            }
        }
        sendLocalAwareness();
        firstSync.complete(null);
        for (Runnable l : syncListeners) {
            guard(l, "sync listener");
        }
    }

    private void integrate(byte[] update) {
        if (update.length == 0) {
            return; // "nothing" (the codec's empty update is not a valid CRDT update)
        }
        List<TextChange> changes;
        try {
            changes = replica.applyUpdate(update);
        } catch (MalformedUpdateException e) {
            LOG.log(Level.SEVERE, "relay sent a malformed update for '" + name + "'; ignored", e);
            return;
        }
        if (!changes.isEmpty()) {
            changeCount++;
            for (RemoteChangeListener l : changeListeners) {
                guard(() -> l.onRemoteChanges(changes), "remote change listener");
            }
        }
    }

    private void onAck(VersionVector durable) {
        boolean more;
        synchronized (this) {
            more = acks.acked(durable.get(replica.agent()));
            notifyAll();
        }
        retryDelayMillis = RETRY_DELAY.toMillis();
        sizeRefusals = 0;
        if (synced && !queuedParts.isEmpty()) {
            sendUpdate(queuedParts.poll());
        }
        if (more) {
            for (Runnable l : ackListeners) {
                guard(l, "ack listener");
            }
        }
        if (!acks.insertsUnacked()) {
            ackProbeDelayMillis = ACK_PROBE_FIRST_MILLIS;
        } else if (synced && acks.allAnswered() && queuedParts.isEmpty()) {
            probeAcksLater();
        }
    }

    /**
     * Every update we sent has been answered, yet some of our inserts are not covered by the acks: the relay holds
     * them until operations they depend on arrive. That happens when another member's edit reached us over a direct
     * link before it reached the relay and we typed on top of it ({@code docs/protocol.md}, "Direct connections").
     * The relay answered our update when it stored it, and sends no second Ack when it integrates it later, so after
     * a while an empty Update asks again (its Ack carries the relay's version then). The delay doubles from 100 ms
     * up to 5 s while the inserts stay uncovered, and starts again at 100 ms once they are covered. From the 5 s
     * step on (about 6 s of empty Updates answered without them) the ask is a resync instead: if the operation the
     * relay waits for never reaches it (its author went away after sending it to us only), the sync's diff sends
     * it, since we hold it too.
     */
    private void probeAcksLater() {
        if (ackProbeScheduled) {
            return;
        }
        ackProbeScheduled = true;
        long delay = ackProbeDelayMillis;
        boolean resync = delay >= ACK_PROBE_MAX_MILLIS;
        TIMER.schedule(() -> run(() -> {
            ackProbeScheduled = false;
            if (synced && acks.allAnswered() && acks.insertsUnacked() && queuedParts.isEmpty()
                    && channel.state() == ConnectionState.CONNECTED) {
                if (resync) {
                    requestSync();
                } else {
                    sendUpdate(new byte[0]);
                }
            }
        }), delay, TimeUnit.MILLISECONDS);
        ackProbeDelayMillis = Math.min(delay * 2, ACK_PROBE_MAX_MILLIS);
    }

    private void onAwareness(Message.Awareness a) {
        if (a.clientId() == channel.clientId()) {
            return;
        }
        // A removal wins whatever its clock, and the clock is forgotten (protocol.md, Awareness).
        String state = a.isRemoval() ? "" : a.state();
        if (presence.receive(a.clientId(), a.clock(), state, System.nanoTime())) {
            fireAwareness(a.clientId(), state);
        }
    }

    private void onError(Message.Error e) {
        RelayRejectedException ex = new RelayRejectedException(e.code(),
                "relay refused for '" + name + "': " + e.message());
        if (REFUSED_UPDATE.contains(e.code()) && !channel.readOnly()) {
            // One of our updates was not applied. Stop sending edits one by one (under a rate limit that would only
            // earn more refusals) and resync later: the reply's diff resends, in one message, exactly what the
            // relay lacks.
            acks.updateRefused();
            synced = false;
            if (SIZE_REFUSALS.contains(e.code()) && ++sizeRefusals >= MAX_SIZE_REFUSALS) {
                // Resending cannot help: stop here (no resync loop) until the next connection, and say so.
                ex = new RelayRejectedException(e.code(), "relay refused an update for '" + name + "' as too large ("
                        + e.message() + "); edits to it stay local and are retried on the next connection");
            } else if (retry == null || retry.isDone()) {
                retry = TIMER.schedule(() -> run(() -> {
                    if (!synced && channel.state() == ConnectionState.CONNECTED) {
                        requestSync();
                    }
                }), retryDelayMillis, TimeUnit.MILLISECONDS);
                long cap = e.code() == ErrorCode.RATE_LIMITED ? 2_000 : 30_000;
                retryDelayMillis = Math.min(retryDelayMillis * 2, cap);
            }
        }
        if (e.code() != ErrorCode.RATE_LIMITED) {
            LOG.warning(ex.getMessage());
        }
        fireError(ex);
    }

    private void fireError(RelayRejectedException ex) {
        for (Consumer<RelayRejectedException> l : errorListeners) {
            guard(() -> l.accept(ex), "error listener");
        }
    }

    private void startRoomCheck(CompletableFuture<RoomCheckOutcome> f) {
        if (closed || !synced || acks.unacked() > 0 || !queuedParts.isEmpty()
                || channel.state() != ConnectionState.CONNECTED) {
            f.complete(RoomCheckOutcome.NOT_CHECKED);
            return;
        }
        lastRoomCheckNanos = System.nanoTime();
        RoomStateCheck.Sent sent = roomCheck.start(replica.version(), textSha256(), f, lastRoomCheckNanos);
        if (sent != null && !channel.send(new Message.StateCheck(name, sent.version(), sent.textSha256()))) {
            roomCheck.lost();
        }
    }

    private void onStateCheckReply(Message.StateCheckReply r) {
        RoomStateCheck.Sent sent = roomCheck.replied();
        if (sent == null) {
            return;
        }
        RoomCheckOutcome outcome = RoomCheckOutcome.NOT_COMPARABLE;
        try {
            outcome = judge(sent, r);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "state check of '" + name + "' failed", e);
        } finally {
            roomCheck.finish(outcome);
        }
    }

    /** The outcome of a reply to {@code sent}; repairs the replica when it diverged. Executor only. */
    private RoomCheckOutcome judge(RoomStateCheck.Sent sent, Message.StateCheckReply r) {
        boolean unchangedSinceSent = replica.version().equals(sent.version())
                && RoomStateCheck.sameHash(sent, textSha256()) && acks.unacked() == 0 && queuedParts.isEmpty();
        switch (r.result()) {
            case SAME_TEXT -> {
                if (unchangedSinceSent) {
                    changeCountAtLastSame = changeCount;
                }
                return RoomCheckOutcome.SAME;
            }
            case DIFFERENT_VERSION -> {
                return RoomCheckOutcome.NOT_COMPARABLE;
            }
            default -> {
                if (!unchangedSinceSent) {
                    return RoomCheckOutcome.NOT_COMPARABLE; // we moved meanwhile: compare again later
                }
                return repairFromRoom(r.state());
            }
        }
    }

    /**
     * The relay's replica has our version and another text. First merge its state (it may only hold a deletion we
     * have not received yet: deletions do not change versions); if the texts still differ, the same ids name
     * different characters here and there, and only adopting the relay's state converges.
     */
    private RoomCheckOutcome repairFromRoom(byte[] relayState) {
        String relayText;
        try {
            TextDocument probe = new TextDocument(0);
            probe.applyUpdate(relayState);
            relayText = probe.getText();
            integrate(relayState);
        } catch (MalformedUpdateException e) {
            LOG.log(Level.SEVERE, "relay sent a malformed state for '" + name + "' in a state check; ignored", e);
            return RoomCheckOutcome.NOT_COMPARABLE;
        }
        if (replica.getText().equals(relayText)) {
            return RoomCheckOutcome.SAME;
        }
        long oldAgent = replica.agent();
        long fresh = freshAgent();
        List<TextChange> changes = replica.replaceState(fresh, relayState);
        acks = new AckTracker(0, false);
        roomRepairs.incrementAndGet();
        LOG.warning("'" + name + "' differed from the relay's replica at the same version: replaced by the relay's "
                + "state (agent " + oldAgent + " -> " + fresh + ")");
        if (!changes.isEmpty()) {
            for (RemoteChangeListener l : changeListeners) {
                guard(() -> l.onRemoteChanges(changes), "remote change listener");
            }
        }
        return RoomCheckOutcome.REPAIRED;
    }

    private static long freshAgent() {
        return new java.security.SecureRandom().nextLong() & ((1L << 53) - 1);
    }

    private byte[] textSha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(replica.getText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    private void awarenessTick() {
        long now = System.nanoTime();
        roomCheck.tick(now, STATE_CHECK_TIMEOUT.toNanos());
        if (now - lastRoomCheckNanos > (long) (stateCheckInterval.toNanos() * (1 + stateCheckJitter))
                && changeCount != changeCountAtLastSame) {
            startRoomCheck(new CompletableFuture<>());
        }
        for (Long id : presence.expire(now, AWARENESS_TIMEOUT.toNanos())) {
            fireAwareness(id, "");
        }
        if (presence.heartbeatDue(now, AWARENESS_HEARTBEAT.toNanos())) {
            presence.nextLocalClock();
            sendLocalAwareness();
        }
    }

    private void sendLocalAwareness() {
        if (synced && !presence.local().isEmpty()) {
            channel.send(new Message.Awareness(name, channel.clientId(), presence.localClock(), presence.local()));
            presence.sent(System.nanoTime());
        }
    }

    private void fireAwareness(long clientId, String state) {
        for (AwarenessListener l : awarenessListeners) {
            guard(() -> l.onAwareness(clientId, state), "awareness listener");
        }
    }

    private void requireWritable() {
        if (channel.readOnly()) {
            throw new ReadOnlyDocumentException(name);
        }
    }

    private void run(Runnable r) {
        if (closed) {
            return;
        }
        try {
            executor.execute(() -> {
                if (!closed) {
                    r.run();
                }
            });
        } catch (RejectedExecutionException e) {
            // Executor shut down by its owner: the document is gone.
        }
    }

    private static void guard(Runnable r, String what) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, what + " failed", e);
        }
    }

    /** Hands the channel's callbacks to the executor, in order. */
    private final class ChannelEndpoint implements SyncChannel.Endpoint {
        @Override
        public void onConnected() {
            run(SharedDocument.this::onConnected);
        }

        @Override
        public void onDisconnected() {
            run(SharedDocument.this::onDisconnected);
        }

        @Override
        public void onMessage(Message message) {
            run(() -> SharedDocument.this.onMessage(message));
        }
    }
}
