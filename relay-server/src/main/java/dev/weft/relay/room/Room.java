package dev.weft.relay.room;

import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.UpdateTooLargeException;
import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.UpdateDecoder;
import dev.weft.relay.log.Log;
import dev.weft.relay.log.LogText;
import dev.weft.relay.rendezvous.DirectRoutes;
import dev.weft.relay.rendezvous.DirectSignals;
import dev.weft.relay.store.RoomRecord;
import dev.weft.relay.store.StoreWrite;
import dev.weft.relay.store.StoredDocument;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.sync.Role;
import dev.weft.sync.StateCheckResult;
import dev.weft.sync.WireLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
    /** Each document's compaction thresholds (--compact-updates, --compact-bytes, --compact-spread); immutable. */
    private final CompactionPolicy compaction;
    /** The stored room (secret hashes); null until loaded. */
    private RoomRecord record;
    /** Documents by name (sorted, so Welcome lists them in order); filled on load. */
    private final Map<String, SharedDoc> docs = new TreeMap<>();
    /**
     * The documents whose replica is in memory, least recently used first (access order): at most
     * {@code --max-loaded-docs-per-room} of them once {@link #evictOverCap} ran, plus those with writes in flight.
     * A cluster node never evicts (its seq bookkeeping follows every replica), so there it holds every document.
     */
    private final java.util.LinkedHashMap<String, SharedDoc> resident = new java.util.LinkedHashMap<>(16, 0.75f, true);
    /** True while {@link #evictOverCap} waits for a write in flight to finish before evicting more. */
    private boolean evictionRetryQueued;
    /** Joined sessions. */
    private final Set<Session> members = new HashSet<>();
    /** Presence of members. */
    private final AwarenessTable awareness = new AwarenessTable();
    /**
     * The member whose connection may publish awareness under each client id (see {@link #claimClientId}): presence
     * is bound to one authenticated connection, so another member reusing the id cannot fake or mute it.
     */
    private final Map<Long, Session> clientIdOwners = new java.util.HashMap<>();
    /** What the documents' names take in a Welcome: the sum of {@link WireLimits#welcomeNameCost} over {@link #docs}. */
    private long welcomeNameBytes;
    /** Sum of the documents' {@link SharedDoc#decodedChars}: checked against the maximum room size in characters. */
    private long roomChars;
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
        // A cluster node salts the spread with its agent id: the nodes' snapshots of one document come apart.
        this.compaction = new CompactionPolicy(ctx.config().compactUpdates(), ctx.config().compactBytes(),
                ctx.config().compactSpread(), ctx.store().assignsSeqs() ? ctx.agent() : 0);
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
            if (stored.isPresent()) {
                evictOverCap(1); // a room larger than the cap is read through, never held whole
                SharedDoc doc = SharedDoc.load(id, name, stored.get(), ctx.agent(), ctx.config().maxDocumentChars());
                addDoc(doc);
                resident(doc);
            }
        }
        roomChars = 0;
        for (SharedDoc d : docs.values()) {
            roomChars += d.decodedChars;
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
        claimClientId(s);
        Log.info(LOG, "room.joined", "room", id, "session", s.describe(), "role", role.name(), "clientId",
                hello.clientId(), "user", LogText.clip(hello.userName(), 64), "members", members.size());
        s.send(new Message.Welcome(MessageCodec.PROTOCOL_VERSION, role, new ArrayList<>(docs.keySet())));
        for (Message.Awareness a : awareness.statesFor("", s.clientId)) {
            s.send(a);
        }
    }

    private void authFailed(Session s, String why) {
        Log.warnLimited(LOG, "auth.failed", s.peer.address(), "room", id, "session", s.describe(), "reason", why);
        s.sendError(ErrorCode.AUTH_FAILED, "cannot join room: " + why, "");
    }

    /** SyncRequest: create the document if needed (editors), subscribe, reply with what the asker lacks. */
    void syncRequest(Session s, Message.SyncRequest m) {
        Message.SyncReply reply = syncOne(s, m);
        if (reply != null) {
            s.send(reply);
            sendDocAwareness(s, m.doc());
        }
        evictOverCap();
    }

    /**
     * SyncBatchRequest: each entry as {@link #syncRequest}, the replies packed into parts of at most
     * {@link #batchPartBytes()} encoded bytes (a single larger reply gets a part of its own), the last part marked.
     * A refused entry gets its Error before the part that would have held it. Awareness of a part's documents
     * follows that part, as it follows a SyncReply.
     */
    void syncBatch(Session s, Message.SyncBatchRequest m) {
        long budget = batchPartBytes();
        List<Message.SyncReply> part = new ArrayList<>();
        long partBytes = 0;
        for (Message.SyncRequest r : m.requests()) {
            Message.SyncReply reply = syncOne(s, r);
            if (reply == null) {
                continue;
            }
            long size = replyBytes(reply);
            if (!part.isEmpty() && partBytes + size > budget) {
                sendBatchPart(s, m.batch(), false, part);
                part = new ArrayList<>();
                partBytes = 0;
            }
            part.add(reply);
            partBytes += size;
            evictOverCap(); // the reply is encoded: this document may go again
        }
        sendBatchPart(s, m.batch(), true, part);
    }

    /** Target size of one SyncBatchReply part: 1 MiB, or the relay's maximum message size if smaller. */
    private long batchPartBytes() {
        return Math.min(1 << 20, ctx.config().maxMessageBytes()) - 64L; // 64: the part's own header, generously
    }

    /** Upper bound of a reply entry's encoded size: name, update, vector (≤ 20 bytes per entry) and lengths. */
    private static long replyBytes(Message.SyncReply r) {
        return r.doc().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + r.update().length
                + 20L * r.serverVersion().asMap().size() + 30;
    }

    private void sendBatchPart(Session s, long batch, boolean last, List<Message.SyncReply> part) {
        s.send(new Message.SyncBatchReply(batch, last, part));
        for (Message.SyncReply r : part) {
            sendDocAwareness(s, r.doc());
        }
    }

    private void sendDocAwareness(Session s, String doc) {
        for (Message.Awareness a : awareness.statesFor(doc, s.clientId)) {
            s.send(a);
        }
    }

    /**
     * One document's sync: checks (name, role, limits), creation, subscription. @return the reply, or null if
     * refused (the Error, naming the document, is sent)
     */
    private Message.SyncReply syncOne(Session s, Message.SyncRequest m) {
        String problem = DocNames.problem(m.doc());
        if (problem != null) {
            s.sendError(ErrorCode.BAD_NAME, problem, m.doc());
            return null;
        }
        SharedDoc doc = docs.get(m.doc());
        if (doc == null && cluster()) {
            doc = adoptStoredDoc(m.doc()); // created on another node
        }
        if (doc == null) {
            if (s.role != Role.EDITOR) {
                s.sendError(ErrorCode.UNKNOWN_DOC, "no document '" + m.doc() + "' (read-only members cannot create one)",
                        m.doc());
                return null;
            }
            if (docs.size() >= ctx.config().maxDocsPerRoom()) {
                s.sendError(ErrorCode.TOO_MANY_DOCS, "room already holds the maximum of "
                        + ctx.config().maxDocsPerRoom() + " documents", m.doc());
                return null;
            }
            long names = welcomeNameBytes + WireLimits.welcomeNameCost(m.doc());
            if (names > WireLimits.MAX_WELCOME_NAME_BYTES) {
                s.sendError(ErrorCode.TOO_MANY_DOCS, "the room's document names would take " + names
                        + " bytes, more than the " + WireLimits.MAX_WELCOME_NAME_BYTES + " a Welcome may list; use "
                        + "shorter names or fewer documents", m.doc());
                return null;
            }
        }
        if (!s.subscriptions.contains(m.doc()) && s.subscriptions.size() >= ctx.config().maxDocsPerConnection()) {
            s.sendError(ErrorCode.TOO_MANY_DOCS, "connection already syncs the maximum of "
                    + ctx.config().maxDocsPerConnection() + " documents", m.doc());
            return null;
        }
        if (doc == null) {
            doc = createDoc(m.doc(), s);
        }
        use(doc);
        s.subscriptions.add(m.doc());
        doc.subscribers.add(s);
        return new Message.SyncReply(m.doc(), doc.replica.encodeDiff(m.version()), doc.replica.version());
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
        use(doc);
        dev.weft.crdt.model.VersionVector v = doc.replica.version();
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

    /** Adds a document to {@link #docs} (a new name), keeping {@link #welcomeNameBytes} and {@link #docCount}. */
    private void addDoc(SharedDoc doc) {
        docs.put(doc.name, doc);
        welcomeNameBytes += WireLimits.welcomeNameCost(doc.name);
        docCount = docs.size();
    }

    private SharedDoc createDoc(String name, Session creator) {
        SharedDoc doc = SharedDoc.empty(name, ctx.agent());
        addDoc(doc);
        resident(doc);
        submitCreate(doc);
        Log.info(LOG, "doc.created", "room", id, "doc", name, "by", creator.describe());
        Outgoing added = Outgoing.of(new Message.DocAdded(name));
        for (Session member : members) {
            member.peer.send(added);
        }
        return doc;
    }

    /**
     * Submits the document's row. Without it, updates committed later would be acknowledged yet invisible after a
     * restart; so if it fails, acks of this generation are withheld (as after a failed append) and the document is
     * reloaded, which marks it {@link SharedDoc#needsRow} for the next update. Writes are FIFO: the row precedes
     * every later append.
     */
    private void submitCreate(SharedDoc doc) {
        doc.needsRow = false;
        int generation = doc.generation;
        doc.lastWrite = ctx.writer().submit(new StoreWrite.CreateDocument(id, doc.name));
        doc.lastWrite.whenComplete((ok, failure) -> {
            if (failure != null) {
                doc.poisonedGeneration = Math.max(doc.poisonedGeneration, generation);
                execute(() -> {
                    if (doc.generation == generation) {
                        reload(doc);
                    }
                });
            }
        });
    }

    /** Update: integrate, forward to the other subscribers, append durably, then ack the sender. */
    void update(Session s, Message.Update m, Outgoing forward, long receivedNanos) {
        update(s, m, forward, receivedNanos, List.of());
    }

    /**
     * An update the sender also delivered over direct links to the client ids in {@code skip}: handled as
     * {@link #update(Session, Message.Update, Outgoing, long)}, but not forwarded to a member that confirmed its
     * direct link from the sender ({@link DirectRoutes#skips}).
     */
    void update(Session s, Message.Update m, Outgoing forward, long receivedNanos, List<Long> skip) {
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
        use(doc);
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
        DecodedUpdate decoded;
        try {
            // Bounded before anything is inflated or allocated: a 65 KB update may declare 64 Mi characters.
            decoded = UpdateDecoder.decode(bytes, decodeLimit());
        } catch (UpdateTooLargeException e) {
            s.sendError(ErrorCode.UPDATE_TOO_LARGE, e.getMessage() + " (relay limit); nothing was applied, split the "
                    + "change into smaller updates", m.doc());
            return;
        } catch (MalformedUpdateException e) {
            s.sendError(ErrorCode.BAD_UPDATE, "invalid update: " + e.getMessage(), m.doc());
            return;
        }
        long units = decoded.storedUnits; // garbage-collected runs included: the replica stores their seqs
        if (!doc.fits(units, ctx.config().maxDocumentChars())) {
            s.sendError(ErrorCode.DOC_TOO_LARGE, "document would exceed the maximum of "
                    + ctx.config().maxDocumentChars() + " characters; nothing was applied", m.doc());
            return;
        }
        if (roomChars + units > ctx.config().maxRoomChars()) {
            s.sendError(ErrorCode.DOC_TOO_LARGE, "room would exceed the maximum of " + ctx.config().maxRoomChars()
                    + " characters; nothing was applied", m.doc());
            return;
        }
        try {
            doc.integrate(decoded);
        } catch (MalformedUpdateException e) {
            s.sendError(ErrorCode.BAD_UPDATE, "invalid update: " + e.getMessage(), m.doc());
            return;
        } catch (RuntimeException | Error e) {
            // Includes OutOfMemoryError: the replica may be half-updated, so it is rebuilt from storage.
            Log.error(LOG, "replica.apply_failed", e, "room", id, "doc", LogText.clip(m.doc()), "session",
                    s.describe());
            reload(doc);
            s.sendError(ErrorCode.INTERNAL, "relay failed to apply the update; resend after SyncRequest", m.doc());
            return;
        }
        roomChars += units;
        ctx.metrics().updatesTotal.incrementAndGet();
        lastActivityMillis = System.currentTimeMillis();
        for (Session other : doc.subscribers) {
            if (other == s) {
                continue;
            }
            if (DirectRoutes.skips(skip, s.clientId, other)) {
                ctx.metrics().updatesDeliveredDirect.increment();
            } else {
                other.peer.send(forward);
                ctx.metrics().updatesForwarded.increment();
            }
        }
        ctx.metrics().forwardSeconds.observeNanos(System.nanoTime() - receivedNanos);
        if (doc.needsRow) {
            submitCreate(doc);
        }
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
        if (resident.size() > ctx.config().maxLoadedDocsPerRoom()) {
            evictOverCap();
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

    /** Most one update may decode to here: the protocol's limit, and never more than a whole document. */
    private int decodeLimit() {
        return (int) Math.min(WireLimits.MAX_DECODED_UPDATE_LENGTH, ctx.config().maxDocumentChars());
    }

    /**
     * Rebuilds {@code doc} from storage in a new generation. If storage cannot be read (it is still failing), the
     * document is left as it is, its generation still poisoned, and marked {@link SharedDoc#reloadPending}: the next
     * {@link #use} (every sync and update goes through it) retries.
     */
    private void reload(SharedDoc doc) {
        Optional<StoredDocument> stored;
        try {
            stored = ctx.store().loadDocument(id, doc.name);
        } catch (RuntimeException e) {
            doc.reloadPending = true;
            Log.warn(LOG, "doc.reload_deferred", "room", id, "doc", doc.name, "generation", doc.generation,
                    "reason", String.valueOf(e.getMessage()),
                    "hint", "storage is unreadable; reloaded when the document is next used");
            return;
        }
        doc.reloadPending = false;
        roomChars -= doc.decodedChars;
        doc.reload(id, stored.orElse(new StoredDocument(new byte[0], 0, List.of())), ctx.agent(),
                ctx.config().maxDocumentChars());
        roomChars += doc.decodedChars;
        resident(doc);
        // No stored row: its CreateDocument failed. The next update submits it again, ahead of itself.
        doc.needsRow = stored.isEmpty();
        Log.warn(LOG, "doc.reloaded", "room", id, "doc", doc.name, "generation", doc.generation);
    }

    /** True once {@code doc}'s log reached its thresholds for its next compaction ({@link CompactionPolicy}). */
    private boolean compactionDue(SharedDoc doc) {
        if (doc.compactAtUpdates < 0) {
            doc.compactAtUpdates = compaction.updates(id, doc.name, doc.compactionRound);
            doc.compactAtBytes = compaction.bytes(id, doc.name, doc.compactionRound);
        }
        return doc.updatesSinceSnapshot >= doc.compactAtUpdates || doc.bytesSinceSnapshot >= doc.compactAtBytes;
    }

    /** Writes a snapshot of {@code doc} replacing its update log, if due and possible. Runs on the room's executor. */
    private void maybeCompact(SharedDoc doc) {
        // Re-checked: another task may have compacted, reloaded or unloaded the room (which empties docs) since this
        // one was queued. Buffered (not yet integrable) updates are not in encodeStateAsUpdate(): compacting would
        // lose them.
        if (docs.get(doc.name) != doc || doc.replica == null || !compactionDue(doc)
                || doc.replica.hasPendingUpdates()) {
            return;
        }
        byte[] snapshot = doc.replica.encodeStateAsUpdate();
        // Cluster: the store numbers the log, and the replica holds every seq up to seqs.contiguous().
        long upTo = cluster() ? doc.seqs.contiguous() : doc.lastSeq;
        if (upTo <= 0) {
            return;
        }
        doc.lastWrite = ctx.writer().submit(new StoreWrite.SaveSnapshot(id, doc.name, snapshot, upTo));
        doc.lastWrite.thenRun(() -> ctx.metrics().compactions.incrementAndGet());
        Log.debug(LOG, "doc.compacted", "room", id, "doc", doc.name, "upToSeq", upTo, "snapshotBytes", snapshot.length,
                "logBytes", doc.bytesSinceSnapshot);
        doc.storedBytes = snapshot.length;
        doc.updatesSinceSnapshot = 0;
        doc.bytesSinceSnapshot = 0;
        doc.compactionRound++;
        doc.compactAtUpdates = -1; // the next round's thresholds, computed on the next check
    }

    // ---- Replicas in memory (docs/relay.md, "Memory"): at most --max-loaded-docs-per-room per room. ----

    /** Lists {@code doc}'s replica as in memory (most recently used). */
    private void resident(SharedDoc doc) {
        if (resident.put(doc.name, doc) == null) {
            ctx.metrics().replicasChanged(1);
        }
    }

    /**
     * Makes sure {@code doc}'s replica is in memory (rebuilt from storage if it was evicted, reloaded if a reload is
     * pending) and marks it most recently used. Postcondition: {@code doc.replica != null}.
     */
    private void use(SharedDoc doc) {
        if (doc.reloadPending && doc.replica != null) {
            reload(doc); // a reload that could not read storage earlier; stays pending if it still cannot
        }
        if (doc.replica == null) {
            evictOverCap(1);
            Optional<StoredDocument> stored = ctx.store().loadDocument(id, doc.name);
            roomChars -= doc.decodedChars;
            doc.restore(id, stored.orElse(new StoredDocument(new byte[0], 0, List.of())), ctx.agent(),
                    ctx.config().maxDocumentChars());
            roomChars += doc.decodedChars;
            ctx.metrics().replicaLoads.incrementAndGet();
        }
        resident(doc);
    }

    /**
     * Evicts least recently used replicas that storage holds entirely ({@link SharedDoc#evictable}) until at most
     * {@code --max-loaded-docs-per-room} are in memory. Replicas with writes in flight stay; once the oldest of
     * those is durable this runs again. Subscribers keep their subscription: the next message about the document
     * loads it back. Never on a cluster node.
     */
    private void evictOverCap() {
        evictOverCap(0);
    }

    /** As {@link #evictOverCap()}, leaving room for {@code spare} more replicas under the cap. */
    private void evictOverCap(int spare) {
        int cap = Math.max(0, ctx.config().maxLoadedDocsPerRoom() - spare);
        if (resident.size() <= cap || cluster() || unloaded || evictionRetryQueued) {
            return; // with a retry queued, scanning again before a write completes would find the same replicas
        }
        SharedDoc waitFor = null;
        for (java.util.Iterator<SharedDoc> it = resident.values().iterator(); it.hasNext() && resident.size() > cap; ) {
            SharedDoc d = it.next();
            if (d.evictable()) {
                it.remove();
                d.evict();
                ctx.metrics().replicasChanged(-1);
                ctx.metrics().replicaEvictions.incrementAndGet();
            } else if (waitFor == null && !d.lastWrite.isDone()) {
                waitFor = d;
            }
        }
        if (resident.size() > cap && waitFor != null && !evictionRetryQueued) {
            evictionRetryQueued = true;
            waitFor.lastWrite.whenComplete((ok, failure) -> execute(() -> {
                evictionRetryQueued = false;
                evictOverCap();
            }));
        }
    }

    // ---- Cluster (docs/relay.md, "Cluster"): several nodes serve this room; PostgreSQL numbers each log. ----

    /** Whether this relay is a cluster node: its store assigns seqs, other nodes may append to the same logs. */
    private boolean cluster() {
        return ctx.store().assignsSeqs();
    }

    /** Delay before an open seq gap is filled from storage (an announcement overtaken by a later one may arrive). */
    static final long GAP_GRACE_MILLIS = 150;

    /** This node committed {@code seq} of document {@code name}: the replica holds it. */
    void committedHere(String name, long seq) {
        SharedDoc doc = docs.get(name);
        if (doc != null && !unloaded) {
            doc.seqs.add(seq);
        }
    }

    /**
     * Another node committed {@code seq} of document {@code name}: integrate and forward to this node's
     * subscribers. A seq that leaves a hole below it is integrated too (CRDT merge does not need order), and the
     * hole is filled from storage if it is still open {@value #GAP_GRACE_MILLIS} ms later. An announcement without
     * its update (too large for Redis), or for a document not loaded here, is read from storage.
     */
    void remoteUpdate(String name, long seq, byte[] update) {
        if (unloaded || record == null) {
            return;
        }
        SharedDoc doc = docs.get(name);
        if (doc == null) {
            adoptStoredDoc(name);
            return;
        }
        if (doc.seqs.has(seq)) {
            ctx.cluster().duplicates.incrementAndGet();
            return;
        }
        if (update == null) {
            catchUp(doc);
            return;
        }
        int units = doc.apply(id, update, seq, ctx.config().maxDocumentChars());
        roomChars += units;
        doc.seqs.add(seq);
        ctx.cluster().applied.incrementAndGet();
        lastActivityMillis = System.currentTimeMillis();
        forwardToAll(doc, update);
        if (doc.seqs.hasGap()) {
            scheduleGapCheck(doc);
        }
    }

    private void scheduleGapCheck(SharedDoc doc) {
        if (doc.gapCheckQueued) {
            return;
        }
        doc.gapCheckQueued = true;
        Executor later = CompletableFuture.delayedExecutor(GAP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        later.execute(() -> execute(() -> {
            doc.gapCheckQueued = false;
            if (docs.get(doc.name) == doc && doc.seqs.hasGap()) {
                ctx.cluster().gaps.incrementAndGet();
                catchUp(doc);
            }
        }));
    }

    /**
     * Polls storage: documents created on other nodes are adopted; a document whose log head was already ahead of
     * the replica at the previous poll missed updates (a lost announcement with none after it) and catches up. With
     * {@code now} (after Redis reconnected: announcements were certainly lost) any head ahead of the replica
     * catches up at once; otherwise the one-poll delay spares the reads for this node's own commits whose seqs are
     * still on their way to the room.
     */
    void pollStore(boolean now) {
        if (unloaded || record == null) {
            return;
        }
        Map<String, Long> heads;
        try {
            heads = ctx.store().documentHeads(id);
        } catch (RuntimeException e) {
            Log.warnLimited(LOG, "cluster.poll_failed", id, "room", id, "reason", String.valueOf(e.getMessage()));
            return;
        }
        for (Map.Entry<String, Long> h : heads.entrySet()) {
            SharedDoc doc = docs.get(h.getKey());
            if (doc == null) {
                adoptStoredDoc(h.getKey());
                continue;
            }
            if (doc.seqs.contiguous() < (now ? h.getValue() : Math.min(h.getValue(), doc.previousHead))) {
                ctx.cluster().gaps.incrementAndGet();
                catchUp(doc);
            }
            doc.previousHead = h.getValue();
        }
    }

    /**
     * Reads from storage what lies above the replica's contiguous seq and integrates every entry the replica lacks
     * (duplicates are harmless, CRDT merge), then forwards what changed to this node's subscribers as one update.
     */
    private void catchUp(SharedDoc doc) {
        Optional<StoredDocument> read;
        try {
            // Only what lies above the contiguous prefix: the log since, or the snapshot if it moved past it.
            read = ctx.store().loadDocumentAfter(id, doc.name, doc.seqs.contiguous());
        } catch (RuntimeException e) {
            Log.warnLimited(LOG, "cluster.catch_up_failed", id, "room", id, "doc", doc.name, "reason",
                    String.valueOf(e.getMessage()));
            return;
        }
        if (read.isEmpty()) {
            return;
        }
        StoredDocument stored = read.get();
        ctx.cluster().catchUps.incrementAndGet();
        dev.weft.crdt.model.VersionVector before = doc.replica.version();
        long have = doc.seqs.contiguous();
        long maxChars = ctx.config().maxDocumentChars();
        boolean applied = false;
        if (stored.snapshotSeq() > have && stored.snapshot().length > 0) {
            roomChars += doc.apply(id, stored.snapshot(), stored.snapshotSeq(), maxChars);
            applied = true;
        }
        for (StoredDocument.LogEntry e : stored.log()) {
            if (!doc.seqs.has(e.seq())) {
                roomChars += doc.apply(id, e.update(), e.seq(), maxChars);
                ctx.cluster().caughtUpEntries.incrementAndGet();
                applied = true;
            }
        }
        doc.seqs.fillTo(stored.lastSeq());
        // Not "if the version moved": deletions do not advance a version vector. The diff carries the whole
        // delete set, so the subscribers get any deletion caught up here.
        if (applied) {
            forwardToAll(doc, doc.replica.encodeDiff(before));
        }
    }

    /** Sends {@code update} of {@code doc} to every subscriber on this node. */
    private void forwardToAll(SharedDoc doc, byte[] update) {
        Outgoing out = Outgoing.of(new Message.Update(doc.name, update));
        for (Session sub : doc.subscribers) {
            sub.peer.send(out);
        }
    }

    /** Loads a document another node created, and announces it to this node's members. @return it, or null */
    private SharedDoc adoptStoredDoc(String name) {
        Optional<StoredDocument> stored;
        try {
            stored = ctx.store().loadDocument(id, name);
        } catch (RuntimeException e) {
            Log.warnLimited(LOG, "cluster.load_failed", id, "room", id, "doc", name, "reason",
                    String.valueOf(e.getMessage()));
            return null;
        }
        if (stored.isEmpty() || docs.size() >= ctx.config().maxDocsPerRoom()) {
            return null;
        }
        SharedDoc doc = SharedDoc.load(id, name, stored.get(), ctx.agent(), ctx.config().maxDocumentChars());
        doc.previousHead = stored.get().lastSeq();
        addDoc(doc);
        resident(doc);
        roomChars += doc.decodedChars;
        Outgoing added = Outgoing.of(new Message.DocAdded(name));
        for (Session member : members) {
            member.peer.send(added);
        }
        return doc;
    }

    /**
     * Gives {@code s} the right to publish awareness under its client id, unless a read-only member tries to take
     * an id an editor's live connection holds. Another holder loses the id (a reconnecting client reuses its id
     * while its old connection may still linger) and its awareness states under it are removed for everyone, so a
     * high clock it published cannot make the new holder's states look stale.
     *
     * <table><caption>who holds the id after s joins or publishes</caption>
     * <tr><th>current holder</th><th>s is an editor</th><th>s is read-only</th></tr>
     * <tr><td>none, or not a member any more</td><td>s</td><td>s</td></tr>
     * <tr><td>a read-only member</td><td>s</td><td>s</td></tr>
     * <tr><td>an editor</td><td>s</td><td>the editor (s's awareness is refused, BAD_CLIENT_ID)</td></tr>
     * </table>
     *
     * @return true if {@code s} holds its id afterwards
     */
    private boolean claimClientId(Session s) {
        Session holder = clientIdOwners.get(s.clientId);
        if (holder == s) {
            return true;
        }
        if (holder != null && members.contains(holder)) {
            if (holder.role == Role.EDITOR && s.role != Role.EDITOR) {
                return false;
            }
            for (Message.Awareness removal : awareness.removeOwnedBy(holder)) {
                broadcastAwareness(removal, s); // s may not have its Welcome yet, and knows its own id is new
            }
        }
        clientIdOwners.put(s.clientId, s);
        return true;
    }

    /** Signal: rendezvous for direct connections, handled by {@link DirectSignals}. */
    void signal(Session s, Message.Signal m) {
        String refused = DirectSignals.handle(s, m, members, id, record.editorSecretHash(),
                record.readOnlySecretHash(), ctx.rendezvousPort());
        if (refused != null) {
            s.sendError(ErrorCode.BAD_MESSAGE, refused, "");
        }
    }

    /** Awareness: LWW per (client, doc); forward changes to the doc's subscribers (room-level: all members). */
    void awareness(Session s, Message.Awareness m, long nowMillis) {
        if (m.clientId() != s.clientId) {
            s.sendError(ErrorCode.BAD_CLIENT_ID, "awareness for client " + m.clientId() + " from client " + s.clientId,
                    m.doc());
            return;
        }
        if (!claimClientId(s)) {
            s.sendError(ErrorCode.BAD_CLIENT_ID, "client id " + s.clientId + " belongs to an editor's connection in "
                    + "this room; join with your own client id", m.doc());
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
        clientIdOwners.remove(s.clientId, s);
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
        welcomeNameBytes = 0;
        ctx.metrics().replicasChanged(-resident.size());
        resident.clear();
        docCount = 0;
        roomChars = 0;
    }

    /** Invariants: subscribers are members subscribed to that doc; awareness entries are consistent. */
    void checkInvariants() {
        for (SharedDoc doc : docs.values()) {
            if ((doc.replica != null) != resident.containsKey(doc.name)) {
                throw new IllegalStateException("document " + doc.name + " is " + (doc.replica != null ? "" : "not ")
                        + "in memory but " + (doc.replica != null ? "not " : "") + "listed as resident");
            }
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
