package dev.weft.client;

/** The state of a {@link RelayClient}'s connection to its relay room, as shown to users. */
public enum ConnectionState {
    /** The first connection attempt is under way. */
    CONNECTING,
    /** Connected and admitted to the room (the relay answered {@code Hello} with {@code Welcome}). */
    CONNECTED,
    /** The connection was lost (or a first attempt failed) and the client is retrying with backoff. */
    RECONNECTING,
    /**
     * Retrying has failed for longer than {@link RelayClient.Options#offlineAfter()}; the client keeps retrying
     * in the background, and local edits keep accumulating as unacknowledged.
     */
    OFFLINE,
    /** Closed by the caller, or after a fatal rejection (wrong secret, unsupported protocol); never retries. */
    CLOSED
}
