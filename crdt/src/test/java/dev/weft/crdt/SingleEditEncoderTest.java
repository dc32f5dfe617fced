package dev.weft.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.SingleEditEncoder;
import dev.weft.crdt.codec.UpdateDecoder;
import dev.weft.crdt.codec.UpdateWriter;
import dev.weft.crdt.model.IdSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The single-edit fast path produces byte for byte what the general {@link UpdateWriter} produces for the same
 * one item or one delete range (so replicas that received either cannot tell them apart), on seeded random
 * agents, seqs, origins (absent, own agent, previous seq, shared agents) and content (ASCII, 2- and 3-byte units,
 * surrogates); inserts over {@link SingleEditEncoder#MAX_INSERT_UNITS} units are refused. Deletes that spanned
 * several items (an {@link IdSet} of many ranges) likewise, up to the deflate threshold. Compressed updates are
 * the same bytes with the compressor reused.
 */
class SingleEditEncoderTest {
    private static final long[] AGENTS = {0, 1, 127, 128, 300, 1L << 40, (1L << 53) - 1, Long.MAX_VALUE};

    @Test
    void randomInsertsEncodeExactlyAsTheGeneralWriter() {
        SingleEditEncoder fast = new SingleEditEncoder();
        UpdateWriter w = new UpdateWriter();
        SplittableRandom rnd = new SplittableRandom(15);
        for (int round = 0; round < 20_000; round++) {
            long agent = pick(rnd);
            int seq = rnd.nextInt(4) == 0 ? rnd.nextInt(Integer.MAX_VALUE - 100) : rnd.nextInt(300);
            int len = 1 + rnd.nextInt(SingleEditEncoder.MAX_INSERT_UNITS);
            long olId = originAgent(rnd, agent);
            int olSeq = originSeq(rnd, olId, agent, seq);
            long orId = rnd.nextInt(5) == 0 ? olId : originAgent(rnd, agent);
            int orSeq = originSeq(rnd, orId, agent, seq);
            if (olSeq < 0) {
                olId = -1;
                olSeq = 0;
            }
            if (orSeq < 0) {
                orId = -1;
                orSeq = 0;
            }
            char[] src = content(rnd, len + 7);
            int off = rnd.nextInt(8);
            w.reset();
            w.addItem(agent, seq, len, olId, olSeq, orId, orSeq, (byte) 0, src, off);
            byte[] expected = w.encode(false);
            byte[] actual = fast.insert(agent, seq, new String(src, off, len), olId, olSeq, orId, orSeq);
            assertThat(actual).as("round %d: agent %d seq %d len %d ol (%d,%d) or (%d,%d)", round, agent, seq, len,
                    olId, olSeq, orId, orSeq).isEqualTo(expected);
            DecodedUpdate u = UpdateDecoder.decode(actual);
            assertThat(u.nItems).isEqualTo(1);
            assertThat(new String(u.content)).isEqualTo(new String(src, off, len));
        }
    }

    @Test
    void randomDeletesEncodeExactlyAsTheGeneralWriter() {
        SingleEditEncoder fast = new SingleEditEncoder();
        UpdateWriter w = new UpdateWriter();
        SplittableRandom rnd = new SplittableRandom(16);
        for (int round = 0; round < 20_000; round++) {
            long agent = pick(rnd);
            int start = rnd.nextInt(3) == 0 ? rnd.nextInt(Integer.MAX_VALUE / 2) : rnd.nextInt(1000);
            int len = 1 + (rnd.nextBoolean() ? rnd.nextInt(3) : rnd.nextInt(Integer.MAX_VALUE / 2 - 1));
            w.reset();
            w.addDelete(agent, start, len);
            assertThat(fast.delete(agent, start, len)).as("round %d", round).isEqualTo(w.encode(false));
        }
    }

    @Test
    void randomMultiRangeDeletesEncodeExactlyAsTheGeneralWriter() {
        SingleEditEncoder fast = new SingleEditEncoder();
        UpdateWriter w = new UpdateWriter();
        SplittableRandom rnd = new SplittableRandom(17);
        int fastPath = 0, left = 0;
        for (int round = 0; round < 20_000; round++) {
            IdSet.Builder b = new IdSet.Builder();
            int nRanges = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 120 : 6);
            for (int i = 0; i < nRanges; i++) {
                long agent = rnd.nextInt(6) == 0 ? pick(rnd) : AGENTS[round % 3];
                long start = rnd.nextInt(3) == 0 ? rnd.nextInt(Integer.MAX_VALUE / 2) : rnd.nextInt(2000);
                long len = 1 + (rnd.nextBoolean() ? rnd.nextInt(3) : rnd.nextInt(1 << rnd.nextInt(30)));
                b.add(agent, start, start + len);
            }
            IdSet ids = b.build();
            w.reset();
            ids.forEachRange((a, s, e) -> w.addDelete(a, (int) s, (int) (e - s)));
            byte[] expected = w.encode(false);
            byte[] actual = fast.deletes(ids);
            if (actual == null) {
                // only left to the writer when the payload reaches the deflate threshold (or > 16 agents)
                boolean deflated = (expected[1] & 1) != 0;
                assertThat(deflated || expected.length - 2 >= 256 || ids.agents().length > 16)
                        .as("round %d: %s", round, ids).isTrue();
                left++;
                continue;
            }
            fastPath++;
            assertThat(actual).as("round %d: %s", round, ids).isEqualTo(expected);
            DecodedUpdate u = UpdateDecoder.decode(actual);
            assertThat(u.nDeletes).isEqualTo(ids.rangeCount());
        }
        assertThat(fastPath).as("fast path taken").isGreaterThan(12_000);
        assertThat(left).as("long sets left to the writer").isGreaterThan(10);
    }

    @Test
    void compressedUpdatesAreIdenticalWhenTheCompressorIsReused() {
        // the writer keeps one idle Deflater between updates: the same big update must come out the same every
        // time, in between other compressed updates, and the decoder (with its own reused Inflater) reads it
        SplittableRandom rnd = new SplittableRandom(18);
        char[] big = content(rnd, 5_000);
        UpdateWriter first = new UpdateWriter();
        first.addItem(7, 0, big.length, -1, 0, -1, 0, (byte) 0, big, 0);
        byte[] reference = first.encode(false);
        assertThat(reference[1] & 1).as("deflated").isEqualTo(1);
        for (int i = 0; i < 50; i++) {
            char[] other = content(rnd, 300 + rnd.nextInt(3_000));
            UpdateWriter w = new UpdateWriter();
            w.addItem(9, 0, other.length, -1, 0, -1, 0, (byte) 0, other, 0);
            assertThat(new String(UpdateDecoder.decode(w.encode(false)).content)).isEqualTo(new String(other));
            UpdateWriter again = new UpdateWriter();
            again.addItem(7, 0, big.length, -1, 0, -1, 0, (byte) 0, big, 0);
            byte[] b = again.encode(false);
            assertThat(b).isEqualTo(reference);
            assertThat(new String(UpdateDecoder.decode(b).content)).isEqualTo(new String(big));
        }
    }

    /**
     * A local edit's pasted block is compressed at zlib's fastest level ({@link UpdateWriter#encodeLocalEdit}):
     * other bytes than the default level's, the same update once decoded (agents, every item field, content,
     * delete ranges), on seeded random items and delete sets around the deflate threshold.
     */
    @Test
    void localEditUpdatesAtTheFastestLevelDecodeLikeTheDefaultLevel() {
        SplittableRandom rnd = new SplittableRandom(19);
        int compressed = 0, differing = 0;
        for (int round = 0; round < 2_000; round++) {
            UpdateWriter slow = new UpdateWriter(), fast = new UpdateWriter();
            long agent = pick(rnd);
            int seq = rnd.nextInt(1 << 20);
            if (rnd.nextBoolean()) {
                char[] text = content(rnd, 1 + rnd.nextInt(rnd.nextBoolean() ? 300 : 6_000));
                long olId = originAgent(rnd, agent);
                int olSeq = originSeq(rnd, olId, agent, seq);
                if (olSeq < 0) {
                    olId = -1;
                    olSeq = 0;
                }
                long orId = originAgent(rnd, agent);
                int orSeq = orId == agent ? 0 : originSeq(rnd, orId, agent, seq);
                if (orId == agent && seq == 0) {
                    orId = -1;
                }
                slow.addItem(agent, seq, text.length, olId, olSeq, orId, orSeq, (byte) 0, text, 0);
                fast.addItem(agent, seq, text.length, olId, olSeq, orId, orSeq, (byte) 0, text, 0);
            } else {
                int ranges = 1 + rnd.nextInt(120);
                for (int i = 0, at = seq; i < ranges; i++) {
                    long a = rnd.nextInt(3) == 0 ? pick(rnd) : agent;
                    int len = 1 + rnd.nextInt(9);
                    slow.addDelete(a, at, len);
                    fast.addDelete(a, at, len);
                    at += len + 1 + rnd.nextInt(5_000);
                }
            }
            byte[] s = slow.encode(false), f = fast.encodeLocalEdit();
            compressed += (f[1] & 1);
            differing += java.util.Arrays.equals(s, f) ? 0 : 1;
            assertSameUpdate(UpdateDecoder.decode(f), UpdateDecoder.decode(s));
        }
        assertThat(compressed).as("rounds that compressed").isGreaterThan(500);
        assertThat(differing).as("rounds whose bytes differ").isGreaterThan(100);
    }

    /**
     * Pasted blocks and long deletes typed on one replica reach another through their (fast-level) updates and
     * through its snapshot (default level) alike.
     */
    @Test
    void pastedBlocksReachOtherReplicasThroughFastLevelUpdates() {
        SplittableRandom rnd = new SplittableRandom(20);
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        int compressed = 0;
        for (int step = 0; step < 300; step++) {
            int len = a.getText().length();
            byte[] u;
            if (len > 500 && rnd.nextInt(3) == 0) {
                int pos = rnd.nextInt(len - 400);
                u = a.delete(pos, 1 + rnd.nextInt(400)).update();
            } else {
                StringBuilder sb = new StringBuilder();
                int n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 100 + rnd.nextInt(3_000);
                for (int i = 0; i < n; i++) {
                    sb.append(rnd.nextInt(30) == 0 ? 'é' : (char) ('a' + rnd.nextInt(26)));
                }
                u = a.insert(len == 0 ? 0 : rnd.nextInt(len + 1), sb.toString()).update();
            }
            compressed += u[1] & 1;
            b.applyUpdate(u);
        }
        assertThat(compressed).isGreaterThan(50);
        assertThat(b.getText()).isEqualTo(a.getText());
        TextDocument c = new TextDocument(3);
        c.applyUpdate(a.encodeStateAsUpdate());
        assertThat(c.getText()).isEqualTo(a.getText());
        a.checkInvariants();
        b.checkInvariants();
        c.checkInvariants();
    }

    private static void assertSameUpdate(DecodedUpdate x, DecodedUpdate y) {
        assertThat(x.agents).isEqualTo(y.agents);
        assertThat(x.nItems).isEqualTo(y.nItems);
        for (int i = 0; i < x.nItems; i++) {
            assertThat(new int[] {x.itemAgent(i), x.itemSeq(i), x.itemLen(i), x.olAgent(i), x.olSeq(i), x.orAgent(i),
                    x.orSeq(i), x.itemFlags(i)}).isEqualTo(new int[] {y.itemAgent(i), y.itemSeq(i), y.itemLen(i),
                    y.olAgent(i), y.olSeq(i), y.orAgent(i), y.orSeq(i), y.itemFlags(i)});
        }
        assertThat(x.content).isEqualTo(y.content);
        assertThat(x.nDeletes).isEqualTo(y.nDeletes);
        for (int i = 0; i < x.nDeletes; i++) {
            assertThat(new int[] {x.delAgent(i), x.delStart(i), x.delLen(i)})
                    .isEqualTo(new int[] {y.delAgent(i), y.delStart(i), y.delLen(i)});
        }
    }

    @Test
    void insertsLongerThanTheLimitAreLeftToTheGeneralWriter() {
        char[] src = new char[SingleEditEncoder.MAX_INSERT_UNITS + 1];
        java.util.Arrays.fill(src, '\uffff');
        SingleEditEncoder fast = new SingleEditEncoder();
        assertThat(fast.insert(Long.MAX_VALUE, Integer.MAX_VALUE - 100, new String(src), 1, 5, 2, 6)).isNull();
        // the longest accepted insert with the widest fields still fits (3-byte units, 9-byte ids, 5-byte seqs)
        byte[] b = fast.insert(Long.MAX_VALUE, Integer.MAX_VALUE - 100, new String(src, 0, src.length - 1),
                Long.MAX_VALUE - 1, Integer.MAX_VALUE - 1, Long.MAX_VALUE - 2, Integer.MAX_VALUE - 1);
        UpdateWriter w = new UpdateWriter();
        w.addItem(Long.MAX_VALUE, Integer.MAX_VALUE - 100, src.length - 1, Long.MAX_VALUE - 1, Integer.MAX_VALUE - 1,
                Long.MAX_VALUE - 2, Integer.MAX_VALUE - 1, (byte) 0, src, 0);
        assertThat(b).isEqualTo(w.encode(false));
    }

    private static long pick(SplittableRandom rnd) {
        return AGENTS[rnd.nextInt(AGENTS.length)];
    }

    /** Absent, the item's own agent, or another agent. */
    private static long originAgent(SplittableRandom rnd, long agent) {
        return switch (rnd.nextInt(3)) {
            case 0 -> -1;
            case 1 -> agent;
            default -> pick(rnd);
        };
    }

    /** A seq for an origin of agent {@code id}: an earlier id when it is the item's own agent (-1: none exists). */
    private static int originSeq(SplittableRandom rnd, long id, long agent, int seq) {
        if (id < 0) {
            return 0;
        }
        if (id != agent) {
            return rnd.nextInt(1 << 20);
        }
        return seq == 0 ? -1 : rnd.nextBoolean() ? seq - 1 : rnd.nextInt(seq);
    }

    private static char[] content(SplittableRandom rnd, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = switch (rnd.nextInt(5)) {
                case 0 -> (char) (0x80 + rnd.nextInt(0x4000 - 0x80));
                case 1 -> (char) (0x4000 + rnd.nextInt(0x10000 - 0x4000));
                default -> (char) rnd.nextInt(0x80);
            };
        }
        return c;
    }
}
