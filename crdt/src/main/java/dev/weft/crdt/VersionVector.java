package dev.weft.crdt;

import java.util.Map;

/**
 * An immutable map agent → next seq: the replica has every operation {@code (agent, s)} with
 * {@code s < get(agent)}. Agents not present map to 0.
 */
public final class VersionVector {
    /** The empty version (nothing seen). */
    public static final VersionVector EMPTY = null; // TODO replaced by the implementation

    /** Builds a version from a map; entries with value 0 are dropped. */
    public static VersionVector of(Map<Long, Long> nextSeqByAgent) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Next seq of {@code agent} (0 if unknown). */
    public long get(long agent) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** All non-zero entries, as an unmodifiable map. */
    public Map<Long, Long> asMap() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** True if this version has every operation {@code other} has. */
    public boolean covers(VersionVector other) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Compact binary form (format version byte, varints). */
    public byte[] encode() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** @throws MalformedUpdateException if the bytes are not an encoded version vector */
    public static VersionVector decode(byte[] bytes) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
