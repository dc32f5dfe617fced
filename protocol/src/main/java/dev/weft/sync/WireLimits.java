package dev.weft.sync;

/**
 * The size limits of the sync protocol that every peer shares (docs/protocol.md, "Limits"): one number for the
 * largest message, one for the largest update inside it, one for what an update may decode to.
 *
 * <p>Why {@value #MAX_MESSAGE_BYTES} bytes: a message travels as base64 text (4 characters per 3 bytes) inside one
 * Socket.IO event frame, so an 8 MiB message is a frame of about 11.2 million characters. Every layer on the way
 * accepts that with margin:
 * <ul>
 *   <li>OkHttp (Java clients) queues at most 16 MiB of outgoing websocket data and <em>closes the socket</em>
 *       when a send would pass that: 11.2 MB leaves 4.8 MB for the messages queued before it;</li>
 *   <li>Jackson, which parses Socket.IO frames in the relay (netty-socketio), refuses strings over 20,000,000
 *       characters by default: 11.2 million leaves 8.8 million (the relay raises Jackson's cap to its frame
 *       limit anyway, so a frame Netty accepts is always parsed and answered);</li>
 *   <li>the relay's websocket frame limit is twice the base64 size of its maximum message, so a message somewhat
 *       over the limit still gets {@code Error(MESSAGE_TOO_LARGE)} rather than a closed connection.</li>
 * </ul>
 *
 * <pre>{@code
 * if (!WireLimits.updateFits(update.length)) {      // refuse (or split) before sending
 *     throw new UpdateTooLargeToSendException(...);
 * }
 * }</pre>
 */
public final class WireLimits {
    private WireLimits() {
    }

    /** Largest encoded message (binary, before base64) any peer sends or the relay accepts by default: 8 MiB. */
    public static final int MAX_MESSAGE_BYTES = 8 << 20;

    /**
     * Room left in a message for everything but the update bytes of an {@code Update}: version and type bytes, the
     * document name (at most 1024 UTF-8 bytes, docs/protocol.md "Document names") with its length, and
     * the update's length varint; rounded up generously.
     */
    static final int UPDATE_MESSAGE_OVERHEAD = 4096;

    /**
     * Largest update (bytes of {@code Update.update}) that always fits in one message, whatever the document
     * name: split larger local changes into several updates of at most this size.
     */
    public static final int MAX_UPDATE_BYTES = MAX_MESSAGE_BYTES - UPDATE_MESSAGE_OVERHEAD;

    /**
     * Most the relay lets one update decode to, in the units of {@code UpdateDecoder.decode(bytes, max)}:
     * inflated payload bytes, UTF-16 content units and item-table entries are each at most this (a compressed
     * update of 65 KB could otherwise inflate to 64 Mi characters). 16 Mi: room for an uncompressed 8 MiB update
     * and for text that compresses twofold.
     */
    public static final int MAX_DECODED_UPDATE_LENGTH = 16 << 20;

    /**
     * Most bytes a room's document names may take together in a {@code Welcome} (each name's UTF-8 bytes plus
     * {@link #WELCOME_NAME_OVERHEAD}): half of {@link #MAX_MESSAGE_BYTES}, so the Welcome that lists every document
     * always fits in one message, whatever the names' lengths. The relay refuses a new document beyond it.
     */
    public static final int MAX_WELCOME_NAME_BYTES = MAX_MESSAGE_BYTES / 2;

    /** Bytes a name costs in a Welcome besides its UTF-8 bytes (its length varint, rounded up). */
    public static final int WELCOME_NAME_OVERHEAD = 3;

    /** What {@code name} costs in a Welcome's name budget ({@link #MAX_WELCOME_NAME_BYTES}). */
    public static int welcomeNameCost(String name) {
        return name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + WELCOME_NAME_OVERHEAD;
    }

    /** True if an update of {@code updateBytes} bytes fits in one {@code Update} message. */
    public static boolean updateFits(long updateBytes) {
        return updateBytes >= 0 && updateBytes <= MAX_UPDATE_BYTES;
    }

    /** Length of the base64 text (standard, padded) of {@code bytes} bytes: what travels in the Socket.IO frame. */
    public static long base64Chars(long bytes) {
        return (bytes + 2) / 3 * 4;
    }
}
