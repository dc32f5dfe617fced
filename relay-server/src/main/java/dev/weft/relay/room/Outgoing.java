package dev.weft.relay.room;

import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import java.util.Base64;
import java.util.function.Function;

/**
 * A message encoded once for sending, possibly to many peers. Immutable except for {@link #frame}, a memo.
 */
public final class Outgoing {
    /** The message; immutable. */
    private final Message message;
    /** Its transport form (the argument of event "weft"); immutable. */
    private final String base64;
    /** Its encoded size before base64; immutable. */
    private final int bytes;
    /**
     * The bytes a transport writes for it (e.g. one whole Socket.IO frame), computed by the first {@link #frame}
     * call and shared by every later recipient; null before. Volatile so the array's content is published with it;
     * two first calls racing both compute the same bytes.
     */
    private volatile byte[] frame;

    /**
     * @param message the message
     * @param base64  its transport form (the argument of event "weft")
     * @param bytes   its encoded size before base64
     */
    public Outgoing(Message message, String base64, int bytes) {
        this(message, base64, bytes, null);
    }

    /**
     * A message whose transport frame is already known: a forwarded update received as exactly the frame the
     * transport would write for it (net.EventFrameFastPath), so it is sent as received.
     *
     * @param frame what every caller's {@code encode} in {@link #frame} returns for {@code base64} (the caller's
     *              guarantee), or null to compute it on first use; not modified afterwards
     */
    public Outgoing(Message message, String base64, int bytes, byte[] frame) {
        this.message = message;
        this.base64 = base64;
        this.bytes = bytes;
        this.frame = frame;
    }

    public static Outgoing of(Message message) {
        byte[] encoded = MessageCodec.encode(message);
        return new Outgoing(message, Base64.getEncoder().encodeToString(encoded), encoded.length);
    }

    public Message message() {
        return message;
    }

    public String base64() {
        return base64;
    }

    public int bytes() {
        return bytes;
    }

    /**
     * The transport's bytes for this message: {@code encode.apply(base64())} on the first call, the same array
     * afterwards (callers must not modify it). A message forwarded to n peers is thus framed once, not n times.
     * Every caller must pass the same (pure) {@code encode}.
     */
    public byte[] frame(Function<String, byte[]> encode) {
        byte[] f = frame;
        if (f == null) {
            f = encode.apply(base64);
            frame = f;
        }
        return f;
    }
}
