package dev.weft.crdt.codec;

import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.Varint;
import java.util.Arrays;

import static dev.weft.crdt.codec.UpdateFormat.*;

/**
 * Encodes the update of one local edit — one inserted run, or one deleted range — straight into its bytes,
 * without {@link UpdateWriter}'s columns, agent lookup and output buffer. The bytes are exactly those
 * {@link UpdateWriter} produces for the same single item or range (docs/crdt-format.md); an insert longer than
 * {@link #MAX_INSERT_UNITS} returns null and is left to {@link UpdateWriter} (it may need compression).
 * Reusable; not thread-safe (one per replica).
 */
public final class SingleEditEncoder {
    /**
     * Longest insert encoded here. With at most 3 bytes per unit, the payload stays below {@link
     * UpdateFormat#DEFLATE_THRESHOLD}: agent table {@code 1 + 3 × 9}, item count 1, item {@code 1 + 5 + 1 + 1 +
     * 2 × (1 + 5)}, delete count 1, content {@code 3 × 60}: 230 bytes. So these updates are never compressed.
     */
    public static final int MAX_INSERT_UNITS = 60;
    private static final int MAX_PAYLOAD = 230;

    /** Scratch for the update being encoded: header and payload; copied out at the exact length. */
    private final byte[] buf = new byte[2 + MAX_PAYLOAD];

    /**
     * The update of one inserted run: the units of {@code text} with ids {@code (agentId, seq ..)},
     * originLeft {@code (olId, olSeq)} and originRight {@code (orId, orSeq)} (a negative id: absent), not deleted.
     *
     * @return the update, or null if {@code text} is longer than {@link #MAX_INSERT_UNITS} (encode it with
     *         {@link UpdateWriter})
     */
    public byte[] insert(long agentId, int seq, String text, long olId, int olSeq, long orId, int orSeq) {
        int len = text.length();
        if (len > MAX_INSERT_UNITS) {
            return null;
        }
        byte[] b = buf;
        // agent table in UpdateWriter.addItem's order: the item's agent, then originLeft's, then originRight's
        int nAgents = 1;
        int la = olId < 0 ? DecodedUpdate.NONE : olId == agentId ? 0 : nAgents++;
        boolean orNew = false;
        int ra;
        if (orId < 0) {
            ra = DecodedUpdate.NONE;
        } else if (orId == agentId) {
            ra = 0;
        } else if (la == 1 && orId == olId) {
            ra = 1;
        } else {
            ra = nAgents++;
            orNew = true;
        }
        b[0] = VERSION;
        b[1] = 0;
        int p = 2;
        b[p++] = (byte) nAgents;
        p = Varint.putVarLong(b, p, agentId);
        if (la == 1) {
            p = Varint.putVarLong(b, p, olId);
        }
        if (orNew) {
            p = Varint.putVarLong(b, p, orId);
        }
        b[p++] = 1;                                     // one item
        b[p++] = 0;                                     // agent index 0
        p = Varint.putVarLong(b, p, (long) seq << 1);          // zigzag of seq - 0
        b[p++] = (byte) len;                            // 1..60: one byte
        int olKind = la < 0 ? OL_NONE : la == 0 && olSeq == seq - 1 ? OL_PREV_SEQ : OL_EXPLICIT;
        int orKind = ra < 0 ? OR_NONE : OR_EXPLICIT;
        b[p++] = (byte) ((olKind << 2) | (orKind << 4));
        if (olKind == OL_EXPLICIT) {
            b[p++] = (byte) la;
            p = Varint.putVarLong(b, p, olSeq);
        }
        if (orKind == OR_EXPLICIT) {
            b[p++] = (byte) ra;
            p = Varint.putVarLong(b, p, orSeq);
        }
        b[p++] = 0;                                     // no delete ranges
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;                      // ASCII: one byte, no call while this is not compiled
            } else {
                p = Varint.putChar(b, p, c);
            }
        }
        return Arrays.copyOf(b, p);
    }

    /** Scratch for {@link #deletes}: room for a payload just under the deflate threshold plus one range. */
    private final byte[] dbuf = new byte[2 + DEFLATE_THRESHOLD + RANGE_MAX];
    /** Most bytes one delete range can take: agent index, zigzag start, length (each at most 5 or 10 bytes). */
    private static final int RANGE_MAX = 5 + 10 + 5;
    /** While {@link #deletes} walks a set: write position (-1 once the payload is too long), agent index, agent. */
    private int dp;
    private int dAgentIdx;
    private long dAgent;
    private long dExpected;
    /** {@link #addRange} as the consumer of {@link IdSet#forEachRange}, made once. */
    private final IdSet.RangeConsumer rangeSink = this::addRange;

    /**
     * The update of the deleted ids {@code ids} (a delete that spanned several items): no items, one delete range
     * per maximal range of the set, byte-identical to {@link UpdateWriter#addDelete} for each range in
     * {@link IdSet#forEachRange} order and {@code encode(false)}.
     *
     * @return the update, or null if its payload would reach the deflate threshold (encode it with
     *         {@link UpdateWriter}, which may compress it)
     */
    public byte[] deletes(IdSet ids) {
        long[] agents = ids.agents();
        int nDel = ids.rangeCount();
        byte[] b = dbuf;
        b[0] = VERSION;
        b[1] = 0;
        int p = 2;
        if (agents.length > 16) {
            return null; // 10 bytes per agent id: the table alone may approach the threshold; not worth a check
        }
        p = Varint.putVarLong(b, p, agents.length);
        for (long a : agents) {
            p = Varint.putVarLong(b, p, a);
        }
        b[p++] = 0;                                     // no items
        p = Varint.putVarLong(b, p, nDel);
        dp = p;
        dAgentIdx = -1;
        dAgent = -1;
        ids.forEachRange(rangeSink);
        if (dp < 0) {
            return null;
        }
        return Arrays.copyOf(b, dp);
    }

    private void addRange(long agent, long start, long end) {
        int p = dp;
        if (p < 0) {
            return;
        }
        if (p - 2 >= DEFLATE_THRESHOLD) {
            dp = -1;
            return;
        }
        if (agent != dAgent) {
            dAgent = agent;
            dAgentIdx++;
            dExpected = 0;
        }
        byte[] b = dbuf;
        p = Varint.putVarLong(b, p, dAgentIdx);
        long delta = start - dExpected;
        p = Varint.putVarLong(b, p, (delta << 1) ^ (delta >> 63));
        p = Varint.putVarLong(b, p, end - start);
        dExpected = end;
        dp = p - 2 >= DEFLATE_THRESHOLD ? -1 : p;
    }

    /** The update of the deleted range {@code (agentId, [start, start + len))}: no items, one delete range. */
    public byte[] delete(long agentId, int start, int len) {
        byte[] b = buf;
        b[0] = VERSION;
        b[1] = 0;
        int p = 2;
        b[p++] = 1;                                     // one agent
        p = Varint.putVarLong(b, p, agentId);
        b[p++] = 0;                                     // no items
        b[p++] = 1;                                     // one delete range
        b[p++] = 0;                                     // agent index 0
        p = Varint.putVarLong(b, p, (long) start << 1);        // zigzag of start - 0
        p = Varint.putVarLong(b, p, len);
        return Arrays.copyOf(b, p);
    }
}
