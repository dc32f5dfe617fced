package dev.weft.crdt.codec;

import dev.weft.crdt.model.Varint;
import java.util.Arrays;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.Deflater;

import static dev.weft.crdt.codec.UpdateFormat.*;

/**
 * Collects items and delete ranges and encodes them as one update (docs/crdt-format.md). Reusable after
 * {@link #reset()}; adjacent items that continue each other are merged as they are added. Not thread-safe.
 */
public final class UpdateWriter {
    private static final long NO_AGENT = -1;

    private long[] agentIds = new long[4];
    private int nAgents;
    /** Global id → index, only used once the table grows past 8 entries. */
    private HashMap<Long, Integer> agentIndex;

    private int n;
    private int[] agent = new int[4], seq = new int[4], len = new int[4];
    private int[] olA = new int[4], olS = new int[4], orA = new int[4], orS = new int[4];
    private byte[] flags = new byte[4];
    private char[] content = new char[64];
    private int contentLen;

    private int nDel;
    private int[] dAgent = new int[4], dStart = new int[4], dLen = new int[4];

    private final Varint.Writer out = new Varint.Writer(64);
    /** Scratch for the per-agent expected seqs while encoding; reused across encodes. */
    private int[] expectedScratch = new int[8];

    private int[] expected() {
        if (expectedScratch.length < nAgents) {
            expectedScratch = new int[nAgents];
        } else {
            Arrays.fill(expectedScratch, 0, nAgents, 0);
        }
        return expectedScratch;
    }

    public void reset() {
        nAgents = 0;
        agentIndex = null;
        n = 0;
        contentLen = 0;
        nDel = 0;
    }

    public boolean isEmpty() {
        return n == 0 && nDel == 0;
    }

    private int agentIdx(long id) {
        if (id < 0) {
            return DecodedUpdate.NONE;
        }
        if (agentIndex != null) {
            Integer i = agentIndex.get(id);
            if (i != null) {
                return i;
            }
        } else {
            for (int i = nAgents - 1; i >= 0; i--) {
                if (agentIds[i] == id) {
                    return i;
                }
            }
        }
        if (nAgents == agentIds.length) {
            agentIds = Arrays.copyOf(agentIds, nAgents * 2);
        }
        agentIds[nAgents] = id;
        if (agentIndex == null && nAgents >= 8) {
            agentIndex = new HashMap<>();
            for (int i = 0; i < nAgents; i++) {
                agentIndex.put(agentIds[i], i);
            }
        }
        if (agentIndex != null) {
            agentIndex.put(id, nAgents);
        }
        return nAgents++;
    }

    /**
     * Adds an item. Origins with a negative agent are absent. {@code src} holds the content at {@code off}, or
     * is null when {@code itemFlags} has GC.
     */
    public void addItem(long agentId, int s, int l, long olAgentId, int olSeq, long orAgentId, int orSeq,
                        byte itemFlags, char[] src, int off) {
        int a = agentIdx(agentId);
        int la = agentIdx(olAgentId), ra = agentIdx(orAgentId);
        if (la < 0) {
            olSeq = 0;
        }
        if (ra < 0) {
            orSeq = 0;
        }
        boolean gc = (itemFlags & DecodedUpdate.GC) != 0;
        if (!gc) {
            if (contentLen + l > content.length) {
                content = Arrays.copyOf(content, Math.max(content.length * 2, contentLen + l));
            }
            System.arraycopy(src, off, content, contentLen, l);
            contentLen += l;
        }
        if (n > 0) {
            int p = n - 1;
            if (agent[p] == a && seq[p] + len[p] == s && la == a && olSeq == s - 1 && orA[p] == ra
                    && orS[p] == orSeq && flags[p] == itemFlags) {
                len[p] += l;
                return;
            }
        }
        if (n == agent.length) {
            int c = n * 2;
            agent = Arrays.copyOf(agent, c);
            seq = Arrays.copyOf(seq, c);
            len = Arrays.copyOf(len, c);
            olA = Arrays.copyOf(olA, c);
            olS = Arrays.copyOf(olS, c);
            orA = Arrays.copyOf(orA, c);
            orS = Arrays.copyOf(orS, c);
            flags = Arrays.copyOf(flags, c);
        }
        agent[n] = a;
        seq[n] = s;
        len[n] = l;
        olA[n] = la;
        olS[n] = olSeq;
        orA[n] = ra;
        orS[n] = orSeq;
        flags[n] = itemFlags;
        n++;
    }

    /** Adds the delete range {@code (agent, [start, start + l))}; merged with the previous one when contiguous. */
    public void addDelete(long agentId, int start, int l) {
        int a = agentIdx(agentId);
        if (nDel > 0 && dAgent[nDel - 1] == a && dStart[nDel - 1] + dLen[nDel - 1] == start) {
            dLen[nDel - 1] += l;
            return;
        }
        if (nDel == dAgent.length) {
            int c = nDel * 2;
            dAgent = Arrays.copyOf(dAgent, c);
            dStart = Arrays.copyOf(dStart, c);
            dLen = Arrays.copyOf(dLen, c);
        }
        dAgent[nDel] = a;
        dStart[nDel] = start;
        dLen[nDel] = l;
        nDel++;
    }

    /**
     * Encodes what was added.
     *
     * @param snapshot true if the items are a whole state in document order (sets the snapshot flag)
     */
    public byte[] encode(boolean snapshot) {
        return encode(snapshot, IDLE_DEFLATER, Deflater.DEFAULT_COMPRESSION);
    }

    /**
     * Encodes what was added as the update of one local edit: like {@code encode(false)}, but a payload that
     * reaches the deflate threshold (a pasted block) is compressed at zlib's fastest level. The format is the
     * same (raw DEFLATE at any level decodes alike); the bytes are a little larger than at the default level.
     * Snapshots and diffs keep the default level ({@link #encode(boolean)}).
     */
    public byte[] encodeLocalEdit() {
        return encode(false, IDLE_FAST_DEFLATER, Deflater.BEST_SPEED);
    }

    private byte[] encode(boolean snapshot, AtomicReference<Deflater> idle, int level) {
        Varint.Writer w = out;
        w.reset();
        w.writeVarInt(nAgents);
        for (int i = 0; i < nAgents; i++) {
            w.writeVarLong(agentIds[i]);
        }
        int[] expected = expected();
        w.writeVarInt(n);
        for (int i = 0; i < n; i++) {
            int a = agent[i];
            w.writeVarInt(a);
            w.writeZigZag((long) seq[i] - expected[a]);
            expected[a] = seq[i] + len[i];
            w.writeVarInt(len[i]);
            int olKind, orKind;
            if (olA[i] < 0) {
                olKind = OL_NONE;
            } else if (olA[i] == a && olS[i] == seq[i] - 1) {
                olKind = OL_PREV_SEQ;
            } else if (i > 0 && olA[i] == agent[i - 1] && olS[i] == seq[i - 1] + len[i - 1] - 1) {
                olKind = OL_PREV_ITEM;
            } else {
                olKind = OL_EXPLICIT;
            }
            if (orA[i] < 0) {
                orKind = OR_NONE;
            } else if (i + 1 < n && orA[i] == agent[i + 1] && orS[i] == seq[i + 1]) {
                orKind = OR_NEXT_ITEM;
            } else if (i > 0 && orA[i] == orA[i - 1] && orS[i] == orS[i - 1]) {
                orKind = OR_SAME_AS_PREV;
            } else {
                orKind = OR_EXPLICIT;
            }
            w.writeByte(flags[i] | (olKind << 2) | (orKind << 4));
            if (olKind == OL_EXPLICIT) {
                w.writeVarInt(olA[i]);
                w.writeVarInt(olS[i]);
            }
            if (orKind == OR_EXPLICIT) {
                w.writeVarInt(orA[i]);
                w.writeVarInt(orS[i]);
            }
        }
        w.writeVarInt(nDel);
        int[] dExpected = expected();
        for (int i = 0; i < nDel; i++) {
            int a = dAgent[i];
            w.writeVarInt(a);
            w.writeZigZag((long) dStart[i] - dExpected[a]);
            w.writeVarInt(dLen[i]);
            dExpected[a] = dStart[i] + dLen[i];
        }
        w.writeChars(content, 0, contentLen);

        int flagsByte = snapshot ? FLAG_SNAPSHOT : 0;
        int rawLen = w.size();
        if (rawLen >= DEFLATE_THRESHOLD) {
            byte[] packed = deflate(w.buffer(), rawLen, idle, level);
            if (packed != null) {
                Varint.Writer h = new Varint.Writer(packed.length + 8);
                h.writeByte(VERSION);
                h.writeByte(flagsByte | FLAG_DEFLATED);
                h.writeVarInt(rawLen);
                h.writeBytes(packed, 0, packed.length);
                return h.toByteArray();
            }
        }
        byte[] res = new byte[rawLen + 2];
        res[0] = VERSION;
        res[1] = (byte) flagsByte;
        System.arraycopy(w.buffer(), 0, res, 2, rawLen);
        return res;
    }

    /**
     * One idle compressor kept between updates: {@code new Deflater} + {@code end()} allocates and frees zlib's
     * ~270 KB of state per call, which dominated the encoding of a pasted block (docs/benchmarks.md, "Third
     * pass"); {@code reset()} gives the same output as a fresh one. Taken with {@code getAndSet(null)}, so
     * concurrent encoders never share one (a second encoder meanwhile makes its own and ends it after use).
     */
    private static final AtomicReference<Deflater> IDLE_DEFLATER = new AtomicReference<>();
    /** The same for {@link #encodeLocalEdit}'s compressor (level {@code BEST_SPEED}). */
    private static final AtomicReference<Deflater> IDLE_FAST_DEFLATER = new AtomicReference<>();

    /**
     * Raw DEFLATE of {@code buf[0..len)} at {@code level}, with a compressor taken from {@code idle} (one made for
     * that level if none is idle), or null if that is not smaller.
     */
    private static byte[] deflate(byte[] buf, int len, AtomicReference<Deflater> idle, int level) {
        Deflater d = idle.getAndSet(null);
        if (d == null) {
            d = new Deflater(level, true);
        }
        try {
            d.setInput(buf, 0, len);
            d.finish();
            byte[] outBuf = new byte[len];
            int total = 0;
            while (!d.finished()) {
                if (total == outBuf.length) {
                    return null;
                }
                total += d.deflate(outBuf, total, outBuf.length - total);
            }
            return total + 4 < len ? Arrays.copyOf(outBuf, total) : null;
        } finally {
            d.reset();
            if (!idle.compareAndSet(null, d)) {
                d.end();
            }
        }
    }
}
