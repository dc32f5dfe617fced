package dev.weft.relay.testing;

/** What {@code POST /api/rooms} returned; immutable. */
public record RoomCredentials(String room, String secret, String readOnlySecret) {
}
