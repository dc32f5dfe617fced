package dev.weft.bench.jmh;

import dev.weft.bench.replay.WeftSequentialReplay;
import dev.weft.bench.trace.TraceFormatException;
import dev.weft.bench.trace.TraceReader;
import dev.weft.crdt.TextDocument;

import java.nio.file.Path;
import java.util.SplittableRandom;

/** Builds documents with an editing history for the benchmarks: a replayed trace or a seeded synthetic one. */
final class EditHistory {

    private EditHistory() {
    }

    /**
     * A replica holding {@code tracePath}'s sequential history if the path is non-empty, else {@code edits}
     * seeded random edits (mostly typing runs, some deletions) over a document of about {@code edits / 2} chars.
     */
    static TextDocument build(String tracePath, int edits, long agent) throws TraceFormatException {
        TextDocument doc = new TextDocument(agent);
        if (!tracePath.isEmpty()) {
            WeftSequentialReplay.applyLocally(doc, TraceReader.read(Path.of(tracePath)));
            return doc;
        }
        SplittableRandom random = new SplittableRandom(42);
        int cursor = 0;
        for (int i = 0; i < edits; i++) {
            if (random.nextInt(10) == 0) {
                cursor = random.nextInt(doc.length() + 1);
            }
            if (doc.length() > 0 && random.nextInt(4) == 0) {
                int at = Math.max(0, Math.min(cursor, doc.length()) - 1);
                doc.delete(at, 1);
                cursor = at;
            } else {
                doc.insert(cursor, String.valueOf((char) ('a' + random.nextInt(26))));
                cursor++;
            }
        }
        return doc;
    }
}
