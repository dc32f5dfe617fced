package dev.weft.client.lan;

import dev.weft.client.SyncChannel;
import dev.weft.client.journal.Journal;
import dev.weft.client.journal.RoomJournal;
import dev.weft.client.lan.secure.RoomKeys;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.model.VersionVector;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.sync.Role;
import dev.weft.sync.StateCheckResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The heart of a LAN node: the node's own durable replica of every room document, serving the local editor as a
 * relay would (sync replies, acks after the journal write, awareness) and exchanging the same protocol messages with
 * peers ({@code docs/protocol.md}, "LAN peers"). An update that is news here is forwarded to every other peer, so an
 * update reaches every peer of a connected graph of links without every pair being connected; an update that
 * changes nothing is not forwarded, which ends the flood.
 *
 * <p>Confined to one executor ({@link LanChannel} submits every event to it); not thread-safe on its own.
 */
final class Hub {
    private static final Logger LOG = Logger.getLogger(Hub.class.getName());

    /** Room keys (role, editor proof); immutable. */
    private final RoomKeys keys;
    /** This node's id on links (duplicate-link resolution); immutable. */
    final long nodeId;
    /** The local member's client id (awareness); immutable. */
    final long clientId;
    private final String userName;
    /** The node's journal slot; saves happen in {@link #flush}. */
    private final RoomJournal journal;
    /** Schedules {@link #flush} after the events queued so far (group commit). */
    private final Consumer<Runnable> later;

    /** Room documents by name. */
    private final Map<String, HubDoc> docs = new TreeMap<>();
    /** Local endpoints by document. */
    private final Map<String, SyncChannel.Endpoint> endpoints = new HashMap<>();
    /** Live links (OPEN, IDENTIFIED or SYNCED). */
    private final Set<PeerLink> links = new LinkedHashSet<>();
    private final AwarenessTable awareness = new AwarenessTable();
    /** Local updates waiting for the journal write before their Ack, one entry per update, in order. */
    private final List<String> localAcks = new ArrayList<>();
    /** Peer updates waiting for the journal write before their Ack. */
    private final Map<PeerLink, List<String>> peerAcks = new HashMap<>();
    /** Per document, the union of versions peers acknowledged as durable. */
    private final Map<String, Map<Long, Long>> peerDurable = new HashMap<>();
    private boolean flushScheduled;
    /** A journal write is in progress / another flush was asked for meanwhile. Hub thread only. */
    private boolean ioBusy;
    private boolean flushAgain;
    /** The journal thread (writes happen off the hub thread). */
    private final java.util.concurrent.ExecutorService io = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread t = new Thread(r, "weft-lan-journal");
                t.setDaemon(true);
                return t;
            });
    /** Messages not for an attached document (DocAdded, room-level awareness); any thread adds. */
    final List<Consumer<Message>> messageListeners = new CopyOnWriteArrayList<>();
    /** Completes when the first link finished its initial sync. */
    final CompletableFuture<Void> firstPeerSynced = new CompletableFuture<>();
    /** Updates refused from peers that did not prove the editor role (tests and status). */
    volatile long refusedPeerUpdates;
    /** Links that reached SYNCED, for status; hub executor writes. */
    volatile int syncedLinks;
    private boolean closed;

    Hub(RoomKeys keys, long clientId, String userName, RoomJournal journal, Consumer<Runnable> later)
            throws IOException {
        this.keys = keys;
        this.nodeId = new SecureRandom().nextLong() & ((1L << 53) - 1);
        this.clientId = clientId;
        this.userName = userName;
        this.journal = journal;
        this.later = later;
        for (String name : journal.documents()) {
            Journal.Entry e = journal.load(name).orElseThrow();
            TextDocument r = new TextDocument(e.agent());
            if (e.state().length > 0) {
                r.applyUpdate(e.state());
            }
            HubDoc d = new HubDoc(name, r);
            d.saved = r.version();
            docs.put(name, d);
        }
    }

    boolean readOnly() {
        return !keys.isEditor();
    }

    List<String> docNames() {
        return List.copyOf(docs.keySet());
    }

    /** The hub replica's text of {@code doc}, or null (tests, status). */
    String text(String doc) {
        HubDoc d = docs.get(doc);
        return d == null ? null : d.replica.getText();
    }

    /** Number of live identified links. */
    int identifiedLinks() {
        return (int) links.stream().filter(l -> l.state == PeerLink.State.IDENTIFIED
                || l.state == PeerLink.State.SYNCED).count();
    }

    /** True if a live link to node {@code id} exists. */
    boolean hasLinkTo(long id) {
        return links.stream().anyMatch(l -> l.nodeId == id && l.state != PeerLink.State.CLOSED);
    }

    /** True if peers acknowledged as durable every operation of {@code version} in {@code doc}. */
    boolean peerDurable(String doc, VersionVector version) {
        Map<Long, Long> acked = peerDurable.getOrDefault(doc, Map.of());
        for (var e : version.asMap().entrySet()) {
            if (acked.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The version of {@code doc} its last journal save holds; empty for an unknown document. */
    private VersionVector savedVersion(String doc) {
        HubDoc d = docs.get(doc);
        return d == null ? VersionVector.EMPTY : d.saved;
    }

    VersionVector version(String doc) {
        HubDoc d = docs.get(doc);
        return d == null ? VersionVector.EMPTY : d.replica.version();
    }

    // ---- local side -----------------------------------------------------------------------------------------

    void attach(String doc, SyncChannel.Endpoint endpoint) {
        if (closed) {
            return;
        }
        endpoints.put(doc, endpoint);
        endpoint.onConnected();
    }

    void detach(String doc, SyncChannel.Endpoint endpoint) {
        endpoints.remove(doc, endpoint);
    }

    /** A message from the local editor (as the relay would receive it). */
    void fromLocal(Message m) {
        if (closed) {
            return;
        }
        if (m instanceof Message.SyncRequest r) {
            localSync(r);
        } else if (m instanceof Message.SyncBatchRequest b) {
            List<Message.SyncReply> replies = new ArrayList<>();
            for (Message.SyncRequest r : b.requests()) {
                HubDoc d = docForLocal(r.doc());
                if (d != null) {
                    replies.add(new Message.SyncReply(r.doc(), d.replica.encodeDiff(r.version()),
                            d.replica.version()));
                }
            }
            toLocalListeners(new Message.SyncBatchReply(b.batch(), true, replies));
            for (Message.SyncReply r : replies) {
                for (Message.Awareness a : awareness.fresh(r.doc(), clientId)) {
                    toLocal(a);
                }
            }
        } else if (m instanceof Message.Update u) {
            localUpdate(u);
        } else if (m instanceof Message.Awareness a) {
            if (a.clientId() == clientId && awareness.accept(a)) {
                broadcast(a, null);
            }
        } else if (m instanceof Message.StateCheck c) {
            stateCheck(c);
        } else {
            LOG.fine(() -> "LAN node ignores local " + m.getClass().getSimpleName());
        }
    }

    private void localSync(Message.SyncRequest r) {
        HubDoc d = docForLocal(r.doc());
        if (d == null) {
            toLocal(new Message.Error(ErrorCode.UNKNOWN_DOC, "no peer has shared '" + r.doc() + "' yet", r.doc()));
            return;
        }
        toLocal(new Message.SyncReply(r.doc(), d.replica.encodeDiff(r.version()), d.replica.version()));
        for (Message.Awareness a : awareness.fresh(r.doc(), clientId)) {
            toLocal(a);
        }
    }

    /**
     * The document for a local request, created (and announced) if new. A reader creates an empty one too: its
     * announcement is only a request, which editors answer with the content they have (never creating it for a
     * reader).
     */
    private HubDoc docForLocal(String name) {
        HubDoc d = docs.get(name);
        return d != null ? d : create(name, null);
    }

    private void localUpdate(Message.Update u) {
        if (!keys.isEditor()) {
            toLocal(new Message.Error(ErrorCode.READ_ONLY, "this member joined read-only", u.doc()));
            return;
        }
        HubDoc d = docForLocal(u.doc());
        if (integrate(d, u.update(), null) == Outcome.MALFORMED) {
            return; // answered with BAD_UPDATE
        }
        localAcks.add(u.doc());
        scheduleFlush();
    }

    private void stateCheck(Message.StateCheck c) {
        HubDoc d = docs.get(c.doc());
        if (d == null) {
            toLocal(new Message.Error(ErrorCode.UNKNOWN_DOC, "unknown document", c.doc()));
            return;
        }
        VersionVector v = d.replica.version();
        StateCheckResult result;
        byte[] state = new byte[0];
        if (!v.equals(c.version())) {
            result = StateCheckResult.DIFFERENT_VERSION;
        } else if (MessageDigest.isEqual(sha256(d.replica.getText()), c.textSha256())) {
            result = StateCheckResult.SAME_TEXT;
        } else {
            result = StateCheckResult.DIFFERENT_TEXT;
            state = d.replica.encodeStateAsUpdate();
        }
        toLocal(new Message.StateCheckReply(c.doc(), v, result, state));
    }

    private void toLocal(Message m) {
        SyncChannel.Endpoint e = m.doc().isEmpty() ? null : endpoints.get(m.doc());
        if (e != null) {
            e.onMessage(m);
        } else {
            toLocalListeners(m);
        }
    }

    private void toLocalListeners(Message m) {
        for (Consumer<Message> l : messageListeners) {
            try {
                l.accept(m);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "LAN message listener failed", ex);
            }
        }
    }

    // ---- peers ------------------------------------------------------------------------------------------------

    /** A new authenticated link: introduce ourselves (Hello with our editor proof, then our document list). */
    void addLink(PeerLink link) {
        if (closed) {
            link.close();
            return;
        }
        links.add(link);
        String proof = Base64.getEncoder().encodeToString(link.channel.editorProof(keys));
        link.send(new Message.Hello(MessageCodec.PROTOCOL_VERSION, keys.room(), proof, nodeId, userName,
                "#888888"));
        link.send(new Message.Welcome(MessageCodec.PROTOCOL_VERSION, keys.isEditor() ? Role.EDITOR
                : Role.READ_ONLY, docNames()));
    }

    void linkClosed(PeerLink link) {
        link.state = PeerLink.State.CLOSED;
        links.remove(link);
        peerAcks.remove(link);
    }

    /** A message from a peer. */
    void fromPeer(PeerLink link, Message m) {
        if (closed || link.state == PeerLink.State.CLOSED) {
            return;
        }
        if (link.state == PeerLink.State.OPEN) {
            if (m instanceof Message.Hello h) {
                identify(link, h);
            } else {
                drop(link, "sent " + m.getClass().getSimpleName() + " before Hello");
            }
            return;
        }
        if (m instanceof Message.Welcome w) {
            peerWelcome(link, w);
        } else if (m instanceof Message.SyncRequest r) {
            HubDoc d = docs.get(r.doc());
            boolean lacked = d == null && link.trustedWriter;
            if (lacked) {
                d = create(r.doc(), link);
            }
            link.send(d == null ? new Message.SyncReply(r.doc(), new byte[0], VersionVector.EMPTY)
                    : new Message.SyncReply(r.doc(), d.replica.encodeDiff(r.version()), d.replica.version()));
            if (lacked) {
                // The peer holds a document we did not know: created while this link was being set up, neither
                // side's Welcome named it and its updates were not sent on a link not yet identified. Ask for its
                // content now rather than on its next change (part of this link's first sync if still running).
                askFor(link, d);
            }
        } else if (m instanceof Message.SyncReply r) {
            if (link.trustedWriter && r.update().length > 0) {
                HubDoc d = docs.containsKey(r.doc()) ? docs.get(r.doc()) : create(r.doc(), link);
                if (integrate(d, r.update(), link) == Outcome.CHANGED) {
                    // Acknowledge what we stored, so the peer knows its operations now live here too.
                    peerAcks.computeIfAbsent(link, k -> new ArrayList<>()).add(r.doc());
                }
            }
            link.awaiting.remove(r.doc());
            checkSynced(link);
        } else if (m instanceof Message.Update u) {
            peerUpdate(link, u);
        } else if (m instanceof Message.Ack a) {
            Map<Long, Long> acked = peerDurable.computeIfAbsent(a.doc(), k -> new HashMap<>());
            a.durableVersion().asMap().forEach((agent, seq) -> acked.merge(agent, seq, Math::max));
        } else if (m instanceof Message.Awareness a) {
            if (awareness.accept(a)) {
                toLocal(a);
                broadcast(a, link);
            }
        } else if (m instanceof Message.Error e) {
            LOG.warning("LAN peer " + link.peerName + " (" + link.channel.remote() + "): " + e.code() + " "
                    + e.message() + (e.doc().isEmpty() ? "" : " for '" + e.doc() + "'"));
        } else {
            LOG.fine(() -> "LAN node ignores " + m.getClass().getSimpleName() + " from a peer");
        }
    }

    private void identify(PeerLink link, Message.Hello h) {
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(h.secret());
        } catch (IllegalArgumentException e) {
            drop(link, "sent an undecodable editor proof");
            return;
        }
        if (keys.isEditor()) {
            if (proof.length > 0 && !link.channel.verifyPeerEditorProof(keys, proof)) {
                drop(link, "claims the editor role with a proof that does not verify");
                return;
            }
            link.trustedWriter = proof.length > 0;
        } else {
            // A reader cannot check an editor proof (it lacks the editor key); see docs/protocol.md.
            link.trustedWriter = proof.length > 0;
        }
        if (h.clientId() == nodeId) {
            drop(link, "is this node itself");
            return;
        }
        link.nodeId = h.clientId();
        link.peerName = h.userName();
        for (PeerLink other : List.copyOf(links)) {
            if (other != link && other.nodeId == link.nodeId && other.state != PeerLink.State.CLOSED) {
                // Two links to one node: both ends keep the one the smaller node id opened.
                long winner = Math.min(nodeId, link.nodeId);
                PeerLink loser = initiatorOf(other) == winner ? link
                        : initiatorOf(link) == winner ? other : link;
                drop(loser, "is a second link to node " + Long.toHexString(link.nodeId));
                if (loser == link) {
                    return;
                }
            }
        }
        link.state = PeerLink.State.IDENTIFIED;
        for (Message.Awareness a : awareness.fresh(null, -1)) {
            link.send(a);
        }
        LOG.fine(() -> "LAN peer " + link.peerName + " at " + link.channel.remote() + " joined as "
                + (link.trustedWriter ? "editor" : "reader"));
    }

    private long initiatorOf(PeerLink l) {
        return l.channel.initiator() ? nodeId : l.nodeId;
    }

    private void peerWelcome(PeerLink link, Message.Welcome w) {
        if (link.welcomed) {
            return;
        }
        Set<String> names = new TreeSet<>(docs.keySet());
        names.addAll(w.docNames());
        for (String name : names) {
            HubDoc d = docs.get(name);
            if (d == null) {
                if (!link.trustedWriter) {
                    continue;
                }
                d = create(name, link);
            }
            link.awaiting.add(name);
            link.send(new Message.SyncRequest(name, d.replica.version()));
        }
        link.welcomed = true;
        checkSynced(link);
    }

    /** Asks {@code link} for what it has of {@code d}; a link still in its first sync waits for the answer. */
    private void askFor(PeerLink link, HubDoc d) {
        if (link.state == PeerLink.State.IDENTIFIED) {
            link.awaiting.add(d.name);
        }
        link.send(new Message.SyncRequest(d.name, d.replica.version()));
    }

    private void checkSynced(PeerLink link) {
        if (link.welcomed && link.awaiting.isEmpty() && link.state == PeerLink.State.IDENTIFIED) {
            link.state = PeerLink.State.SYNCED;
            syncedLinks++;
            firstPeerSynced.complete(null);
        }
    }

    private void peerUpdate(PeerLink link, Message.Update u) {
        if (!link.trustedWriter) {
            refusedPeerUpdates++;
            link.send(new Message.Error(ErrorCode.READ_ONLY, "read-only members may not send updates", u.doc()));
            return;
        }
        HubDoc d = docs.containsKey(u.doc()) ? docs.get(u.doc()) : create(u.doc(), link);
        if (integrate(d, u.update(), link) == Outcome.MALFORMED) {
            return;
        }
        peerAcks.computeIfAbsent(link, k -> new ArrayList<>()).add(u.doc());
        scheduleFlush();
    }

    private void drop(PeerLink link, String why) {
        LOG.info("LAN peer at " + link.channel.remote() + " " + why + "; closing the link");
        link.close();
        linkClosed(link);
    }

    // ---- documents --------------------------------------------------------------------------------------------

    /** Creates an empty document and announces it (a SyncRequest) to every link but {@code from}. */
    private HubDoc create(String name, PeerLink from) {
        HubDoc d = new HubDoc(name, new TextDocument(new SecureRandom().nextLong() & ((1L << 53) - 1)));
        docs.put(name, d);
        d.dirty = true;
        scheduleFlush();
        for (PeerLink l : links) {
            if (l != from && l.state != PeerLink.State.OPEN) {
                l.send(new Message.SyncRequest(name, VersionVector.EMPTY));
            }
        }
        if (from != null) {
            toLocalListeners(new Message.DocAdded(name));
        }
        return d;
    }

    /**
     * Integrates {@code update} from {@code from} (null = the local editor). If it is news here (new operations or
     * visible deletions), it is forwarded to every other identified link and, from a peer, to the local editor.
     *
     * @return what it did (a malformed update was answered with {@code BAD_UPDATE})
     */
    private Outcome integrate(HubDoc d, byte[] update, PeerLink from) {
        if (update.length == 0) {
            return Outcome.NOTHING_NEW;
        }
        VersionVector before = d.replica.version();
        boolean pendingBefore = d.replica.hasPendingUpdates();
        List<TextChange> changes;
        try {
            changes = d.replica.applyUpdate(update);
        } catch (MalformedUpdateException e) {
            Message.Error err = new Message.Error(ErrorCode.BAD_UPDATE, "malformed update: " + e.getMessage(),
                    d.name);
            if (from == null) {
                toLocal(err);
            } else {
                from.send(err);
            }
            return Outcome.MALFORMED;
        }
        VersionVector after = d.replica.version();
        boolean changed = !changes.isEmpty() || !after.equals(before);
        if (!changed) {
            return Outcome.NOTHING_NEW;
        }
        d.dirty = true;
        scheduleFlush();
        Message.Update forward = new Message.Update(d.name, update);
        broadcast(forward, from);
        if (from != null) {
            toLocal(forward);
        }
        if (pendingBefore) {
            // Buffered updates may have become applicable: those were not forwarded when they arrived, so ask
            // every peer for what we still lack and offer ours (their replies are forwarded if news).
            for (PeerLink l : links) {
                if (l.state != PeerLink.State.OPEN) {
                    l.send(new Message.SyncRequest(d.name, after));
                }
            }
        }
        if (d.replica.hasPendingUpdates() && from != null) {
            from.send(new Message.SyncRequest(d.name, after));
        }
        return Outcome.CHANGED;
    }

    /** What {@link #integrate} did. */
    private enum Outcome { CHANGED, NOTHING_NEW, MALFORMED }

    private void broadcast(Message m, PeerLink except) {
        for (PeerLink l : links) {
            if (l != except && l.state != PeerLink.State.OPEN) {
                l.send(m);
            }
        }
    }

    // ---- durability --------------------------------------------------------------------------------------------

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            later.accept(this::flush);
        }
    }

    /**
     * Group commit: snapshots every changed document on the hub thread, writes them on the journal thread (so
     * saving never delays forwarding), then acknowledges the updates that waited for that write. While a write is
     * in progress, further flushes wait and are merged into one.
     */
    void flush() {
        flushScheduled = false;
        if (ioBusy) {
            flushAgain = true;
            return;
        }
        List<Object[]> snapshots = new ArrayList<>();
        for (HubDoc d : docs.values()) {
            if (d.dirty) {
                snapshots.add(new Object[] {d.name, new Journal.Entry(d.replica.agent(), 0,
                        d.replica.encodeStateAsUpdate()), d.replica.version()});
                d.dirty = false;
            }
        }
        List<String> local = new ArrayList<>(localAcks);
        localAcks.clear();
        Map<PeerLink, List<String>> peers = new HashMap<>(peerAcks);
        peerAcks.clear();
        if (snapshots.isEmpty() && local.isEmpty() && peers.isEmpty()) {
            return;
        }
        ioBusy = true;
        Runnable write = () -> {
            boolean failed = false;
            for (Object[] s : snapshots) {
                try {
                    journal.save((String) s[0], (Journal.Entry) s[1]);
                } catch (IOException e) {
                    LOG.log(Level.SEVERE, "LAN node could not save '" + s[0] + "' to its journal", e);
                    failed = true;
                }
            }
            boolean ok = !failed;
            later.accept(() -> written(snapshots, local, peers, ok));
        };
        if (closed || io == null) {
            write.run();
        } else {
            io.execute(write);
        }
    }

    /** After a journal write (hub thread): acknowledge, or mark the documents dirty again on failure. */
    private void written(List<Object[]> snapshots, List<String> local, Map<PeerLink, List<String>> peers,
                         boolean ok) {
        ioBusy = false;
        for (Object[] s : snapshots) {
            HubDoc d = docs.get((String) s[0]);
            if (d != null && !ok) {
                d.dirty = true;
            } else if (d != null) {
                d.saved = (VersionVector) s[2];
            }
        }
        // Acknowledge what the journal holds, not the replica's version now: updates integrated while this write
        // ran are in the next one and are acknowledged after it.
        for (String doc : local) {
            toLocal(ok ? new Message.Ack(doc, savedVersion(doc))
                    : new Message.Error(ErrorCode.INTERNAL, "the LAN node's journal write failed", doc));
        }
        if (ok) {
            peers.forEach((link, names) -> names.forEach(n -> link.send(new Message.Ack(n, savedVersion(n)))));
        }
        if (flushAgain) {
            flushAgain = false;
            flush();
        }
    }

    /** Saves what is still unsaved, synchronously (on close). */
    private void saveAllNow() {
        for (HubDoc d : docs.values()) {
            try {
                journal.save(d.name, new Journal.Entry(d.replica.agent(), 0, d.replica.encodeStateAsUpdate()));
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "LAN node could not save '" + d.name + "' on close", e);
            }
        }
    }

    /** Closes every link, saves, tells the local endpoints. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (io != null) {
            io.shutdown();
            try {
                io.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        saveAllNow();
        for (PeerLink l : List.copyOf(links)) {
            l.close();
        }
        links.clear();
        for (SyncChannel.Endpoint e : List.copyOf(endpoints.values())) {
            e.onDisconnected();
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
