package dev.weft.bench.jmh;

import dev.weft.crdt.TextDocument;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Applying other replicas' single-edit updates (what the relay and every peer do per remote keystroke). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Thread)
public class RemoteApplyBenchmark {

    private static final int UPDATES = 2000;

    private byte[][] updates;

    /** Records 2000 single-edit updates: typing runs at a few places with some backspaces (seed 3). */
    @Setup(Level.Trial)
    public void setUp() {
        TextDocument author = new TextDocument(11);
        SplittableRandom random = new SplittableRandom(3);
        updates = new byte[UPDATES][];
        int cursor = 0;
        for (int i = 0; i < UPDATES; i++) {
            if (random.nextInt(50) == 0) {
                cursor = random.nextInt(author.length() + 1);
            }
            if (cursor > 0 && random.nextInt(8) == 0) {
                updates[i] = author.delete(--cursor, 1).update();
            } else {
                updates[i] = author.insert(cursor++, "z").update();
            }
        }
    }

    /** A fresh replica applies the 2000 updates in order; time per update. */
    @Benchmark
    @OperationsPerInvocation(UPDATES)
    public TextDocument applyUpdatesOneByOne() {
        TextDocument doc = new TextDocument(12);
        for (byte[] u : updates) {
            doc.applyUpdate(u);
        }
        return doc;
    }
}
