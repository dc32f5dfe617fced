package dev.weft.client.workspace;

import dev.weft.client.SharedDocument;
import dev.weft.client.workspace.tree.FileKind;
import dev.weft.crdt.TextDocument;

/**
 * What this peer knows of one shared file. Confined to the workspace engine thread.
 */
final class TrackedFile {
    /** Stable id from the tree; immutable. */
    final String fileId;
    /** Text or binary; changes only when a text file turns binary on disk. */
    FileKind kind;
    /** Where the file is on this disk (root-relative). */
    String path;
    /** Who owns the text (see {@link FileOwnership}). */
    FileOwnership ownership = FileOwnership.PENDING;
    /** Text files: the last text known to be both on disk and in the replica (MIRRORED), else null. */
    String base;
    /** Binary files: SHA-256 of the bytes on disk (MIRRORED), else null. */
    String blobHash;
    /** The disk stamp when {@link #base}/{@link #blobHash} was last established, or null. */
    DiskStamp stamp;
    /** Text files: the content document and its replica (touched on the engine thread only); else null. */
    SharedDocument doc;
    TextDocument replica;
    /** True while the replica may differ from {@link #base} (a remote change arrived). */
    boolean contentDirty = true;
    /**
     * EDITOR files renamed by the room while open: where the editor still has the file on disk (the engine leaves
     * it there until the editor follows or the lease ends), else null. Never shared as a new file meanwhile.
     */
    String editorDiskPath;
    /** True until the initial local insert of a file created here has run (the replica is still empty). */
    boolean initialInsertPending;

    /** {@link #path} when {@link #foldKey} was computed (compared by identity), or null. */
    private String foldedPath;
    /** {@link dev.weft.client.paths.PathValidator#caseFoldKey} of {@link #foldedPath}. */
    private String foldKey;

    TrackedFile(String fileId, FileKind kind, String path) {
        this.fileId = fileId;
        this.kind = kind;
        this.path = path;
    }

    /**
     * The case-fold key of {@link #path} (where it would meet another name on a case-insensitive disk), computed
     * once per path: NFC normalisation is too slow to repeat for every pair of files in a large folder.
     */
    String foldKey() {
        String p = path;
        if (p != foldedPath) {
            foldKey = dev.weft.client.paths.PathValidator.caseFoldKey(p);
            foldedPath = p;
        }
        return foldKey;
    }

    void on(FileOwnership.Event event) {
        ownership = ownership.on(event);
        checkInvariants();
    }

    /**
     * Invariants: a MIRRORED text file has a base, a replica and a stamp; a MIRRORED binary file has a hash and a
     * stamp; a PENDING file has no stamp (nothing of it is on disk yet); a text file always has its document.
     */
    void checkInvariants() {
        if (kind == FileKind.TEXT && (doc == null || replica == null) && ownership != FileOwnership.GONE) {
            throw new IllegalStateException(fileId + ": text file without its document");
        }
        switch (ownership) {
            case MIRRORED -> {
                if (stamp == null || (kind == FileKind.TEXT ? base == null : blobHash == null)) {
                    throw new IllegalStateException(fileId + " '" + path + "': MIRRORED without base/hash/stamp");
                }
            }
            case PENDING -> {
                if (stamp != null) {
                    throw new IllegalStateException(fileId + " '" + path + "': PENDING with a disk stamp");
                }
            }
            default -> {
            }
        }
    }
}
