package dev.weft.client.workspace;

import dev.weft.client.SharedDocument;

/**
 * A text file handed to an editor ({@link Workspace#openInEditor(String)}): while open, the editor's buffer is the
 * truth, edits go through {@link #document()}, and the engine leaves the disk file to the editor's saves.
 */
public final class EditorLease implements AutoCloseable {
    /** The engine that lent the file; immutable. */
    private final Workspace workspace;
    /** The file's stable id; immutable. */
    private final String fileId;
    /** The file's shared document (confined to the engine's executor); immutable. */
    private final SharedDocument document;
    /** The file's replica, confined to {@link SharedDocument#executor()} of {@link #document}; immutable. */
    private final dev.weft.crdt.TextDocument replica;
    private boolean closed;

    EditorLease(Workspace workspace, String fileId, SharedDocument document, dev.weft.crdt.TextDocument replica) {
        this.workspace = workspace;
        this.fileId = fileId;
        this.document = document;
        this.replica = replica;
    }

    /** The replica behind {@link #document()}: touch it only on that document's executor. */
    public dev.weft.crdt.TextDocument replica() {
        return replica;
    }

    /** The shared document to bind the editor buffer to (it survives renames: it is keyed by file id). */
    public SharedDocument document() {
        return document;
    }

    public String fileId() {
        return fileId;
    }

    /** The editor closed the file: the engine mirrors it to disk again. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            workspace.closeLease(fileId);
        }
    }
}
