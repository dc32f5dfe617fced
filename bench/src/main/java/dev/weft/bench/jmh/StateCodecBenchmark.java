package dev.weft.bench.jmh;

import dev.weft.crdt.TextDocument;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.concurrent.TimeUnit;

/** Encoding a document's full state and loading it into a fresh replica (join, journal restore). */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StateCodecBenchmark extends JmhDefaults {

    /** Optional sequential trace whose history the document gets (e.g. automerge-paper); empty = synthetic. */
    @Param({""})
    public String trace;

    /** Synthetic history size when no trace is given. */
    @Param({"100000"})
    public int edits;

    private TextDocument doc;
    private byte[] state;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        doc = EditHistory.build(trace, edits, 5);
        state = doc.encodeStateAsUpdate();
    }

    @Benchmark
    public byte[] encodeStateAsUpdate() {
        return doc.encodeStateAsUpdate();
    }

    @Benchmark
    public TextDocument loadState() {
        TextDocument fresh = new TextDocument(6);
        fresh.applyUpdate(state);
        return fresh;
    }
}
