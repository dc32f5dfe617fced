package dev.weft.client.workspace.tree;

/**
 * One live file of a resolved tree. Immutable.
 *
 * @param fileId      stable id; its text lives in {@link TreeNames#textDoc(String)}
 * @param path        where every peer writes it: {@link #claimedPath} unless another file won that path, then a
 *                    derived {@code name (2).ext}
 * @param claimedPath the path of the winning {@link TreeEvent.Op#PATH} event
 * @param kind        text or binary (from the winning path event)
 * @param blob        for binary files, the SHA-256 of the winning blob event, or null if none yet
 * @param pathEvent   the winning path event (its lamport orders path conflicts: the earlier claim keeps the path)
 */
public record ResolvedFile(String fileId, String path, String claimedPath, FileKind kind, String blob,
                           TreeEvent pathEvent) {
}
