package dev.weft.lsp.session;

import dev.weft.client.journal.RoomJournal;
import dev.weft.client.ConnectionState;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.MalformedInviteLinkException;
import dev.weft.client.lan.LanLink;
import dev.weft.client.paths.PathRules;
import dev.weft.client.relay.RelayUrls;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.sync.Message;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code weft.join}: joins the room of an invite link (offline from the journal if the relay is unreachable) —
 * through the relay, with direct links beside it ({@link Transport#DIRECT}), or over the LAN for a
 * {@code weft://lan?…} link —
 * syncs each of its documents and hands them to the {@link FileMaterialiser}; documents added to the room later
 * ({@code DocAdded}) are joined the same way. Every name from the network is checked ({@link PathRules}) before it
 * touches a path: the room id when the link is parsed, document names here; one bad document is skipped and
 * reported ({@code skipped} in the result), never the end of the join. If the user cancels at the join's prompt
 * (a folder that already holds their files), the room is left and the join fails with {@code RequestCancelled}
 * (-32800); nothing was written.
 *
 * @param thread the session thread the feature runs on
 * @param config what {@code initialize} configured
 * @param room the room the session is in, if any
 * @param opener opens member connections and creates rooms
 * @param linker creates room documents and binds them to open documents
 * @param materialiser writes the documents of a joined room to files and opens them
 * @param leave leaves the current room first
 * @param status sends {@code weft/status} when it changes
 * @param lan starts LAN nodes
 */
record JoinFeature(SessionThread thread, SessionConfig config, CurrentRoom room, RoomOpener opener,
                   DocumentLinker linker, FileMaterialiser materialiser, LeaveFeature leave, StatusPublisher status,
                   LanRooms lan) {
    private static final Logger LOG = Logger.getLogger(JoinFeature.class.getName());
    /** How long join waits for each document's first sync before materialising what it has. */
    static final Duration FIRST_SYNC_TIMEOUT = Duration.ofSeconds(15);
    /** How long a LAN join waits for a first peer (mDNS answers within a few seconds on a quiet network). */
    static final Duration LAN_FIRST_PEER_WAIT = Duration.ofSeconds(15);

    /** Runs on the session thread. */
    WeftProtocol.JoinResult join(WeftProtocol.JoinArgs args) throws Exception {
        if (args == null || args.link == null || args.link.isBlank()) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "weft.join needs {\"link\": \"weft://join?…\"}");
        }
        if (LanLink.isLanLink(args.link)) {
            return joinLan(args);
        }
        InviteLink link;
        try {
            link = InviteLink.parse(args.link.trim());
        } catch (MalformedInviteLinkException e) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "invalid invite link: " + e.getMessage());
        }
        Transport transport = Transport.forRelayJoin(args.transport, config.options().transport);
        // Fallback relays: given with the link, or the configured list when it names the link's relay (a secret
        // goes only to relays the user named together with the link's; docs/relay.md, "Cluster").
        List<URI> fallbacks;
        try {
            fallbacks = args.relayUrl != null && !args.relayUrl.isBlank()
                    ? RelayUrls.parse(args.relayUrl).stream().filter(u -> !RelayUrls.same(u, link.relay())).toList()
                    : RelayUrls.fallbacksFor(link.relay(), opener.configuredRelays());
        } catch (MalformedInviteLinkException e) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "relayUrl: " + e.getMessage());
        }
        Room current = sameRoomOrLeave(link.room());
        if (current != null) {
            return result(current);
        }
        // Lock this process's journal slot first: a journal (and its agent id) in use by another running replica is
        // never adopted (docs/user-guide.md "Offline and restarts").
        RoomJournal rj = config.journal().openRoom(link.room());
        RoomConnector.RoomConnection rc;
        List<String> docNames;
        Message.Welcome w;
        try {
            rc = opener.open(link, fallbacks, transport);
            w = opener.awaitWelcome(rc, link.relay().toString(), true);
        } catch (Exception e) {
            rj.close();
            throw e;
        }
        List<String> journaled = rj.documents();
        if (w != null) {
            docNames = new ArrayList<>(w.docNames());
        } else {
            docNames = new ArrayList<>(journaled);
            if (docNames.isEmpty()) {
                rc.close();
                rj.close();
                throw SessionThread.error(ResponseErrorCode.RequestFailed, "relay unreachable at " + link.relay()
                        + " and nothing journaled for room " + link.room());
            }
            LOG.info("relay unreachable: joining room " + link.room() + " offline from the journal");
        }
        return enter(new Room(link.room(), rc, link, rc.readOnly() ? null : link.format(), null, rj), docNames,
                journaled);
    }

    /**
     * Joins a LAN room ({@code weft://lan?…}) document by document: {@link #startLan}, then {@link #enterLan}.
     */
    private WeftProtocol.JoinResult joinLan(WeftProtocol.JoinArgs args) throws Exception {
        return enterLan(startLan(args));
    }

    /**
     * A LAN join up to knowing the room: this member's node started, dialing {@code args.peers} and whatever mDNS
     * finds, after waiting up to {@link #LAN_FIRST_PEER_WAIT} for the first peer's sync. Without a peer it goes on
     * from the journals if they hold the room, else fails. A join of the current room answers with it.
     *
     * @throws org.eclipse.lsp4j.jsonrpc.ResponseErrorException {@code InvalidParams} for a bad link, transport or
     *         peer; {@code RequestFailed} if no peer answered and nothing is journaled (the node is closed again)
     */
    LanStart startLan(WeftProtocol.JoinArgs args) throws Exception {
        Transport.checkLanJoin(args.transport);
        LanLink link;
        try {
            link = LanLink.parse(args.link);
        } catch (MalformedInviteLinkException e) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "invalid LAN link: " + e.getMessage());
        }
        List<java.net.InetSocketAddress> peers = LanRooms.parsePeers(args.peers == null ? List.of() : args.peers,
                "peers");
        Room current = sameRoomOrLeave(link.room());
        if (current != null) {
            return new LanStart(current, null, List.of(), List.of());
        }
        RoomJournal rj = config.journal().openRoom(link.room());
        LanConnection rc;
        boolean peer;
        try {
            rc = lan.open(link, peers, null);
        } catch (RuntimeException e) {
            rj.close();
            throw e;
        }
        try {
            peer = rc.awaitFirstPeer(LAN_FIRST_PEER_WAIT);
        } catch (InterruptedException e) {
            rc.close();
            rj.close();
            throw e;
        }
        List<String> journaled = rj.documents();
        List<String> docNames = new ArrayList<>(rc.connect().join().docNames());
        if (!peer) {
            if (docNames.isEmpty() && journaled.isEmpty()) {
                rc.close();
                rj.close();
                throw SessionThread.error(ResponseErrorCode.RequestFailed, "no LAN peer of room " + link.room()
                        + " answered within " + LAN_FIRST_PEER_WAIT.toSeconds() + " s and nothing is journaled for it"
                        + " (a wrong link, or no peer reachable: where mDNS does not reach, give peers host:port)");
            }
            LOG.info("no LAN peer of room " + link.room() + " yet: joining from this node's journal");
        }
        return new LanStart(null, new Room(link.room(), rc, null, link.editor() ? link.format() : null,
                link.readOnly().format(), rj), docNames, journaled);
    }

    /** A LAN join of {@link #startLan}: the room documents become the session's, as any join's. */
    WeftProtocol.JoinResult enterLan(LanStart s) throws Exception {
        return s.current() != null ? result(s.current()) : enter(s.room(), s.docNames(), s.journaled());
    }

    /**
     * A LAN join once the room is known ({@link #startLan}).
     *
     * @param current   the current room when the link is its (nothing else set), else null
     * @param room      the room, its node started and journal slot locked, not yet the session's
     * @param docNames  the documents the node holds (after the first peer's sync, if one answered)
     * @param journaled the documents this process's journal holds of the room
     */
    record LanStart(Room current, Room room, List<String> docNames, List<String> journaled) {
    }

    /** The current room if it is {@code id} (a join of it again answers as before); else leaves any, null. */
    private Room sameRoomOrLeave(String id) {
        Room current = room.get();
        if (current != null && current.id.equals(id)) {
            return current;
        }
        if (current != null) {
            leave.leaveNow();
        }
        return null;
    }

    /**
     * Makes {@code r} the current room and joins {@code docNames} plus the {@code journaled} ones; documents added
     * to the room later follow.
     */
    private WeftProtocol.JoinResult enter(Room r, List<String> docNames, List<String> journaled) throws Exception {
        for (String jn : journaled) {
            if (!docNames.contains(jn)) {
                docNames.add(jn);
            }
        }
        room.set(r);
        r.client.addMessageListener(m -> {
            if (m instanceof Message.DocAdded added) {
                thread.execute(() -> {
                    try {
                        if (room.get() == r && !r.docs.containsKey(added.doc())
                                && !r.skipped.containsKey(added.doc())) {
                            joinDocuments(r, List.of(added.doc()), true);
                        }
                    } catch (Exception e) {
                        LOG.log(Level.WARNING, "could not add document " + added.doc(), e);
                    }
                });
            }
        });
        if (r.client instanceof LanConnection lc) {
            // Documents the node took in between its list above and the listener: no DocAdded will name them.
            for (String n : lc.docNames()) {
                if (!docNames.contains(n)) {
                    docNames.add(n);
                }
            }
        }
        try {
            joinDocuments(r, docNames, true);
        } catch (FileMaterialiser.JoinCancelledException e) {
            leave.leaveNow();
            status.changed();
            throw SessionThread.error(ResponseErrorCode.RequestCancelled, e.getMessage());
        }
        status.changed();
        return result(r);
    }

    /**
     * Joins documents of room {@code r}: a name that may not become a local path is skipped before anything is
     * created for it; the others are synced, then materialised together (one prompt for the batch).
     */
    private void joinDocuments(Room r, List<String> names, boolean focusFirst) throws Exception {
        List<FileMaterialiser.Synced> synced = new ArrayList<>();
        // Every document is created first and their first syncs awaited together: the relay client sends the
        // SyncRequests of documents opened together as one batched exchange (docs/protocol.md, "Many documents
        // at once"), so a room of thousands of documents joins in one round trip, not one per document.
        List<RoomDocument> created = new ArrayList<>();
        long t0 = System.nanoTime();
        for (String name : names) {
            String problem = PathRules.nameProblem(name);
            if (problem != null) {
                LOG.warning("not joining shared document '" + name + "': " + problem);
                r.skipped.put(name, problem);
                continue;
            }
            created.add(linker.create(r, name));
        }
        if (r.client.state() == ConnectionState.CONNECTED && !created.isEmpty()) {
            List<dev.weft.client.SharedDocument> shared = new ArrayList<>();
            for (RoomDocument rd : created) {
                shared.add(rd.shared);
            }
            List<dev.weft.client.SharedDocument> late = dev.weft.client.SharedDocument.awaitFirstSync(shared,
                    FIRST_SYNC_TIMEOUT);
            if (!late.isEmpty()) {
                LOG.warning("first sync of " + late.size() + " of " + shared.size() + " documents timed out (e.g. "
                        + late.get(0).name() + "); materialising what we have");
            }
        }
        long t1 = System.nanoTime();
        for (RoomDocument rd : created) {
            String text = rd.shared.call(TextDocument::getText).get();
            synced.add(new FileMaterialiser.Synced(rd, text));
        }
        LOG.info(String.format("joined %d documents: first sync %d ms", created.size(), (t1 - t0) / 1_000_000));
        materialiser.materialise(r, synced, focusFirst);
    }

    /** The join result: the room and the local URI of every materialised document, sorted. */
    static WeftProtocol.JoinResult result(Room r) {
        WeftProtocol.JoinResult res = new WeftProtocol.JoinResult();
        res.room = r.id;
        for (RoomDocument rd : r.docs.values()) {
            if (rd.localPath != null) {
                res.documents.add(WorkspaceNames.uriOf(rd.localPath));
            }
        }
        res.documents.sort(String::compareTo);
        r.skipped.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> res.skipped.add(new WeftProtocol.Skipped(e.getKey(), e.getValue())));
        return res;
    }
}
