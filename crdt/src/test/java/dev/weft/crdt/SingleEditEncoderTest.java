package dev.weft.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.SingleEditEncoder;
import dev.weft.crdt.codec.UpdateDecoder;
import dev.weft.crdt.codec.UpdateWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The single-edit fast path produces byte for byte what the general {@link UpdateWriter} produces for the same
 * one item or one delete range (so replicas that received either cannot tell them apart), on seeded random
 * agents, seqs, origins (absent, own agent, previous seq, shared agents) and content (ASCII, 2- and 3-byte units,
 * surrogates); inserts over {@link SingleEditEncoder#MAX_INSERT_UNITS} units are refused.
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
