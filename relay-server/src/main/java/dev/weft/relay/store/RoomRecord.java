package dev.weft.relay.store;

import java.util.Objects;

/**
 * A stored room; immutable. Secrets are never stored, only their SHA-256 hashes.
 *
 * @param id                  the room id (URL-safe base64, unguessable)
 * @param editorSecretHash    SHA-256 of the editor secret's UTF-8 bytes
 * @param readOnlySecretHash  SHA-256 of the read-only secret's UTF-8 bytes
 * @param createdMillis       creation time, epoch milliseconds
 */
public record RoomRecord(String id, byte[] editorSecretHash, byte[] readOnlySecretHash, long createdMillis) {
    public RoomRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(editorSecretHash, "editorSecretHash");
        Objects.requireNonNull(readOnlySecretHash, "readOnlySecretHash");
    }
}
