package dev.weft.lsp.session;

import dev.weft.client.SharedDocument;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.cursors.CursorDocument;

import java.nio.file.Path;

/**
 * One document of the room this server is in: its replica and network side (presence included, in
 * {@link SharedDocument#presence()}), where it lives locally, and the editor binding while the editor has it open.
 */
public final class RoomDocument implements CursorDocument {
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
    /** True once a journal save is scheduled and not yet run; executor only. */
    public boolean saveScheduled;

    public RoomDocument(String name, TextDocument replica, SharedDocument shared) {
        this.name = name;
        this.replica = replica;
        this.shared = shared;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SharedDocument shared() {
        return shared;
    }

    @Override
    public DocumentBinding binding() {
        return binding;
    }

    @Override
    public Path localPath() {
        return localPath;
    }
}
