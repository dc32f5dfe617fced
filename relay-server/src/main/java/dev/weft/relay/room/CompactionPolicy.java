package dev.weft.relay.room;

import java.nio.charset.StandardCharsets;

/**
 * When a document's update log is compacted into a snapshot: after {@code --compact-updates} log entries or
 * {@code --compact-bytes} logged bytes, each raised by the same document-specific fraction {@code s} of itself.
 * {@code s} lies in [0, {@code --compact-spread}) and is derived from a stable hash of (room, document name,
 * compaction round), so rooms that started typing together reach their thresholds at different times instead of
 * all in the same second (docs/relay.md, "Settings"), and a document's later compactions stay spread too. The
 * same inputs and salt give the same thresholds in every process. A single relay uses salt 0, so its thresholds
 * survive restarts; each cluster node salts with its own random agent id, so the nodes of a cluster, which count
 * their own members' updates of a document at similar rates, do not all snapshot it at the same moment
 * (docs/relay.md, "Cluster"). Immutable.
 *
 * <p>Postcondition of {@link #updates} (and likewise {@link #bytes}): the threshold {@code t} satisfies
 * {@code compactUpdates ≤ t < compactUpdates × (1 + spread)}, and {@code t == compactUpdates} when spread is 0.
 * So a document is compacted after at least compact-updates and fewer than compact-updates × (1 + spread) updates
 * (plus those that arrive while its compaction task waits on the room's executor), or at the byte threshold if
 * that comes first.
 */
public final class CompactionPolicy {
    /** {@code --compact-updates}: the least number of log entries after which a document is compacted; ≥ 1. */
    private final int updates;
    /** {@code --compact-bytes}: the least number of logged bytes after which a document is compacted; ≥ 1. */
    private final long bytes;
    /** {@code --compact-spread}: the largest fraction (exclusive) by which a threshold is raised; ≥ 0. */
    private final double spread;
    /** Mixed into every document's hash: 0 on a single relay, the node's agent id on a cluster node. */
    private final long salt;

    /** An unsalted policy (salt 0): {@link #CompactionPolicy(int, long, double, long)}. */
    public CompactionPolicy(int updates, long bytes, double spread) {
        this(updates, bytes, spread, 0);
    }

    /**
     * @param salt 0 for thresholds that depend only on (room, document, round); any other value gives a different,
     *             equally spread set of thresholds
     * @throws IllegalArgumentException if {@code updates} or {@code bytes} is below 1, or {@code spread} is
     *                                  negative or not finite
     */
    public CompactionPolicy(int updates, long bytes, double spread, long salt) {
        if (updates < 1 || bytes < 1 || !(spread >= 0) || Double.isInfinite(spread)) {
            throw new IllegalArgumentException("compaction thresholds must be ≥ 1 and the spread finite and ≥ 0, was "
                    + updates + ", " + bytes + ", " + spread);
        }
        this.updates = updates;
        this.bytes = bytes;
        this.spread = spread;
        this.salt = salt;
    }

    /** The update-count threshold of {@code room}/{@code doc}'s compaction number {@code round} (0 = first). */
    public long updates(String room, String doc, long round) {
        return raise(updates, room, doc, round);
    }

    /** The logged-bytes threshold of {@code room}/{@code doc}'s compaction number {@code round} (0 = first). */
    public long bytes(String room, String doc, long round) {
        return raise(bytes, room, doc, round);
    }

    /** {@code base × (1 + spread × u)} rounded down, u the document's fraction in [0, 1); saturates at Long.MAX. */
    private long raise(long base, String room, String doc, long round) {
        if (spread == 0) {
            return base;
        }
        double extra = Math.floor(base * spread * fraction(room, doc, round, salt));
        // Doubles round: keep the postcondition's strict upper bound exactly.
        long raised = extra >= Long.MAX_VALUE - base ? Long.MAX_VALUE : base + (long) extra;
        double upper = base * (1 + spread);
        return raised > base && raised >= upper ? raised - 1 : raised;
    }

    /**
     * A fraction in [0, 1), fixed for ({@code room}, {@code doc}, {@code round}) and spread evenly over documents:
     * FNV-1a over the UTF-8 bytes of room and name (separated by 0xff, which UTF-8 never contains), the round and
     * the salt (times an odd constant) XORed in, then the SplitMix64 finaliser so that names differing in one
     * character land far apart. Salt 0 leaves the hash of (room, doc, round) as it was before salts existed.
     */
    static double fraction(String room, String doc, long round, long salt) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, room.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0xff) * 0x100000001b3L; // a byte UTF-8 never contains
        h = fnv(h, doc.getBytes(StandardCharsets.UTF_8));
        h ^= round;
        h ^= salt * 0x9e3779b97f4a7c15L;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }

    private static long fnv(long h, byte[] data) {
        for (byte b : data) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }
}
