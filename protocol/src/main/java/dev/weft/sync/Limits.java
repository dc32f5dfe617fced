package dev.weft.sync;

/**
 * Protocol-wide size limits that clients and relays share ({@code docs/protocol.md}, "Limits").
 */
public final class Limits {
    /**
     * Largest {@code Update.update} a client sends, in bytes. Clients cut larger diffs into several updates (a
     * 20 MB paste becomes three); as base64 inside the Socket.IO frame one update stays near 11.2 MB, under
     * every transport limit on the path (the Java WebSocket client's 16 MiB, the relay's JSON parser).
     */
    public static final int MAX_UPDATE_BYTES = 8 * 1024 * 1024;

    private Limits() {
    }
}
