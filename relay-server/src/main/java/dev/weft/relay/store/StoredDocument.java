package dev.weft.relay.store;

import java.util.List;
import java.util.Objects;

/**
 * A document as loaded from storage; immutable. Replaying {@code snapshot} then {@code log} (in order) into an empty
 * replica reproduces every committed operation.
 *
 * @param snapshot     the compacted state (a CRDT update), or an empty array if never compacted
 * @param snapshotSeq  the seq of the last log entry folded into {@code snapshot} (0 if none)
 * @param log          the updates committed after the snapshot, by ascending seq
 */
public record StoredDocument(byte[] snapshot, long snapshotSeq, List<LogEntry> log) {
    public StoredDocument {
        Objects.requireNonNull(snapshot, "snapshot");
        log = List.copyOf(log);
    }

    /** The highest seq stored for the document (the log's last, else the snapshot's). */
    public long lastSeq() {
        return log.isEmpty() ? snapshotSeq : log.get(log.size() - 1).seq();
    }

    /** Bytes held: snapshot plus log. */
    public long storedBytes() {
        long n = snapshot.length;
        for (LogEntry e : log) {
            n += e.update().length;
        }
        return n;
    }

    /** One committed update; immutable ({@code update} is not copied: do not mutate it). */
    public record LogEntry(long seq, byte[] update) {
    }
}
