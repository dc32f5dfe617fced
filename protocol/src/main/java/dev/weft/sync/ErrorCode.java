package dev.weft.sync;

/**
 * Why the relay refused something, carried by {@link Message.Error}. Each code has a fixed wire number
 * ({@code docs/protocol.md} lists them); unknown numbers from a newer peer decode as {@link #UNKNOWN}.
 * {@link #isFatal()} codes are followed by the relay closing the connection.
 */
public enum ErrorCode {
    /** A code this version does not know (sent by a newer peer). */
    UNKNOWN(0, false),
    /** The message could not be decoded (truncated, bad varint, bad UTF-8, unknown type, over a size limit). */
    BAD_MESSAGE(1, false),
    /** The client's protocol version is not supported; fatal. */
    UNSUPPORTED_VERSION(2, true),
    /** Unknown room, or a missing or wrong secret; fatal, and no room data was sent. */
    AUTH_FAILED(3, true),
    /** A message other than Hello arrived before the client joined a room. */
    NOT_JOINED(4, false),
    /** A read-only member sent an update or tried to create a document; nothing was applied. */
    READ_ONLY(5, false),
    /** The named document does not exist in the room (and the sender may not create it). */
    UNKNOWN_DOC(6, false),
    /** The message is larger than the relay's maximum message size; nothing was applied. */
    MESSAGE_TOO_LARGE(7, false),
    /** Applying the update would make the document larger than the relay's maximum document size. */
    DOC_TOO_LARGE(8, false),
    /** The connection or room already has the maximum number of documents. */
    TOO_MANY_DOCS(9, false),
    /** The connection already joined a room (one room per connection). */
    TOO_MANY_ROOMS(10, false),
    /** The client sends updates faster than the relay's per-client rate; the update was dropped, resend later. */
    RATE_LIMITED(11, false),
    /** The update bytes are not a valid CRDT update; the document is unchanged. */
    BAD_UPDATE(12, false),
    /** The relay failed internally (e.g. storage); the update was not acknowledged, resend later. */
    INTERNAL(13, false),
    /** The document name is not acceptable (empty, too long, control characters, or not workspace-relative). */
    BAD_NAME(14, false),
    /** The awareness message names another client's id, or one held by another connection of the room. */
    BAD_CLIENT_ID(15, false),
    /**
     * The update would decode (inflate) to more than the relay's maximum decoded update size; nothing was applied.
     * Split the change into smaller updates.
     */
    UPDATE_TOO_LARGE(16, false),
    /** The connection did not send {@code Hello} within the relay's authentication timeout; fatal. */
    AUTH_TIMEOUT(17, true);

    /** The number that encodes this code on the wire; immutable. */
    final int wire;
    /** True if the relay closes the connection after sending this error; immutable. */
    private final boolean fatal;

    ErrorCode(int wire, boolean fatal) {
        this.wire = wire;
        this.fatal = fatal;
    }

    /** True if the relay closes the connection right after sending an error with this code. */
    public boolean isFatal() {
        return fatal;
    }

    /** The wire number of this code. */
    public int wireValue() {
        return wire;
    }

    static ErrorCode fromWire(long value) {
        for (ErrorCode c : values()) {
            if (c.wire == value) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
