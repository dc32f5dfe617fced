package dev.weft.crdt.codec;

import dev.weft.crdt.model.Varint;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.UpdateTooLargeException;

import java.util.concurrent.atomic.AtomicReference;
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

    /** {@link #decode(byte[], int)} with the format's own ceiling (64 Mi) as the maximum decoded length. */
    public static DecodedUpdate decode(byte[] bytes) {
        return decode(bytes, MAX_INFLATED);
    }

    /**
     * Decodes {@code bytes}, refusing before any allocation an update that would decode to more than
     * {@code maxDecodedLength}: an inflated payload of more bytes, more UTF-16 content units, more item units
     * (garbage-collected runs included, {@link DecodedUpdate#storedUnits}), or more item-table entries (9 ints per
     * item) than that. So what decoding allocates is bounded by about 7 × {@code
     * maxDecodedLength} bytes whatever the compression ratio (a 65 KB deflated update can declare 64 Mi units).
     *
     * @throws UpdateTooLargeException if a declared or counted size is over {@code maxDecodedLength}
     * @throws MalformedUpdateException if the bytes are not a valid update
     */
    public static DecodedUpdate decode(byte[] bytes, int maxDecodedLength) {
        if (maxDecodedLength < 0) {
            throw new IllegalArgumentException("maxDecodedLength must be >= 0, was " + maxDecodedLength);
        }
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
            if (rawLen > maxDecodedLength) {
                throw new UpdateTooLargeException("inflated payload bytes", rawLen, maxDecodedLength);
            }
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
        parse(new Varint.Reader(body, bodyStart, bodyEnd), u, maxDecodedLength);
        return u;
    }

    /**
     * Inflates exactly {@code rawLen} bytes. The buffer grows with the real output (not the declared length), so
     * a lying header cannot make us allocate more than the data actually inflates to.
     */
    private static byte[] inflate(byte[] in, int off, int len, int rawLen) {
        Inflater inf = IDLE_INFLATER.getAndSet(null);
        if (inf == null) {
            inf = new Inflater(true);
        }
        try {
            inf.setInput(in, off, len);
            byte[] out = new byte[Math.min(rawLen, Math.max(1024, len * 4))];
            int total = 0;
            while (total < rawLen) {
                if (total == out.length) {
                    out = java.util.Arrays.copyOf(out, (int) Math.min(rawLen, (long) out.length * 2));
                }
                int k = inf.inflate(out, total, out.length - total);
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
            inf.reset();
            if (!IDLE_INFLATER.compareAndSet(null, inf)) {
                inf.end();
            }
        }
    }

    /**
     * One idle decompressor kept between updates (as {@code UpdateWriter} keeps a compressor): a fresh
     * {@code Inflater} allocates zlib's state and window on every compressed update; {@code reset()} is
     * equivalent. Taken with {@code getAndSet(null)}, so concurrent decoders never share one.
     */
    private static final AtomicReference<Inflater> IDLE_INFLATER = new AtomicReference<>();

    private static void parse(Varint.Reader r, DecodedUpdate u, int maxDecodedLength) {
        int nAgents = r.readVarInt("agent count", r.remaining());
        if (nAgents > maxDecodedLength) {
            throw new UpdateTooLargeException("agent-table entries", nAgents, maxDecodedLength);
        }
        long[] agents = new long[nAgents];
        for (int i = 0; i < nAgents; i++) {
            agents[i] = r.readVarLong("agent id");
        }
        if (nAgents > 1) {
            // A sorted copy (8 bytes per agent) rather than a HashSet (about 60): a table of millions of one-byte ids
            // must not cost more than a few times its own size.
            long[] sorted = agents.clone();
            java.util.Arrays.sort(sorted);
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i] == sorted[i - 1]) {
                    throw new MalformedUpdateException("agent " + sorted[i] + " listed twice in the agent table");
                }
            }
        }
        u.agents = agents;
        int n = r.readVarInt("item count", r.remaining() / 4);
        if ((long) n * DecodedUpdate.STRIDE > maxDecodedLength) {
            throw new UpdateTooLargeException("item-table entries", (long) n * DecodedUpdate.STRIDE, maxDecodedLength);
        }
        u.nItems = n;
        final int S = DecodedUpdate.STRIDE;
        int[] it = u.items = new int[n * S];
        int[] expected = nAgents <= 16 ? SMALL.get() : new int[nAgents];
        java.util.Arrays.fill(expected, 0, nAgents, 0);
        long contentTotal = 0;
        long storedTotal = 0;
        int[] at = {0};
        try {
            for (int i = 0; i < n; i++) {
                at[0] = i;
                int b = i * S;
                int a = it[b] = readAgent(r, nAgents, "item agent");
                long s = expected[a] + r.readZigZag("item seq");
                int l = r.readVarInt("item length", MAX_SEQ);
                if (l == 0) {
                    throw new MalformedUpdateException("length 0");
                }
                if (s < 0 || s + l > MAX_SEQ) {
                    throw new MalformedUpdateException("seq range [" + s + ", " + (s + l) + ") out of bounds");
                }
                it[b + 1] = (int) s;
                it[b + 2] = l;
                expected[a] = (int) s + l;
                storedTotal += l;
                if (storedTotal > maxDecodedLength) {
                    // Bounds the content units too (they are the non-collected part of this sum). A
                    // garbage-collected run is a few bytes on the wire for any length, but a replica stores its
                    // seqs: a 14-byte update declaring 2e9 collected units would allocate 4 GB.
                    throw new UpdateTooLargeException("item units (garbage-collected runs included)", storedTotal,
                            maxDecodedLength);
                }
                int info = r.readByte("item info byte");
                int f = info & 3;
                if (f == DecodedUpdate.GC) {
                    throw new MalformedUpdateException("garbage-collected but not deleted");
                }
                if ((info & 0xC0) != 0) {
                    throw new MalformedUpdateException("info byte has unknown bits 0x" + Integer.toHexString(info));
                }
                it[b + 7] = f;
                int olKind = (info >> 2) & 3, orKind = (info >> 4) & 3;
                switch (olKind) {
                    case OL_NONE -> it[b + 3] = DecodedUpdate.NONE;
                    case OL_PREV_SEQ -> {
                        if (s == 0) {
                            throw new MalformedUpdateException("originLeft = previous seq but its seq is 0");
                        }
                        it[b + 3] = a;
                        it[b + 4] = (int) s - 1;
                    }
                    case OL_PREV_ITEM -> {
                        if (i == 0) {
                            throw new MalformedUpdateException("originLeft = previous item but there is none");
                        }
                        it[b + 3] = it[b - S];
                        it[b + 4] = it[b - S + 1] + it[b - S + 2] - 1;
                    }
                    default -> {
                        it[b + 3] = readAgent(r, nAgents, "originLeft agent");
                        it[b + 4] = r.readVarInt("originLeft seq", MAX_SEQ);
                    }
                }
                switch (orKind) {
                    case OR_NONE -> it[b + 5] = DecodedUpdate.NONE;
                    case OR_NEXT_ITEM -> {
                        if (i == n - 1) {
                            throw new MalformedUpdateException("originRight = next item but there is none");
                        }
                        it[b + 5] = NEXT_PENDING;
                    }
                    case OR_SAME_AS_PREV -> {
                        if (i == 0) {
                            throw new MalformedUpdateException("originRight = previous item's but there is none");
                        }
                        if (it[b - S + 5] == NEXT_PENDING) {
                            throw new MalformedUpdateException("copies an originRight that is not known yet");
                        }
                        it[b + 5] = it[b - S + 5];
                        it[b + 6] = it[b - S + 6];
                    }
                    default -> {
                        it[b + 5] = readAgent(r, nAgents, "originRight agent");
                        it[b + 6] = r.readVarInt("originRight seq", MAX_SEQ);
                    }
                }
                if (f == 0 || f == DecodedUpdate.DELETED) {
                    it[b + 8] = (int) contentTotal;
                    contentTotal += l;
                } else {
                    it[b + 8] = -1;
                }
            }
        } catch (UpdateTooLargeException e) {
            throw e;
        } catch (MalformedUpdateException e) {
            throw new MalformedUpdateException("item #" + at[0] + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < n; i++) {
            int b = i * S;
            if (it[b + 5] == NEXT_PENDING) {
                it[b + 5] = it[b + S];
                it[b + 6] = it[b + S + 1];
            }
            if (it[b + 3] == it[b] && it[b + 4] >= it[b + 1]) {
                throw new MalformedUpdateException("item #" + i + " (" + agents[it[b]] + "," + it[b + 1]
                        + ") has originLeft seq " + it[b + 4] + ", not before itself");
            }
            if (it[b + 5] == it[b] && it[b + 6] >= it[b + 1]) {
                throw new MalformedUpdateException("item #" + i + " (" + agents[it[b]] + "," + it[b + 1]
                        + ") has originRight seq " + it[b + 6] + ", not an earlier id of its agent");
            }
        }
        int nd = r.readVarInt("delete range count", r.remaining() / 3);
        u.nDeletes = nd;
        int[] del = u.deletes = new int[nd * 3];
        java.util.Arrays.fill(expected, 0, nAgents, 0);
        for (int i = 0; i < nd; i++) {
            int a = del[i * 3] = readAgent(r, nAgents, "delete agent");
            long s = expected[a] + r.readZigZag("delete start");
            int l = r.readVarInt("delete length", MAX_SEQ);
            if (l == 0) {
                throw new MalformedUpdateException("delete #" + i + " has length 0");
            }
            if (s < 0 || s + l > MAX_SEQ) {
                throw new MalformedUpdateException("delete #" + i + " range [" + s + ", " + (s + l) + ") out of bounds");
            }
            del[i * 3 + 1] = (int) s;
            del[i * 3 + 2] = l;
            expected[a] = (int) s + l;
        }
        if (contentTotal > r.remaining()) {
            throw new MalformedUpdateException("truncated content: items need " + contentTotal + " units, "
                    + r.remaining() + " bytes left");
        }
        u.storedUnits = storedTotal;
        int[] ends = u.snapshot ? snapshotEnds(it, n, nAgents) : null;
        if (ends != null) {
            // every agent's lengths fill [0, end), as in every valid snapshot: the ends add up to storedTotal,
            // checked against the limit above, so arrays of those sizes may be allocated. Content by seq.
            char[][] per = new char[nAgents][];
            for (int a = 0; a < nAgents; a++) {
                per[a] = ends[a] == 0 ? NO_UNITS : new char[ends[a]];
            }
            readContent(r, it, n, per, 1, -1);
            u.agentEnds = ends;
            u.agentContent = per;
        } else {
            // item order (a snapshot with a gap lands here too, and is refused by the loader)
            char[] content = u.content = new char[(int) contentTotal];
            readContent(r, it, n, new char[][] {content}, 8, 0);
        }
        if (r.remaining() != 0) {
            throw new MalformedUpdateException(r.remaining() + " trailing bytes after the content");
        }
    }

    /**
     * Reads the content section: item {@code i}'s units (unless garbage-collected) into {@code dst[agent & mask]}
     * at {@code it[i * STRIDE + offCol]} — in item order into one array ({@code mask} 0, {@code offCol} 8: the
     * content offset), or by seq into the agent's array ({@code mask} -1, {@code offCol} 1: the seq). Items that
     * continue the previous one in the same array are read in one call: in item order that is all of them, by seq
     * the runs of one agent that a deletion split into a live and a deleted item. One loop without a branch on the
     * mode, so a snapshot load runs the code every update has already compiled.
     */
    private static void readContent(Varint.Reader r, int[] it, int n, char[][] dst, int offCol, int mask) {
        final int S = DecodedUpdate.STRIDE;
        int i = 0;
        while (i < n) {
            int b = i * S;
            if (it[b + 8] < 0) {
                i++;
                continue;
            }
            int a = it[b] & mask, off = it[b + offCol], len = it[b + 2];
            int j = i + 1;
            for (int c = b + S; j < n && it[c + 8] >= 0 && (it[c] & mask) == a && it[c + offCol] == off + len;
                 j++, c += S) {
                len += it[c + 2];
            }
            r.readChars(dst[a], off, len);
            i = j;
        }
    }

    /**
     * A snapshot's per-agent largest item end, if every agent's item lengths add up to it (as in every valid
     * snapshot: each agent's seqs covered exactly once from 0), else null. Then the ends add up to the stored
     * units, which the caller has checked against the limit, so arrays of those sizes may be allocated. Not part of
     * the item loop of {@link #parse}, which every update runs; chunked like the snapshot loader's passes
     * ({@link #extents}), so the loop is compiled during the first load of a few thousand items.
     */
    private static int[] snapshotEnds(int[] it, int n, int nAgents) {
        int[] ends = new int[nAgents];
        long[] sums = new long[nAgents];
        for (int i = 0; i < n; i += 32) {
            extents(it, i, Math.min(n, i + 32), ends, sums);
        }
        for (int a = 0; a < nAgents; a++) {
            if (sums[a] != ends[a]) {
                return null;
            }
        }
        return ends;
    }

    /** Adds items {@code [from, to)} to their agents' largest end and length sum. */
    private static void extents(int[] it, int from, int to, int[] ends, long[] sums) {
        for (int i = from, b = from * DecodedUpdate.STRIDE; i < to; i++, b += DecodedUpdate.STRIDE) {
            int a = it[b], e = it[b + 1] + it[b + 2];
            sums[a] += it[b + 2];
            if (e > ends[a]) {
                ends[a] = e;
            }
        }
    }

    /** The storage of an agent with no items in a snapshot (never written: appending reallocates). */
    private static final char[] NO_UNITS = new char[0];

    /** Marks an originRight that is the next item's first id, resolved after all items are read. */
    private static final int NEXT_PENDING = -2;
    /** Per-thread scratch for the per-agent expected seqs of small agent tables. */
    private static final ThreadLocal<int[]> SMALL = ThreadLocal.withInitial(() -> new int[16]);

    private static int readAgent(Varint.Reader r, int nAgents, String field) {
        long v = r.readVarLong(field);
        if (v >= nAgents) {
            throw new MalformedUpdateException(field + " index " + v + " outside the agent table of " + nAgents);
        }
        return (int) v;
    }
}
