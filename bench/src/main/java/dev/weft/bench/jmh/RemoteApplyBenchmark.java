package dev.weft.bench.jmh;

import dev.weft.crdt.TextDocument;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

import java.util.SplittableRandom;

/** Applying other replicas' single-edit updates (what the relay and every peer do per remote keystroke). */
public class RemoteApplyBenchmark extends JmhDefaults {

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
