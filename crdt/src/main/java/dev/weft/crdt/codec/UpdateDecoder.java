package dev.weft.crdt.codec;

import dev.weft.crdt.MalformedUpdateException;

import java.util.HashSet;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static dev.weft.crdt.codec.UpdateFormat.*;

/**
 * Decodes and validates an update completely (docs/crdt-format.md) without touching any replica, so a replica
 * can reject bad bytes before it changes anything. Every failure is a {@link MalformedUpdateException} that
 * names the field and byte offset.
 */
public final class UpdateDecoder {
    private UpdateDecoder() {
    }

    public static DecodedUpdate decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedUpdateException("empty update (no format version byte)");
        }
        int version = bytes[0] & 0xFF;
        if (version != VERSION) {
            throw new MalformedUpdateException("unsupported update format version " + version + " (expected " + VERSION + ")");
        }
        if (bytes.length < 2) {
            throw new MalformedUpdateException("truncated: missing header flags byte");
        }
        int flags = bytes[1] & 0xFF;
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new MalformedUpdateException("unknown header flags 0x" + Integer.toHexString(flags));
        }
        byte[] body;
        int bodyStart, bodyEnd;
        if ((flags & FLAG_DEFLATED) != 0) {
            Varint.Reader hr = new Varint.Reader(bytes, 2, bytes.length);
            int rawLen = hr.readVarInt("inflated payload length", MAX_INFLATED);
            int compressedLen = hr.remaining();
            if (rawLen > (long) compressedLen * 1100 + 64) {
                throw new MalformedUpdateException("inflated length " + rawLen + " impossible for " + compressedLen + " compressed bytes");
            }
            body = inflate(bytes, hr.position(), compressedLen, rawLen);
            bodyStart = 0;
            bodyEnd = rawLen;
        } else {
            body = bytes;
            bodyStart = 2;
            bodyEnd = bytes.length;
        }
        DecodedUpdate u = new DecodedUpdate();
        u.snapshot = (flags & FLAG_SNAPSHOT) != 0;
        parse(new Varint.Reader(body, bodyStart, bodyEnd), u);
        return u;
    }

    private static byte[] inflate(byte[] in, int off, int len, int rawLen) {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(in, off, len);
            byte[] out = new byte[rawLen];
            int total = 0;
            while (total < rawLen) {
                int k = inf.inflate(out, total, rawLen - total);
                if (k == 0) {
                    throw new MalformedUpdateException("compressed payload ends after " + total + " of " + rawLen + " bytes");
                }
                total += k;
            }
            // the stream must end exactly here
            byte[] probe = new byte[1];
            if (!inf.finished() && inf.inflate(probe) > 0) {
                throw new MalformedUpdateException("compressed payload is longer than its declared length " + rawLen);
            }
            if (inf.getRemaining() > 0) {
                throw new MalformedUpdateException(inf.getRemaining() + " trailing bytes after the compressed payload");
            }
            return out;
        } catch (DataFormatException e) {
            throw new MalformedUpdateException("corrupt compressed payload: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    private static void parse(Varint.Reader r, DecodedUpdate u) {
        int nAgents = r.readVarInt("agent count", r.remaining());
        long[] agents = new long[nAgents];
        HashSet<Long> seen = nAgents > 1 ? new HashSet<>() : null;
        for (int i = 0; i < nAgents; i++) {
            agents[i] = r.readVarLong("agent id #" + i);
            if (seen != null && !seen.add(agents[i])) {
                throw new MalformedUpdateException("agent " + agents[i] + " listed twice in the agent table");
            }
        }
        u.agents = agents;
        int n = r.readVarInt("item count", r.remaining() / 4);
        u.nItems = n;
        int[] ia = u.itemAgent = new int[n];
        int[] is = u.itemSeq = new int[n];
        int[] il = u.itemLen = new int[n];
        int[] la = u.olAgent = new int[n];
        int[] ls = u.olSeq = new int[n];
        int[] ra = u.orAgent = new int[n];
        int[] rs = u.orSeq = new int[n];
        byte[] fl = u.itemFlags = new byte[n];
        int[] co = u.contentOff = new int[n];
        int[] expected = new int[nAgents];
        boolean[] orNext = new boolean[n];
        long contentTotal = 0;
        for (int i = 0; i < n; i++) {
            int a = ia[i] = readAgent(r, nAgents, "item #" + i + " agent");
            long s = expected[a] + r.readZigZag("item #" + i + " seq");
            int l = r.readVarInt("item #" + i + " length", MAX_SEQ);
            if (l == 0) {
                throw new MalformedUpdateException("item #" + i + " has length 0");
            }
            if (s < 0 || s + l > MAX_SEQ) {
                throw new MalformedUpdateException("item #" + i + " seq range [" + s + ", " + (s + l) + ") out of bounds");
            }
            is[i] = (int) s;
            il[i] = l;
            expected[a] = (int) s + l;
            int info = r.readByte("item #" + i + " info byte");
            int f = info & 3;
            if (f == DecodedUpdate.GC) {
                throw new MalformedUpdateException("item #" + i + " is garbage-collected but not deleted");
            }
            fl[i] = (byte) f;
            if ((info & 0xC0) != 0) {
                throw new MalformedUpdateException("item #" + i + " info byte has unknown bits 0x" + Integer.toHexString(info));
            }
            int olKind = (info >> 2) & 3, orKind = (info >> 4) & 3;
            switch (olKind) {
                case OL_NONE -> la[i] = DecodedUpdate.NONE;
                case OL_PREV_SEQ -> {
                    if (s == 0) {
                        throw new MalformedUpdateException("item #" + i + " says originLeft = previous seq but its seq is 0");
                    }
                    la[i] = a;
                    ls[i] = (int) s - 1;
                }
                case OL_PREV_ITEM -> {
                    if (i == 0) {
                        throw new MalformedUpdateException("item #0 says originLeft = previous item but there is none");
                    }
                    la[i] = ia[i - 1];
                    ls[i] = is[i - 1] + il[i - 1] - 1;
                }
                default -> {
                    la[i] = readAgent(r, nAgents, "item #" + i + " originLeft agent");
                    ls[i] = r.readVarInt("item #" + i + " originLeft seq", MAX_SEQ);
                }
            }
            switch (orKind) {
                case OR_NONE -> ra[i] = DecodedUpdate.NONE;
                case OR_NEXT_ITEM -> {
                    if (i == n - 1) {
                        throw new MalformedUpdateException("last item says originRight = next item but there is none");
                    }
                    orNext[i] = true;
                }
                case OR_SAME_AS_PREV -> {
                    if (i == 0) {
                        throw new MalformedUpdateException("item #0 says originRight = previous item's but there is none");
                    }
                    if (orNext[i - 1]) {
                        throw new MalformedUpdateException("item #" + i + " copies an originRight that is not known yet");
                    }
                    ra[i] = ra[i - 1];
                    rs[i] = rs[i - 1];
                }
                default -> {
                    ra[i] = readAgent(r, nAgents, "item #" + i + " originRight agent");
                    rs[i] = r.readVarInt("item #" + i + " originRight seq", MAX_SEQ);
                }
            }
            if (f == 0 || f == DecodedUpdate.DELETED) {
                co[i] = (int) contentTotal;
                contentTotal += l;
            } else {
                co[i] = -1;
            }
        }
        for (int i = 0; i < n; i++) {
            if (orNext[i]) {
                ra[i] = ia[i + 1];
                rs[i] = is[i + 1];
            }
            if (la[i] == ia[i] && ls[i] >= is[i]) {
                throw new MalformedUpdateException("item #" + i + " (" + agents[ia[i]] + "," + is[i] + ") has originLeft seq "
                        + ls[i] + ", not before itself");
            }
            if (ra[i] == ia[i] && rs[i] >= is[i]) {
                throw new MalformedUpdateException("item #" + i + " (" + agents[ia[i]] + "," + is[i] + ") has originRight seq "
                        + rs[i] + ", not an earlier id of its agent");
            }
        }
        int nd = r.readVarInt("delete range count", r.remaining() / 3);
        u.nDeletes = nd;
        u.delAgent = new int[nd];
        u.delStart = new int[nd];
        u.delLen = new int[nd];
        int[] dExpected = new int[nAgents];
        for (int i = 0; i < nd; i++) {
            int a = u.delAgent[i] = readAgent(r, nAgents, "delete #" + i + " agent");
            long s = dExpected[a] + r.readZigZag("delete #" + i + " start");
            int l = r.readVarInt("delete #" + i + " length", MAX_SEQ);
            if (l == 0) {
                throw new MalformedUpdateException("delete #" + i + " has length 0");
            }
            if (s < 0 || s + l > MAX_SEQ) {
                throw new MalformedUpdateException("delete #" + i + " range [" + s + ", " + (s + l) + ") out of bounds");
            }
            u.delStart[i] = (int) s;
            u.delLen[i] = l;
            dExpected[a] = (int) s + l;
        }
        if (contentTotal > r.remaining()) {
            throw new MalformedUpdateException("truncated content: items need " + contentTotal + " units, "
                    + r.remaining() + " bytes left");
        }
        char[] content = u.content = new char[(int) contentTotal];
        for (int i = 0; i < content.length; i++) {
            content[i] = r.readChar();
        }
        if (r.remaining() != 0) {
            throw new MalformedUpdateException(r.remaining() + " trailing bytes after the content");
        }
    }

    private static int readAgent(Varint.Reader r, int nAgents, String field) {
        long v = r.readVarLong(field);
        if (v >= nAgents) {
            throw new MalformedUpdateException(field + " index " + v + " outside the agent table of " + nAgents);
        }
        return (int) v;
    }
}
