package dev.weft.sync;

import dev.weft.crdt.model.VersionVector;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary encoding of {@link Message}s, version {@value #PROTOCOL_VERSION} (specified in {@code docs/protocol.md}).
 *
 * <p>Layout: {@code [protocol version byte][type byte][fields…]}. Integers are unsigned LEB128 varints (at most 10
 * bytes, non-negative as a signed long); strings are a varint byte length then UTF-8; byte fields are a varint length
 * then the bytes; a version vector is a varint count then (agent, nextSeq) pairs with strictly ascending agents and
 * nextSeq &ge; 1. A message has no trailing bytes.
 *
 * <p>Decoding enforces {@link Limits}: every length is checked against the bytes that remain and the limit for the
 * field before anything is allocated, so hostile input costs at most its own size. Any violation raises {@link
 * MalformedMessageException}; no other exception escapes {@link #decode(byte[], Limits)}. Thread-safe (stateless).
 */
public final class MessageCodec {
    /** The protocol version this codec speaks; the first byte of every message. */
    public static final int PROTOCOL_VERSION = 1;

    static final int HELLO = 1;
    static final int WELCOME = 2;
    static final int SYNC_REQUEST = 3;
    static final int SYNC_REPLY = 4;
    static final int UPDATE = 5;
    static final int ACK = 6;
    static final int AWARENESS = 7;
    static final int DOC_ADDED = 8;
    static final int ERROR = 9;
    static final int SYNC_BATCH_REQUEST = 10;
    static final int SYNC_BATCH_REPLY = 11;
    static final int STATE_CHECK = 12;
    static final int STATE_CHECK_REPLY = 13;
    static final int DIRECT_UPDATE = 14;
    static final int SIGNAL = 15;

    /**
     * Size limits applied while decoding; immutable.
     *
     * @param maxMessageBytes  largest whole message accepted
     * @param maxStringBytes   largest string field (room, secret, doc name, user name, colour, error message), in UTF-8 bytes
     * @param maxStateBytes    largest awareness state, in UTF-8 bytes
     * @param maxDocNames      most document names in one Welcome, and most entries in one SyncBatchRequest or SyncBatchReply
     * @param maxVectorEntries most entries in one version vector
     */
    public record Limits(int maxMessageBytes, int maxStringBytes, int maxStateBytes, int maxDocNames,
                         int maxVectorEntries) {
        /** Defaults: 64 MiB messages, 4 KiB strings, 64 KiB awareness states, 100 000 doc names, 1 000 000 vector entries. */
        public static final Limits DEFAULT = new Limits(64 << 20, 4096, 64 << 10, 100_000, 1_000_000);

        /** These limits with a different maximum message size. */
        public Limits withMaxMessageBytes(int max) {
            return new Limits(max, maxStringBytes, maxStateBytes, maxDocNames, maxVectorEntries);
        }
    }

    private MessageCodec() {
    }

    /** Encodes {@code message}; the result starts with {@link #PROTOCOL_VERSION}. */
    public static byte[] encode(Message message) {
        Writer w = new Writer();
        w.raw(PROTOCOL_VERSION);
        if (message instanceof Message.Hello m) {
            w.raw(HELLO);
            w.varint(m.protocolVersion());
            w.string(m.room());
            w.string(m.secret());
            w.varint(m.clientId());
            w.string(m.userName());
            w.string(m.color());
        } else if (message instanceof Message.Welcome m) {
            w.raw(WELCOME);
            w.varint(m.protocolVersion());
            w.varint(m.role().wire);
            w.varint(m.docNames().size());
            for (String name : m.docNames()) {
                w.string(name);
            }
        } else if (message instanceof Message.SyncRequest m) {
            w.raw(SYNC_REQUEST);
            w.string(m.doc());
            w.version(m.version());
        } else if (message instanceof Message.SyncReply m) {
            w.raw(SYNC_REPLY);
            w.string(m.doc());
            w.bytes(m.update());
            w.version(m.serverVersion());
        } else if (message instanceof Message.Update m) {
            w.raw(UPDATE);
            w.string(m.doc());
            w.bytes(m.update());
        } else if (message instanceof Message.Ack m) {
            w.raw(ACK);
            w.string(m.doc());
            w.version(m.durableVersion());
        } else if (message instanceof Message.Awareness m) {
            w.raw(AWARENESS);
            w.string(m.doc());
            w.varint(m.clientId());
            w.varint(m.clock());
            w.string(m.state());
        } else if (message instanceof Message.SyncBatchRequest m) {
            w.raw(SYNC_BATCH_REQUEST);
            w.varint(m.batch());
            w.varint(m.requests().size());
            for (Message.SyncRequest r : m.requests()) {
                w.string(r.doc());
                w.version(r.version());
            }
        } else if (message instanceof Message.SyncBatchReply m) {
            w.raw(SYNC_BATCH_REPLY);
            w.varint(m.batch());
            w.raw(m.last() ? 1 : 0);
            w.varint(m.replies().size());
            for (Message.SyncReply r : m.replies()) {
                w.string(r.doc());
                w.bytes(r.update());
                w.version(r.serverVersion());
            }
        } else if (message instanceof Message.DocAdded m) {
            w.raw(DOC_ADDED);
            w.string(m.doc());
        } else if (message instanceof Message.StateCheck m) {
            w.raw(STATE_CHECK);
            w.string(m.doc());
            w.version(m.version());
            w.bytes(m.textSha256());
        } else if (message instanceof Message.StateCheckReply m) {
            w.raw(STATE_CHECK_REPLY);
            w.string(m.doc());
            w.version(m.version());
            w.varint(m.result().wire);
            w.bytes(m.state());
        } else if (message instanceof Message.DirectUpdate m) {
            w.raw(DIRECT_UPDATE);
            w.string(m.doc());
            w.bytes(m.update());
            w.varint(m.skip().size());
            for (long id : m.skip()) {
                w.varint(id);
            }
        } else if (message instanceof Message.Signal m) {
            w.raw(SIGNAL);
            w.varint(m.peer());
            w.varint(m.kind());
            w.bytes(m.data());
        } else if (message instanceof Message.Error m) {
            w.raw(ERROR);
            w.varint(m.code().wire);
            w.string(m.message());
            w.string(m.doc());
        } else {
            throw new IllegalArgumentException("unknown message class " + message.getClass());
        }
        return w.toByteArray();
    }

    /** Decodes one message with {@link Limits#DEFAULT}. @throws MalformedMessageException naming the problem */
    public static Message decode(byte[] bytes) {
        return decode(bytes, Limits.DEFAULT);
    }

    /**
     * Decodes one message, enforcing {@code limits}.
     *
     * @throws MalformedMessageException if {@code bytes} is not exactly one valid message within the limits
     */
    public static Message decode(byte[] bytes, Limits limits) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedMessageException("empty message: expected a protocol version byte");
        }
        if (bytes.length > limits.maxMessageBytes()) {
            throw new MalformedMessageException("message of " + bytes.length + " bytes exceeds the limit of "
                    + limits.maxMessageBytes() + " bytes");
        }
        int version = bytes[0] & 0xff;
        if (version != PROTOCOL_VERSION) {
            throw new MalformedMessageException("unsupported protocol version " + version + " (this codec speaks "
                    + PROTOCOL_VERSION + ")");
        }
        if (bytes.length < 2) {
            throw new MalformedMessageException("truncated message: missing type byte at offset 1");
        }
        Reader r = new Reader(bytes, 2, limits);
        int type = bytes[1] & 0xff;
        Message m = switch (type) {
            case HELLO -> new Message.Hello(r.intField("protocolVersion"), r.string("room"), r.string("secret"),
                    r.varint("clientId"), r.string("userName"), r.string("color"));
            case WELCOME -> {
                int protocolVersion = r.intField("protocolVersion");
                Role role = Role.fromWire(r.intField("role"));
                int n = r.count("docNames", limits.maxDocNames(), 1);
                List<String> names = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    names.add(r.string("docNames[" + i + "]"));
                }
                yield new Message.Welcome(protocolVersion, role, names);
            }
            case SYNC_REQUEST -> new Message.SyncRequest(r.string("doc"), r.version("version"));
            case SYNC_REPLY -> new Message.SyncReply(r.string("doc"), r.bytes("update"), r.version("serverVersion"));
            case UPDATE -> new Message.Update(r.string("doc"), r.bytes("update"));
            case ACK -> new Message.Ack(r.string("doc"), r.version("durableVersion"));
            case AWARENESS -> new Message.Awareness(r.string("doc"), r.varint("clientId"), r.varint("clock"),
                    r.string("state", limits.maxStateBytes()));
            case SYNC_BATCH_REQUEST -> {
                long batch = r.varint("batch");
                // Each entry needs at least a name length and a vector count: 2 bytes.
                int n = r.count("requests", limits.maxDocNames(), 2);
                List<Message.SyncRequest> requests = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    requests.add(new Message.SyncRequest(r.string("requests[" + i + "].doc"),
                            r.version("requests[" + i + "].version")));
                }
                yield new Message.SyncBatchRequest(batch, requests);
            }
            case SYNC_BATCH_REPLY -> {
                long batch = r.varint("batch");
                boolean last = r.flag("last");
                // Each entry needs at least a name length, an update length and a vector count: 3 bytes.
                int n = r.count("replies", limits.maxDocNames(), 3);
                List<Message.SyncReply> replies = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    replies.add(new Message.SyncReply(r.string("replies[" + i + "].doc"),
                            r.bytes("replies[" + i + "].update"), r.version("replies[" + i + "].serverVersion")));
                }
                yield new Message.SyncBatchReply(batch, last, replies);
            }
            case DOC_ADDED -> new Message.DocAdded(r.string("doc"));
            case ERROR -> new Message.Error(ErrorCode.fromWire(r.varint("code")), r.string("message"),
                    r.string("doc"));
            case STATE_CHECK -> {
                String doc = r.string("doc");
                VersionVector v = r.version("version");
                byte[] hash = r.bytes("textSha256");
                if (hash.length != 32) {
                    throw new MalformedMessageException("field textSha256 has " + hash.length
                            + " bytes, a SHA-256 has 32");
                }
                yield new Message.StateCheck(doc, v, hash);
            }
            case STATE_CHECK_REPLY -> new Message.StateCheckReply(r.string("doc"), r.version("version"),
                    StateCheckResult.fromWire(r.varint("result")), r.bytes("state"));
            case DIRECT_UPDATE -> {
                String doc = r.string("doc");
                byte[] update = r.bytes("update");
                long n = r.varint("skip count");
                if (n > limits.maxVectorEntries()) {
                    throw new MalformedMessageException("skip list of " + n + " ids exceeds the limit of "
                            + limits.maxVectorEntries());
                }
                List<Long> skip = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    long id = r.varint("skip");
                    if (!skip.isEmpty() && id <= skip.get(skip.size() - 1)) {
                        throw new MalformedMessageException("skip ids must be strictly ascending");
                    }
                    skip.add(id);
                }
                yield new Message.DirectUpdate(doc, update, skip);
            }
            case SIGNAL -> {
                long peer = r.varint("peer");
                long kind = r.varint("kind");
                if (kind > Integer.MAX_VALUE) {
                    throw new MalformedMessageException("signal kind " + kind + " out of range");
                }
                yield new Message.Signal(peer, (int) kind, r.bytes("data"));
            }
            default -> throw new MalformedMessageException("unknown message type " + type + " at offset 1");
        };
        r.expectEnd(m.getClass().getSimpleName());
        return m;
    }

    /** The transport form: the encoded message as standard base64 (with padding), the argument of event {@code "weft"}. */
    public static String encodeBase64(Message message) {
        return Base64.getEncoder().encodeToString(encode(message));
    }

    /**
     * Decodes the transport form produced by {@link #encodeBase64(Message)}.
     *
     * @throws MalformedMessageException if {@code text} is null, not base64, or not a valid message within {@code limits}
     */
    public static Message decodeBase64(String text, Limits limits) {
        if (text == null) {
            throw new MalformedMessageException("message is not a base64 string");
        }
        long maxChars = ((long) limits.maxMessageBytes() + 2) / 3 * 4;
        if (text.length() > maxChars) {
            throw new MalformedMessageException("message of " + text.length() + " base64 characters exceeds the limit of "
                    + limits.maxMessageBytes() + " bytes");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("message is not valid base64: " + e.getMessage());
        }
        return decode(bytes, limits);
    }

    static void requireNonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must be non-negative, was " + value);
        }
    }

    /** Growable output buffer with the protocol's primitive encodings. */
    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        void raw(int b) {
            out.write(b);
        }

        void varint(long value) {
            requireNonNegative(value, "varint");
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        void string(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] b) {
            varint(b.length);
            out.write(b, 0, b.length);
        }

        void version(VersionVector v) {
            Map<Long, Long> sorted = new TreeMap<>(v.asMap());
            varint(sorted.size());
            for (Map.Entry<Long, Long> e : sorted.entrySet()) {
                varint(e.getKey());
                varint(e.getValue());
            }
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Bounds-checked cursor over an input message; every failure names the field and offset. */
    private static final class Reader {
        private final byte[] in;
        private final Limits limits;
        private int pos;

        Reader(byte[] in, int pos, Limits limits) {
            this.in = in;
            this.pos = pos;
            this.limits = limits;
        }

        long varint(String field) {
            int start = pos;
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= in.length) {
                    throw new MalformedMessageException("truncated varint in field " + field + " at offset " + start);
                }
                int b = in[pos++] & 0xff;
                if (shift == 63 && b > 0) {
                    throw new MalformedMessageException("varint in field " + field + " at offset " + start
                            + " does not fit a non-negative 63-bit value");
                }
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    if (b == 0 && shift > 0) {
                        throw new MalformedMessageException("overlong varint in field " + field + " at offset " + start);
                    }
                    return result;
                }
            }
            throw new MalformedMessageException("varint longer than 10 bytes in field " + field + " at offset " + start);
        }

        /** One byte that must be 0 (false) or 1 (true). */
        boolean flag(String field) {
            if (pos >= in.length) {
                throw new MalformedMessageException("truncated flag " + field + " at offset " + pos);
            }
            int b = in[pos] & 0xff;
            if (b > 1) {
                throw new MalformedMessageException("flag " + field + " at offset " + pos + " is " + b
                        + ", expected 0 or 1");
            }
            pos++;
            return b == 1;
        }

        int intField(String field) {
            int start = pos;
            long v = varint(field);
            if (v > Integer.MAX_VALUE) {
                throw new MalformedMessageException("field " + field + " at offset " + start + " is " + v
                        + ", larger than " + Integer.MAX_VALUE);
            }
            return (int) v;
        }

        /** A length or count, checked against {@code max} and against the bytes left (each element needs {@code minBytesEach}). */
        int count(String field, int max, int minBytesEach) {
            int start = pos;
            long n = varint(field + " length");
            if (n > max) {
                throw new MalformedMessageException("field " + field + " at offset " + start + " has length " + n
                        + ", over the limit of " + max);
            }
            long left = in.length - pos;
            if (n * minBytesEach > left) {
                throw new MalformedMessageException("field " + field + " at offset " + start + " has length " + n
                        + " but only " + left + " bytes remain");
            }
            return (int) n;
        }

        byte[] bytes(String field) {
            int n = count(field, limits.maxMessageBytes(), 1);
            byte[] b = new byte[n];
            System.arraycopy(in, pos, b, 0, n);
            pos += n;
            return b;
        }

        String string(String field) {
            return string(field, limits.maxStringBytes());
        }

        String string(String field, int maxBytes) {
            int start = pos;
            int n = count(field, maxBytes, 1);
            try {
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(in, pos, n))
                        .toString();
                pos += n;
                return s;
            } catch (CharacterCodingException e) {
                throw new MalformedMessageException("field " + field + " at offset " + start + " is not valid UTF-8");
            }
        }

        VersionVector version(String field) {
            int n = count(field + " entries", limits.maxVectorEntries(), 2);
            Map<Long, Long> map = new TreeMap<>();
            long previousAgent = -1;
            for (int i = 0; i < n; i++) {
                int start = pos;
                long agent = varint(field + "[" + i + "].agent");
                long nextSeq = varint(field + "[" + i + "].nextSeq");
                if (agent <= previousAgent) {
                    throw new MalformedMessageException("field " + field + " entry " + i + " at offset " + start
                            + ": agents must be strictly ascending (" + agent + " after " + previousAgent + ")");
                }
                if (nextSeq == 0) {
                    throw new MalformedMessageException("field " + field + " entry " + i + " at offset " + start
                            + ": nextSeq must be at least 1");
                }
                previousAgent = agent;
                map.put(agent, nextSeq);
            }
            try {
                return VersionVector.of(map);
            } catch (IllegalArgumentException | dev.weft.crdt.model.MalformedUpdateException e) {
                throw new MalformedMessageException("field " + field + " is not a valid version: " + e.getMessage());
            }
        }

        void expectEnd(String type) {
            if (pos != in.length) {
                throw new MalformedMessageException(type + " message has " + (in.length - pos)
                        + " trailing bytes at offset " + pos);
            }
        }
    }
}
