package dev.weft.client.invite;

import dev.weft.client.RelayException;

/**
 * A new room as returned by {@code POST /api/rooms}.
 *
 * @param room           the unguessable room id
 * @param secret         the editor secret
 * @param readOnlySecret the read-only secret
 */
public record RoomCredentials(String room, String secret, String readOnlySecret) {
    /** @throws RelayException if the relay's answer lacks a field */
    public RoomCredentials {
        if (room == null || room.isEmpty() || secret == null || secret.isEmpty() || readOnlySecret == null
                || readOnlySecret.isEmpty()) {
            throw new RelayException("relay's room answer lacks room, secret or readOnlySecret");
        }
    }

    @Override
    public String toString() {
        return "RoomCredentials[room=" + room + ", secrets=…]";
    }
}
