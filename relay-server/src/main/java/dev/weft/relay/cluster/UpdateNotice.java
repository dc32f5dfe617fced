package dev.weft.relay.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.util.Objects;

/**
 * What a node announces on Redis after committing an update: which node, which document, the seq PostgreSQL gave
 * it, and the update itself (or nothing when larger than {@link #MAX_INLINE_BYTES}: receivers then read it from the
 * log). Immutable; {@code update} is not copied.
 *
 * <p>Wire form: version byte 1, node (8 bytes), seq (8), room and doc (UTF, 2-byte length each), a flag byte (1 =
 * update follows), then the update's bytes to the end.
 *
 * @param node   the announcing node's random id
 * @param room   room id
 * @param doc    document name
 * @param seq    the update's seq in the document's durable log
 * @param update the update, or null if left out (too large)
 */
public record UpdateNotice(long node, String room, String doc, long seq, byte[] update) {
    /** Larger updates are announced without their bytes (Redis pub/sub output buffers are bounded). */
    public static final int MAX_INLINE_BYTES = 256 * 1024;
    private static final int VERSION = 1;

    public UpdateNotice {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(doc, "doc");
    }

    /** The wire form. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + (update == null ? 0 : update.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(node);
            out.writeLong(seq);
            out.writeUTF(room);
            out.writeUTF(doc);
            boolean inline = update != null && update.length <= MAX_INLINE_BYTES;
            out.writeByte(inline ? 1 : 0);
            if (inline) {
                out.write(update);
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return bytes.toByteArray();
    }

    /** Parses the wire form. @throws MalformedNoticeException naming what is wrong */
    public static UpdateNotice decode(byte[] wire) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new MalformedNoticeException("notice version " + version + ", expected " + VERSION);
            }
            long node = in.readLong();
            long seq = in.readLong();
            String room = in.readUTF();
            String doc = in.readUTF();
            int flag = in.readUnsignedByte();
            byte[] update = flag == 1 ? in.readAllBytes() : null;
            return new UpdateNotice(node, room, doc, seq, update);
        } catch (IOException e) {
            throw new MalformedNoticeException("truncated notice of " + wire.length + " bytes");
        }
    }

    /** A Redis message on the updates channel that is not a valid notice. */
    public static final class MalformedNoticeException extends RuntimeException {
        public MalformedNoticeException(String message) {
            super(message);
        }
    }
}
