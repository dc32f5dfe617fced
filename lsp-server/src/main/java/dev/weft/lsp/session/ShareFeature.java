package dev.weft.lsp.session;

import dev.weft.client.journal.RoomJournal;
import dev.weft.client.invite.InviteLink;
import dev.weft.lsp.customservice.WeftProtocol;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * {@code weft.share}: creates a room (or reuses the current one) and shares the given or all open documents; each
 * open buffer's text (or the file's, if not open) becomes the first local edit of a new replica. The room is on the
 * relay ({@link Transport#RELAY}), on the relay with direct links ({@link Transport#DIRECT}) or on the LAN with no
 * relay ({@link Transport#LAN}, a {@code weft://lan?…} link; {@link LanRooms}).
 *
 * @param config what {@code initialize} configured
 * @param room the room the session is in, if any
 * @param open the editor's open documents
 * @param opener opens member connections and creates rooms
 * @param linker creates room documents and binds them to open documents
 * @param journal writes replicas to the journal
 * @param status sends {@code weft/status} when it changes
 * @param lan starts LAN rooms
 */
record ShareFeature(SessionConfig config, CurrentRoom room, OpenDocuments open, RoomOpener opener,
                    DocumentLinker linker, JournalScheduler journal, StatusPublisher status, LanRooms lan) {
    private static final Logger LOG = Logger.getLogger(ShareFeature.class.getName());
    /** How long share waits for each document's first sync, so the invite link lists every document. */
    static final Duration FIRST_SYNC_TIMEOUT = Duration.ofSeconds(15);

    /** Runs on the session thread. */
    WeftProtocol.ShareResult share(WeftProtocol.ShareArgs args) throws Exception {
        WeftProtocol.ShareArgs a = args == null ? new WeftProtocol.ShareArgs() : args;
        Room r = room.get();
        if (r == null) {
            r = createRoom(a);
            room.set(r);
        }
        List<String> uris = a.uris != null && !a.uris.isEmpty() ? a.uris : open.uris();
        long t0 = System.nanoTime();
        for (String uri : uris) {
            shareOne(r, uri);
        }
        long t1 = System.nanoTime();
        // The room has a document once the relay answered its first SyncRequest: wait for that, so an invite
        // link handed out now lists every shared document.
        for (RoomDocument rd : r.docs.values()) {
            try {
                rd.shared.firstSync().get(FIRST_SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warning("first sync of " + rd.name + " timed out; it will sync when the relay answers");
            }
        }
        LOG.info(String.format("shared %d document(s) in room %s: bind %d ms, first sync %d ms", uris.size(),
                r.id, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000));
        status.changed();
        WeftProtocol.ShareResult res = new WeftProtocol.ShareResult();
        res.room = r.id;
        res.inviteLink = r.inviteLink;
        res.readOnlyInviteLink = r.readOnlyInviteLink;
        res.transport = r.client.transport().wire;
        res.lanPort = r.client.lanPort();
        return res;
    }

    private Room createRoom(WeftProtocol.ShareArgs a) throws InterruptedException, IOException {
        Transport transport = Transport.forShare(a.transport, config.options().transport);
        if (transport == Transport.LAN) {
            return lan.createRoom(a.label);
        }
        // The relay bin/weft-start runs is the default, as the editor plugins document (docs/user-guide.md, §3).
        RoomOpener.CreatedRoom created = opener.createRoom(
                RoomOpener.firstNonBlank(a.relayUrl, config.options().relayUrl, WeftProtocol.DEFAULT_RELAY_URL));
        InviteLink link = created.link();
        InviteLink ro = created.readOnly();
        String relay = link.relay().toString();
        // This process's journal slot of the room, locked: never shared with another live replica (docs/user-guide.md
        // "Offline and restarts").
        RoomJournal rj = config.journal().openRoom(created.id());
        RoomConnector.RoomConnection rc;
        try {
            rc = opener.open(link, created.fallbacks(), transport);
            opener.awaitWelcome(rc, relay, false);
        } catch (Exception e) {
            rj.close();
            throw e;
        }
        return new Room(created.id(), rc, link, link.format(), ro.format(), rj);
    }

    private void shareOne(Room r, String uri) throws IOException {
        Path path;
        try {
            path = WorkspaceNames.pathOf(uri);
        } catch (IllegalArgumentException e) {
            LOG.info("not sharing " + uri + ": " + e.getMessage());
            return;
        }
        String name = config.names().nameOf(uri);
        if (r.docs.containsKey(name)) {
            return;
        }
        RoomDocument rd = linker.create(r, name);
        rd.localPath = path;
        OpenDocument od = open.findByPath(path);
        if (od != null) {
            linker.bind(r, rd, od);
        } else if (Files.isRegularFile(path)) {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            rd.shared.edit(d -> d.insert(0, text)).join();
            journal.schedule(r, rd);
        } else {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "cannot share " + uri
                    + ": not open and no such file");
        }
    }
}
