package dev.weft.bench.jmh;

import dev.weft.crdt.TextDocument;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;

/** Local edits including the encoding of the update each one returns (what a keystroke costs the editor side). */
public class LocalEditBenchmark extends JmhDefaults {

    private static final int TYPED = 1000;

    /** Optional sequential trace whose history the large document gets; empty = synthetic history. */
    @Param({""})
    public String trace;

    /** Synthetic history size when no trace is given. */
    @Param({"100000"})
    public int edits;

    private TextDocument large;
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        large = EditHistory.build(trace, edits, 7);
        random = new SplittableRandom(1);
    }

    /** Typing 1000 characters one by one at a moving cursor into a fresh document; time per keystroke. */
    @Benchmark
    @OperationsPerInvocation(TYPED)
    public void typeIntoEmptyDocument(Blackhole bh) {
        TextDocument doc = new TextDocument(1);
        for (int i = 0; i < TYPED; i++) {
            bh.consume(doc.insert(i, "x").update());
        }
    }

    /** One keystroke plus one backspace at random places of a document with a long history; time per pair. */
    @Benchmark
    public void insertAndDeleteInLargeDocument(Blackhole bh) {
        int at = random.nextInt(large.length() + 1);
        bh.consume(large.insert(at, "y").update());
        int del = random.nextInt(large.length());
        bh.consume(large.delete(del, 1).update());
    }
}
