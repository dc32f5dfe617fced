package dev.weft.bench.jmh;

import dev.weft.crdt.codec.SingleEditEncoder;
import dev.weft.crdt.model.Varint;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The update of one keystroke, encoded alone: {@link SingleEditEncoder#insert} of one ASCII unit and
 * {@link SingleEditEncoder#delete} of one id, with a random 63-bit agent id ({@code -p agentId=random}: a 9-byte
 * varint, as a real replica's) or agent 1 ({@code -p agentId=1}: one byte, the agent of {@code bench/weft-bench
 * replay}'s replica A) and seqs cycling below 2^15 (clownschool_flat's local seqs stay below that). The parts
 * beside them (the agent id's varint alone, a small array's allocation and copy) say what one call's time is made
 * of.
 */
public class SingleEditEncodeBenchmark extends JmhDefaults {

    private final SingleEditEncoder encoder = new SingleEditEncoder();
    private final byte[] scratch = new byte[32];
    /** {@code random}: a seeded random 63-bit id; otherwise the id itself. */
    @Param({"random", "1"})
    public String agentId;
    private long agent;
    private int seq;

    @Setup(Level.Trial)
    public void setUp() {
        agent = agentId.equals("random") ? new SplittableRandom(19).nextLong() >>> 1 : Long.parseLong(agentId);
    }

    private int nextSeq() {
        int s = (seq + 1) & 0x7FFF;
        seq = s;
        return s;
    }

    /** Typing at the end of one's own text: originLeft the previous seq, no originRight (17–20 bytes). */
    @Benchmark
    public byte[] insertAppend() {
        int s = nextSeq();
        return encoder.insert(agent, s, "x", agent, s - 1, -1, 0);
    }

    /** Typing between two of one's own characters: originLeft and originRight explicit (22–26 bytes). */
    @Benchmark
    public byte[] insertBetween() {
        int s = nextSeq();
        return encoder.insert(agent, s, "x", agent, s >>> 1, agent, (s >>> 1) + 1);
    }

    /** Deleting one of one's own characters (16–19 bytes). */
    @Benchmark
    public byte[] deleteOne() {
        int s = nextSeq();
        return encoder.delete(agent, s, 1);
    }

    /** Part: the agent id's varint alone, written into a scratch array. */
    @Benchmark
    public int partAgentVarint() {
        nextSeq();
        return Varint.putVarLong(scratch, 3, agent);
    }

    /** Part: the seq's zigzag varint alone. */
    @Benchmark
    public int partSeqVarint() {
        return Varint.putVarLong(scratch, 3, (long) nextSeq() << 1);
    }

    /** Part: copying 20 bytes out of a scratch array into a new array (what every call ends with). */
    @Benchmark
    public byte[] partCopyOut() {
        scratch[0] = (byte) nextSeq();
        return Arrays.copyOf(scratch, 20);
    }
}
