package dev.weft.lsp.session;

import dev.weft.client.invite.InviteLink;
import dev.weft.client.journal.RoomJournal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The room this server is in: connection, links and documents. */
public final class Room {
    /** Room id. Immutable. */
    public final String id;
    /** Connection to the room (the relay, the relay with direct links, or the LAN node). Immutable reference. */
    public final RoomConnector.RoomConnection client;
    /** Invite link with the editor secret (null for a member that joined read-only). Immutable. */
    public final String inviteLink;
    /** Invite link with the read-only secret, if known. Immutable. */
    public final String readOnlyInviteLink;
    /** The relay link this member used (for status and rejoin); null for a LAN room. Immutable. */
    public final InviteLink link;
    /** Documents by name. */
    public final Map<String, RoomDocument> docs = new ConcurrentHashMap<>();
    /** This process's locked journal slot of the room; closed on leave. Immutable reference. */
    public final RoomJournal journal;
    /** Room documents a join refused to write, by name, with the reason (reported in every join result). */
    public final Map<String, String> skipped = new ConcurrentHashMap<>();
    /**
     * Where this room's new files go, decided by the join's first batch (the workspace or {@code .weft/<room>/}
     * when the user chose a separate folder); null until then. Documents added later follow it without a new
     * prompt.
     */
    public volatile java.nio.file.Path writeFolder;
    /** True while incoming changes are paused. */
    public volatile boolean paused;
    /** For a shared-workspace room: the engines and leases ({@link WorkspaceShareFeature}); null otherwise. */
    volatile WorkspaceRoom workspace;

    public Room(String id, RoomConnector.RoomConnection client, InviteLink link, String inviteLink, String readOnlyInviteLink,
                RoomJournal journal) {
        this.id = id;
        this.journal = journal;
        this.client = client;
        this.link = link;
        this.inviteLink = inviteLink;
        this.readOnlyInviteLink = readOnlyInviteLink;
    }
}
