package dev.weft.client;

/** Receives other members' presence in a {@link SharedDocument} (cursors, selections, name, colour). */
@FunctionalInterface
public interface AwarenessListener {
    /**
     * Called on the document's executor when a member's awareness state changes (newer clock only).
     *
     * @param clientId the member
     * @param state    its UTF-8 JSON state, or {@code ""} when it left, disconnected or expired (no message for
     *                 30 s)
     */
    void onAwareness(long clientId, String state);
}
