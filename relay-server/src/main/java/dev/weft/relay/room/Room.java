package dev.weft.relay.room;

import dev.weft.crdt.MalformedUpdateException;
import dev.weft.relay.log.Log;
import dev.weft.relay.store.RoomRecord;
import dev.weft.relay.store.StoreWrite;
import dev.weft.relay.store.StoredDocument;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.sync.Role;
import dev.weft.sync.StateCheckResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * One room: its members, its documents' replicas and its awareness table. Every method except {@link #execute}
 * runs on the room's serial executor (see the package doc); the handlers implement docs/protocol.md.
 */
public final class Room {
    private static final Logger LOG = Logger.getLogger(Room.class.getName());

    /** Room id; immutable. */
    final String id;
    /** Shared services; immutable. */
    private final RelayContext ctx;
    /** Serialises everything that touches this room; immutable. */
    private final SerialExecutor executor;
    /** The stored room (secret hashes); null until loaded. */
    private RoomRecord record;
    /** Documents by name (sorted, so Welcome lists them in order); filled on load. */
    private final Map<String, SharedDoc> docs = new TreeMap<>();
    /** Joined sessions. */
    private final Set<Session> members = new HashSet<>();
    /** Presence of members. */
    private final AwarenessTable awareness = new AwarenessTable();
    /** Number of documents, readable from any thread (metrics). */
    private volatile int docCount;
    /** Last join, leave or update (epoch ms): rooms without members idle longer than the limit are unloaded. */
    private long lastActivityMillis = System.currentTimeMillis();
    /** True once removed from the registry; a Hello that still reaches this instance is re-dispatched. */
    private boolean unloaded;

    Room(String id, RelayContext ctx) {
        this.id = id;
        this.ctx = ctx;
        this.executor = new SerialExecutor(ctx.pool());
    }

    /** Runs {@code task} on this room's executor. */
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /**
     * Runs {@code task} on this room's executor, on the calling thread if the room is idle (see
     * {@link SerialExecutor#executeInlineIfIdle}). Only for short tasks that never block: updates and awareness.
     */
    void executeInlineIfIdle(Runnable task) {
        executor.executeInlineIfIdle(task);
    }

    int docCount() {
        return docCount;
    }

    /** Loads the room and all its documents from storage if not done yet. @return false if the room does not exist */
    boolean ensureLoaded() {
        if (record != null) {
            return true;
        }
        Optional<RoomRecord> found = ctx.store().findRoom(id);
        if (found.isEmpty()) {
            return false;
        }
        long start = System.nanoTime();
        for (String name : ctx.store().documentNames(id)) {
            Optional<StoredDocument> stored = ctx.store().loadDocument(id, name);
            stored.ifPresent(s -> docs.put(name, SharedDoc.load(id, name, s, ctx.agent())));
        }
        docCount = docs.size();
        record = found.get();
        Log.info(LOG, "room.loaded", "room", id, "docs", docs.size(), "ms", (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    /** Handles a Hello whose room is this one: authenticate, then Welcome + room-level awareness. */
    void join(Session s, Message.Hello hello, RoomRegistry registry) {
        if (s.state() == Session.JoinState.CLOSED) {
            return;
        }
        if (unloaded) {
            registry.join(s, hello); // raced with unloading: a fresh instance loads from storage
            return;
        }
        lastActivityMillis = System.currentTimeMillis();
        if (!ensureLoaded()) {
            registry.forget(this);
            authFailed(s, "unknown room");
            return;
        }
        Role role;
        if (Secrets.matches(hello.secret(), record.editorSecretHash())) {
            role = Role.EDITOR;
        } else if (Secrets.matches(hello.secret(), record.readOnlySecretHash())) {
            role = Role.READ_ONLY;
        } else {
            authFailed(s, hello.secret().isEmpty() ? "missing secret" : "wrong secret");
            return;
        }
        s.role = role;
        s.clientId = hello.clientId();
        s.userName = hello.userName();
        if (!s.state.compareAndSet(Session.JoinState.JOINING, Session.JoinState.JOINED)) {
            return; // disconnected meanwhile
        }
        members.add(s);
        Log.info(LOG, "room.joined", "room", id, "session", s.describe(), "role", role.name(), "clientId",
                hello.clientId(), "user", hello.userName(), "members", members.size());
        s.send(new Message.Welcome(MessageCodec.PROTOCOL_VERSION, role, new ArrayList<>(docs.keySet())));
        for (Message.Awareness a : awareness.statesFor("", s.clientId)) {
            s.send(a);
        }
    }

    private void authFailed(Session s, String why) {
        Log.warn(LOG, "auth.failed", "room", id, "session", s.describe(), "reason", why);
        s.sendError(ErrorCode.AUTH_FAILED, "cannot join room: " + why, "");
    }

    /** SyncRequest: create the document if needed (editors), subscribe, reply with what the asker lacks. */
    void syncRequest(Session s, Message.SyncRequest m) {
        String problem = DocNames.problem(m.doc());
        if (problem != null) {
            s.sendError(ErrorCode.BAD_NAME, problem, m.doc());
            return;
        }
        SharedDoc doc = docs.get(m.doc());
        if (doc == null) {
            if (s.role != Role.EDITOR) {
                s.sendError(ErrorCode.UNKNOWN_DOC, "no document '" + m.doc() + "' (read-only members cannot create one)",
                        m.doc());
                return;
            }
            if (docs.size() >= ctx.config().maxDocsPerRoom()) {
                s.sendError(ErrorCode.TOO_MANY_DOCS, "room already holds the maximum of "
                        + ctx.config().maxDocsPerRoom() + " documents", m.doc());
                return;
            }
        }
        if (!s.subscriptions.contains(m.doc()) && s.subscriptions.size() >= ctx.config().maxDocsPerConnection()) {
            s.sendError(ErrorCode.TOO_MANY_DOCS, "connection already syncs the maximum of "
                    + ctx.config().maxDocsPerConnection() + " documents", m.doc());
            return;
        }
        if (doc == null) {
            doc = createDoc(m.doc(), s);
        }
        s.subscriptions.add(m.doc());
        doc.subscribers.add(s);
        s.send(new Message.SyncReply(m.doc(), doc.replica.encodeDiff(m.version()), doc.replica.version()));
        for (Message.Awareness a : awareness.statesFor(m.doc(), s.clientId)) {
            s.send(a);
        }
    }

    /**
     * StateCheck ({@code docs/protocol.md}, "State check"): compares the asker's text hash with this replica's
     * when both are at the same version, and sends this replica's state when they differ.
     */
    void stateCheck(Session s, Message.StateCheck m) {
        SharedDoc doc = docs.get(m.doc());
        if (doc == null || !s.subscriptions.contains(m.doc())) {
            s.sendError(ErrorCode.UNKNOWN_DOC, "no synced document '" + m.doc() + "' (send SyncRequest first)",
                    m.doc());
            return;
        }
        dev.weft.crdt.VersionVector v = doc.replica.version();
        if (!v.equals(m.version())) {
            s.send(new Message.StateCheckReply(m.doc(), v, StateCheckResult.DIFFERENT_VERSION, new byte[0]));
            return;
        }
        byte[] hash;
        try {
            hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(doc.replica.getText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
        if (java.util.Arrays.equals(hash, m.textSha256())) {
            s.send(new Message.StateCheckReply(m.doc(), v, StateCheckResult.SAME_TEXT, new byte[0]));
        } else {
            Log.warn(LOG, "doc.state_mismatch", "room", id, "doc", m.doc(), "session", s.describe());
            s.send(new Message.StateCheckReply(m.doc(), v, StateCheckResult.DIFFERENT_TEXT,
                    doc.replica.encodeStateAsUpdate()));
        }
    }

    private SharedDoc createDoc(String name, Session creator) {
        SharedDoc doc = SharedDoc.empty(name, ctx.agent());
        docs.put(name, doc);
        docCount = docs.size();
        doc.lastWrite = ctx.writer().submit(new StoreWrite.CreateDocument(id, name));
        Log.info(LOG, "doc.created", "room", id, "doc", name, "by", creator.describe());
        Outgoing added = Outgoing.of(new Message.DocAdded(name));
        for (Session member : members) {
            member.peer.send(added);
        }
        return doc;
    }

    /** Update: integrate, forward to the other subscribers, append durably, then ack the sender. */
    void update(Session s, Message.Update m, Outgoing forward, long receivedNanos) {
        if (s.role != Role.EDITOR) {
            s.sendError(ErrorCode.READ_ONLY, "read-only members cannot send updates; nothing was applied", m.doc());
            return;
        }
        SharedDoc doc = docs.get(m.doc());
        if (doc == null) {
            s.sendError(ErrorCode.UNKNOWN_DOC, "no document '" + m.doc() + "' (send SyncRequest first to create it)",
                    m.doc());
            return;
        }
        byte[] bytes = m.update();
        if (bytes.length == 0) {
            ackWhenDurable(s, doc, doc.lastWrite, doc.generation, receivedNanos, false);
            return;
        }
        if (doc.storedBytes + bytes.length > ctx.config().maxDocumentBytes()) {
            s.sendError(ErrorCode.DOC_TOO_LARGE, "document would exceed the maximum of "
                    + ctx.config().maxDocumentBytes() + " stored bytes; nothing was applied", m.doc());
            return;
        }
        try {
            doc.replica.applyUpdate(bytes);
        } catch (MalformedUpdateException e) {
            s.sendError(ErrorCode.BAD_UPDATE, "invalid update: " + e.getMessage(), m.doc());
            return;
        } catch (RuntimeException e) {
            Log.error(LOG, "replica.apply_failed", e, "room", id, "doc", m.doc(), "session", s.describe());
            reload(doc);
            s.sendError(ErrorCode.INTERNAL, "relay failed to apply the update; resend after SyncRequest", m.doc());
            return;
        }
        ctx.metrics().updatesTotal.incrementAndGet();
        lastActivityMillis = System.currentTimeMillis();
        for (Session other : doc.subscribers) {
            if (other != s) {
                other.peer.send(forward);
            }
        }
        ctx.metrics().forwardSeconds.observeNanos(System.nanoTime() - receivedNanos);
        long seq = ++doc.lastSeq;
        doc.storedBytes += bytes.length;
        doc.updatesSinceSnapshot++;
        doc.bytesSinceSnapshot += bytes.length;
        doc.lastWrite = ctx.writer().submit(new StoreWrite.AppendUpdate(id, doc.name, seq, bytes));
        ackWhenDurable(s, doc, doc.lastWrite, doc.generation, receivedNanos, true);
        if (compactionDue(doc) && !doc.compactionQueued) {
            // Encoding a snapshot of a large document takes milliseconds: never on an event-loop thread (this
            // update may run inline there), always as a task of its own on the room's executor over the pool.
            doc.compactionQueued = true;
            execute(() -> {
                doc.compactionQueued = false;
                maybeCompact(doc);
            });
        }
        if (ctx.config().checkInvariants()) {
            doc.replica.checkInvariants();
            checkInvariants();
        }
    }

    /** Sends Ack(doc, version now) once {@code write} (and so everything before it) is durable. */
    private void ackWhenDurable(Session s, SharedDoc doc, CompletableFuture<Void> write, int generation,
                                long receivedNanos, boolean counted) {
        Message.Ack ack = new Message.Ack(doc.name, doc.replica.version());
        write.whenComplete((ok, failure) -> {
            if (failure != null) {
                doc.poisonedGeneration = Math.max(doc.poisonedGeneration, generation);
                s.sendError(ErrorCode.INTERNAL, "storage failed; the update is not acknowledged, resend it", doc.name);
                execute(() -> {
                    if (doc.generation == generation) {
                        reload(doc);
                    }
                });
            } else if (doc.poisonedGeneration >= generation) {
                s.sendError(ErrorCode.INTERNAL, "an earlier storage failure; resend after SyncRequest", doc.name);
            } else {
                s.send(ack);
                ctx.metrics().acksTotal.incrementAndGet();
                if (counted) {
                    ctx.metrics().ackSeconds.observeNanos(System.nanoTime() - receivedNanos);
                }
            }
        });
    }

    private void reload(SharedDoc doc) {
        Optional<StoredDocument> stored = ctx.store().loadDocument(id, doc.name);
        doc.reload(id, stored.orElse(new StoredDocument(new byte[0], 0, List.of())), ctx.agent());
        Log.warn(LOG, "doc.reloaded", "room", id, "doc", doc.name, "generation", doc.generation);
    }

    private boolean compactionDue(SharedDoc doc) {
        return doc.updatesSinceSnapshot >= ctx.config().compactUpdates()
                || doc.bytesSinceSnapshot >= ctx.config().compactBytes();
    }

    /** Writes a snapshot of {@code doc} replacing its update log, if due and possible. Runs on the room's executor. */
    private void maybeCompact(SharedDoc doc) {
        // Re-checked: another task may have compacted, reloaded or unloaded the room (which empties docs) since this
        // one was queued. Buffered (not yet integrable) updates are not in encodeStateAsUpdate(): compacting would
        // lose them.
        if (docs.get(doc.name) != doc || !compactionDue(doc) || doc.replica.hasPendingUpdates()) {
            return;
        }
        byte[] snapshot = doc.replica.encodeStateAsUpdate();
        long upTo = doc.lastSeq;
        doc.lastWrite = ctx.writer().submit(new StoreWrite.SaveSnapshot(id, doc.name, snapshot, upTo));
        doc.lastWrite.thenRun(() -> ctx.metrics().compactions.incrementAndGet());
        Log.debug(LOG, "doc.compacted", "room", id, "doc", doc.name, "upToSeq", upTo, "snapshotBytes", snapshot.length,
                "logBytes", doc.bytesSinceSnapshot);
        doc.storedBytes = snapshot.length;
        doc.updatesSinceSnapshot = 0;
        doc.bytesSinceSnapshot = 0;
    }

    /** Awareness: LWW per (client, doc); forward changes to the doc's subscribers (room-level: all members). */
    void awareness(Session s, Message.Awareness m, long nowMillis) {
        if (m.clientId() != s.clientId) {
            s.sendError(ErrorCode.BAD_CLIENT_ID, "awareness for client " + m.clientId() + " from client " + s.clientId,
                    m.doc());
            return;
        }
        if (!m.doc().isEmpty() && !docs.containsKey(m.doc())) {
            s.sendError(ErrorCode.UNKNOWN_DOC, "no document '" + m.doc() + "'", m.doc());
            return;
        }
        if (awareness.apply(m, s, nowMillis) == AwarenessTable.Result.CHANGED) {
            broadcastAwareness(m, s);
        }
    }

    private void broadcastAwareness(Message.Awareness m, Session except) {
        Outgoing out = Outgoing.of(m);
        Set<Session> targets = m.doc().isEmpty() ? members : docs.get(m.doc()).subscribers;
        for (Session t : targets) {
            if (t != except) {
                t.peer.send(out);
            }
        }
    }

    /** Drops awareness not refreshed within the timeout and tells the others. */
    void expireAwareness(long nowMillis) {
        for (Message.Awareness removal : awareness.expire(nowMillis - ctx.config().awarenessTimeoutMillis())) {
            if (removal.doc().isEmpty() || docs.containsKey(removal.doc())) {
                broadcastAwareness(removal, null);
            }
        }
    }

    /** A member disconnected: forget it and clear its awareness for the others. */
    void leave(Session s) {
        if (!members.remove(s)) {
            return;
        }
        lastActivityMillis = System.currentTimeMillis();
        for (String name : s.subscriptions) {
            SharedDoc doc = docs.get(name);
            if (doc != null) {
                doc.subscribers.remove(s);
            }
        }
        for (Message.Awareness removal : awareness.removeOwnedBy(s)) {
            broadcastAwareness(removal, s);
        }
        Log.info(LOG, "room.left", "room", id, "session", s.describe(), "members", members.size());
    }

    /**
     * Unloads the room (frees its replicas) if it has had no members for the idle limit and every write it queued
     * is committed — so a later load from storage sees everything and reuses no log seq.
     */
    void unloadIfIdle(long nowMillis, RoomRegistry registry) {
        if (unloaded || !members.isEmpty() || nowMillis - lastActivityMillis < ctx.config().unloadIdleMillis()) {
            return;
        }
        for (SharedDoc doc : docs.values()) {
            if (!doc.lastWrite.isDone()) {
                return;
            }
        }
        unloaded = true;
        registry.forget(this);
        Log.info(LOG, "room.unloaded", "room", id, "docs", docs.size());
        docs.clear();
        docCount = 0;
    }

    /** Invariants: subscribers are members subscribed to that doc; awareness entries are consistent. */
    void checkInvariants() {
        for (SharedDoc doc : docs.values()) {
            for (Session sub : doc.subscribers) {
                if (!members.contains(sub) || !sub.subscriptions.contains(doc.name)) {
                    throw new IllegalStateException("subscriber " + sub.describe() + " of " + doc.name
                            + " is not a subscribed member");
                }
            }
        }
        awareness.checkInvariants();
    }
}
