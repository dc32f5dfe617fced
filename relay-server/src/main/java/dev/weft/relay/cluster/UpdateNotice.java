package dev.weft.relay.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a node announces on Redis after committing an update: which node, which document, the seq PostgreSQL gave
 * it, and the update itself (or nothing when larger than {@link #MAX_INLINE_BYTES}: receivers then read it from the
 * log). Immutable; {@code update} is not copied.
 *
 * <p>A node announces one commit's updates together: one Redis message carries a batch of notices of one node
 * ({@link #encodeBatch}), split so that no message exceeds {@link #MAX_MESSAGE_BYTES} (plus one update). Wire form:
 * version byte 2, node (8 bytes), notice count (4), then per notice: seq (8), room and doc (modified UTF-8, 2-byte
 * length each, as {@link DataOutputStream#writeUTF}), a flag byte (1 = update follows), and if so the update's length
 * (4) and bytes. Every node of a cluster runs the same version: a message of another version is counted as malformed
 * and its updates reach this node by polling the log.
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
    /** A batch message is closed once it holds this many bytes; the next notice starts another message. */
    public static final int MAX_MESSAGE_BYTES = 512 * 1024;
    private static final int VERSION = 2;
    /** Version byte, node, count. */
    private static final int HEADER_BYTES = 1 + 8 + 4;

    public UpdateNotice {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(doc, "doc");
    }

    /**
     * The wire form of {@code notices}, all announced by {@code node}: one message, or several when they exceed
     * {@link #MAX_MESSAGE_BYTES}. Postcondition: decoding the messages in order gives {@code notices} in order
     * (updates over {@link #MAX_INLINE_BYTES} as null).
     */
    public static List<byte[]> encodeBatch(long node, List<UpdateNotice> notices) {
        List<byte[]> messages = new ArrayList<>(1);
        ByteArrayOutputStream bytes = null;
        DataOutputStream out = null;
        int count = 0;
        try {
            for (UpdateNotice n : notices) {
                if (n.node != node) {
                    throw new IllegalArgumentException("notice of node " + n.node + " in a batch of node " + node);
                }
                if (bytes != null && bytes.size() >= MAX_MESSAGE_BYTES) {
                    messages.add(finish(bytes, count));
                    bytes = null;
                }
                if (bytes == null) {
                    bytes = new ByteArrayOutputStream(256);
                    out = new DataOutputStream(bytes);
                    out.writeByte(VERSION);
                    out.writeLong(node);
                    out.writeInt(0); // the count, patched by finish
                    count = 0;
                }
                out.writeLong(n.seq);
                out.writeUTF(n.room);
                out.writeUTF(n.doc);
                boolean inline = n.update != null && n.update.length <= MAX_INLINE_BYTES;
                out.writeByte(inline ? 1 : 0);
                if (inline) {
                    out.writeInt(n.update.length);
                    out.write(n.update);
                }
                count++;
            }
            if (bytes != null) {
                messages.add(finish(bytes, count));
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return messages;
    }

    private static byte[] finish(ByteArrayOutputStream bytes, int count) {
        byte[] wire = bytes.toByteArray();
        ByteBuffer.wrap(wire).putInt(1 + 8, count);
        return wire;
    }

    /** The announcing node of a batch message, read from its header. @throws MalformedNoticeException if too short */
    public static long nodeOf(byte[] wire) {
        checkHeader(wire);
        return ByteBuffer.wrap(wire).getLong(1);
    }

    /** The number of notices a batch message says it holds. @throws MalformedNoticeException if too short */
    public static int countOf(byte[] wire) {
        checkHeader(wire);
        return ByteBuffer.wrap(wire).getInt(1 + 8);
    }

    private static void checkHeader(byte[] wire) {
        if (wire.length < HEADER_BYTES) {
            throw new MalformedNoticeException("notice message of " + wire.length + " bytes, shorter than its header");
        }
        if (wire[0] != VERSION) {
            throw new MalformedNoticeException("notice version " + (wire[0] & 0xff) + ", expected " + VERSION);
        }
    }

    /** Parses a batch message. @throws MalformedNoticeException naming what is wrong; nothing is returned then */
    public static List<UpdateNotice> decodeBatch(byte[] wire) {
        long node = nodeOf(wire);
        int count = countOf(wire);
        if (count < 0 || count > wire.length) {
            throw new MalformedNoticeException("notice count " + count + " in a message of " + wire.length + " bytes");
        }
        List<UpdateNotice> notices = new ArrayList<>(count);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire, HEADER_BYTES,
                wire.length - HEADER_BYTES))) {
            for (int i = 0; i < count; i++) {
                long seq = in.readLong();
                String room = in.readUTF();
                String doc = in.readUTF();
                byte[] update = null;
                if (in.readUnsignedByte() == 1) {
                    int length = in.readInt();
                    if (length < 0 || length > in.available()) {
                        throw new MalformedNoticeException("update of " + length + " bytes in notice " + i + " of "
                                + count + ", " + in.available() + " bytes left");
                    }
                    update = new byte[length];
                    in.readFully(update);
                }
                notices.add(new UpdateNotice(node, room, doc, seq, update));
            }
            if (in.available() > 0) {
                throw new MalformedNoticeException(in.available() + " bytes after the " + count + " notices");
            }
        } catch (IOException e) {
            throw new MalformedNoticeException("truncated notice message of " + wire.length + " bytes ("
                    + notices.size() + " of " + count + " notices read)");
        }
        return notices;
    }

    /** A Redis message on the updates channel that is not a valid notice batch. */
    public static final class MalformedNoticeException extends RuntimeException {
        public MalformedNoticeException(String message) {
            super(message);
        }
    }
}
