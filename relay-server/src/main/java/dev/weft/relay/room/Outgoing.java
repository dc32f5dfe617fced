package dev.weft.relay.room;

import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import java.util.Base64;

/**
 * A message encoded once for sending, possibly to many peers; immutable.
 *
 * @param message the message
 * @param base64  its transport form (the argument of event "weft")
 * @param bytes   its encoded size before base64
 */
public record Outgoing(Message message, String base64, int bytes) {
    public static Outgoing of(Message message) {
        byte[] encoded = MessageCodec.encode(message);
        return new Outgoing(message, Base64.getEncoder().encodeToString(encoded), encoded.length);
    }
}
