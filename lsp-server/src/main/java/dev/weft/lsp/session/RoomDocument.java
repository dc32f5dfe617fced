package dev.weft.lsp.session;

import dev.weft.crdt.TextDocument;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.client.SharedDocument;

import java.nio.file.Path;
import java.util.Map;

/**
 * One document of the room this server is in: its replica and network side, where it lives locally, and the
 * editor binding while the editor has it open.
 */
public final class RoomDocument {
    /** Name in the room (workspace-relative path). Immutable. */
    public final String name;
    /** The replica, confined to {@link SharedDocument#executor()} of {@link #shared}. Immutable reference. */
    public final TextDocument replica;
    /** Network side. Immutable reference. */
    public final SharedDocument shared;
    /** Local file the document is materialised in / shared from; null until known. */
    public volatile Path localPath;
    /** The editor binding while the document is open in the editor; null otherwise. */
    public volatile DocumentBinding binding;
    /** Other members' awareness in this document by client id; executor only. */
    public final Map<Long, RemoteState> remote = new java.util.concurrent.ConcurrentHashMap<>();
    /** Our last published awareness JSON ("" = none); executor only. */
    public String localAwareness = "";
    /** Last remote-cursor payload sent to the editor (to skip repeats); executor only. */
    public String lastCursorsJson = "";
    /** True once a journal save is scheduled and not yet run; executor only. */
    public boolean saveScheduled;

    public RoomDocument(String name, TextDocument replica, SharedDocument shared) {
        this.name = name;
        this.replica = replica;
        this.shared = shared;
    }

    /**
     * Another member's awareness state in this document, parsed. Immutable.
     *
     * @param name       display name
     * @param color      {@code #rrggbb}
     * @param selections encoded relative positions, anchor/active pairs (base64 of {@code RelativePosition.encode()})
     */
    public record RemoteState(long clientId, String name, String color, java.util.List<String[]> selections) {
    }
}
