package dev.weft.crdt.model;

import dev.weft.crdt.model.Varint;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable map agent → next seq: the replica has every operation {@code (agent, s)} with
 * {@code s < get(agent)}. Agents not present map to 0.
 *
 * <pre>{@code
 * VersionVector v = VersionVector.of(Map.of(7L, 3L));   // has (7,0), (7,1), (7,2)
 * v.get(7) == 3; v.get(9) == 0; v.covers(VersionVector.EMPTY) == true
 * }</pre>
 */
public final class VersionVector {
    /** Format version byte of {@link #encode()}. */
    private static final int FORMAT = 1;

    /** The empty version (nothing seen). */
    public static final VersionVector EMPTY = new VersionVector(new long[0], new long[0]);

    /** Agents in ascending order; immutable. */
    private final long[] agents;
    /** {@code next[i]} is the next seq of {@code agents[i]}, always {@code > 0}; immutable. */
    private final long[] next;

    private VersionVector(long[] agents, long[] next) {
        this.agents = agents;
        this.next = next;
    }

    /** Builds a version from a map; entries with value 0 are dropped. */
    public static VersionVector of(Map<Long, Long> nextSeqByAgent) {
        long[][] pairs = new long[nextSeqByAgent.size()][];
        int n = 0;
        for (Map.Entry<Long, Long> e : nextSeqByAgent.entrySet()) {
            long a = e.getKey(), s = e.getValue();
            if (a < 0 || s < 0) {
                throw new IllegalArgumentException("negative agent or seq: " + a + " -> " + s);
            }
            if (s > 0) {
                pairs[n++] = new long[]{a, s};
            }
        }
        return fromPairs(pairs, n);
    }

    /** Builds a version from parallel arrays (used by the replica); {@code next[i] == 0} entries are dropped. */
    public static VersionVector ofArrays(long[] agentIds, long[] nextSeqs, int n) {
        long[][] pairs = new long[n][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (nextSeqs[i] > 0) {
                pairs[k++] = new long[]{agentIds[i], nextSeqs[i]};
            }
        }
        return fromPairs(pairs, k);
    }

    private static VersionVector fromPairs(long[][] pairs, int n) {
        Arrays.sort(pairs, 0, n, (x, y) -> Long.compare(x[0], y[0]));
        long[] a = new long[n], s = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = pairs[i][0];
            s[i] = pairs[i][1];
            if (i > 0 && a[i] == a[i - 1]) {
                throw new IllegalArgumentException("duplicate agent " + a[i]);
            }
        }
        return n == 0 ? EMPTY : new VersionVector(a, s);
    }

    /** Next seq of {@code agent} (0 if unknown). */
    public long get(long agent) {
        int i = Arrays.binarySearch(agents, agent);
        return i >= 0 ? next[i] : 0;
    }

    /** Number of agents with a non-zero entry. */
    public int size() {
        return agents.length;
    }

    /** All non-zero entries, as an unmodifiable map (ascending agent order). */
    public Map<Long, Long> asMap() {
        Map<Long, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < agents.length; i++) {
            m.put(agents[i], next[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** True if this version has every operation {@code other} has. */
    public boolean covers(VersionVector other) {
        for (int i = 0; i < other.agents.length; i++) {
            if (get(other.agents[i]) < other.next[i]) {
                return false;
            }
        }
        return true;
    }

    /** Total number of operations, the sum of all entries. */
    public long total() {
        long t = 0;
        for (long s : next) {
            t += s;
        }
        return t;
    }

    /** Compact binary form: format byte 1, varint count, then (varint agent, varint next) per entry. */
    public byte[] encode() {
        Varint.Writer w = new Varint.Writer(2 + agents.length * 12);
        w.writeByte(FORMAT);
        w.writeVarInt(agents.length);
        for (int i = 0; i < agents.length; i++) {
            w.writeVarLong(agents[i]);
            w.writeVarLong(next[i]);
        }
        return w.toByteArray();
    }

    /** @throws MalformedUpdateException if the bytes are not an encoded version vector */
    public static VersionVector decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedUpdateException("empty version vector");
        }
        Varint.Reader r = new Varint.Reader(bytes, 0, bytes.length);
        int fmt = r.readByte("version vector format");
        if (fmt != FORMAT) {
            throw new MalformedUpdateException("unsupported version vector format " + fmt + " (expected " + FORMAT + ")");
        }
        int n = r.readVarInt("version vector entry count", bytes.length / 2);
        long[] a = new long[n], s = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.readVarLong("version vector agent");
            s[i] = r.readVarLong("version vector seq");
            if (s[i] == 0) {
                throw new MalformedUpdateException("version vector entry for agent " + a[i] + " is 0");
            }
            if (i > 0 && a[i] <= a[i - 1]) {
                throw new MalformedUpdateException("version vector agents not strictly ascending at entry " + i);
            }
        }
        if (r.remaining() != 0) {
            throw new MalformedUpdateException(r.remaining() + " trailing bytes after version vector");
        }
        return n == 0 ? EMPTY : new VersionVector(a, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionVector v && Arrays.equals(agents, v.agents) && Arrays.equals(next, v.next);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(agents) * 31 + Arrays.hashCode(next);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
