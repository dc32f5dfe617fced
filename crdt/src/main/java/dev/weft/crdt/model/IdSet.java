package dev.weft.crdt.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * An immutable set of operation ids {@code (agent, seq)}, stored as sorted, non-overlapping seq ranges per agent.
 * Used for delete sets and for the ids an operation group created or deleted (selective undo).
 *
 * <pre>{@code
 * IdSet s = IdSet.range(7, 0, 3);              // {(7,0),(7,1),(7,2)}
 * s = s.union(IdSet.range(7, 3, 5));           // {(7,0..5)}, one range
 * s.contains(7, 4) == true; s.size() == 5
 * }</pre>
 */
public final class IdSet {
    /** The empty set. */
    public static final IdSet EMPTY = new IdSet(new long[0], new long[0][]);

    /** Agents in ascending order; immutable. */
    private final long[] agents;
    /**
     * {@code ranges[i]} holds {@code [start0, end0, start1, end1, ...]} for {@code agents[i]}: sorted, non-empty,
     * non-overlapping and non-adjacent half-open ranges; immutable.
     */
    private final long[][] ranges;

    private IdSet(long[] agents, long[][] ranges) {
        this.agents = agents;
        this.ranges = ranges;
    }

    /** The set {@code (agent, s)} for {@code start <= s < end}. */
    public static IdSet range(long agent, long start, long end) {
        if (agent < 0 || start < 0 || end < start) {
            throw new IllegalArgumentException("bad id range " + agent + ":[" + start + "," + end + ")");
        }
        if (start == end) {
            return EMPTY;
        }
        return new IdSet(new long[]{agent}, new long[][]{{start, end}});
    }

    /** The union of two sets. */
    public IdSet union(IdSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Builder b = new Builder();
        b.addAll(this);
        b.addAll(other);
        return b.build();
    }

    public boolean contains(long agent, long seq) {
        int i = Arrays.binarySearch(agents, agent);
        if (i < 0) {
            return false;
        }
        long[] r = ranges[i];
        int lo = 0, hi = r.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (seq < r[2 * mid]) {
                hi = mid - 1;
            } else if (seq >= r[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return agents.length == 0;
    }

    /** Number of ids in the set. */
    public long size() {
        long n = 0;
        for (long[] r : ranges) {
            for (int j = 0; j < r.length; j += 2) {
                n += r[j + 1] - r[j];
            }
        }
        return n;
    }

    /** Number of maximal ranges: what {@link #forEachRange} reports, and the delete ranges its update holds. */
    public int rangeCount() {
        int n = 0;
        for (long[] r : ranges) {
            n += r.length / 2;
        }
        return n;
    }

    /** The agents that have at least one id in the set, ascending. */
    public long[] agents() {
        return agents.clone();
    }

    /** Receives one maximal range {@code (agent, [start, end))} of a set. */
    @FunctionalInterface
    public interface RangeConsumer {
        void accept(long agent, long start, long end);
    }

    /** Calls {@code c} for every maximal range, by ascending agent then seq. */
    public void forEachRange(RangeConsumer c) {
        for (int i = 0; i < agents.length; i++) {
            long[] r = ranges[i];
            for (int j = 0; j < r.length; j += 2) {
                c.accept(agents[i], r[j], r[j + 1]);
            }
        }
    }

    /** The ids of this set that are not in {@code other}. */
    public IdSet minus(IdSet other) {
        Builder b = new Builder();
        forEachRange((a, s, e) -> {
            long cur = s;
            while (cur < e) {
                if (other.contains(a, cur)) {
                    cur++;
                    continue;
                }
                long stop = cur + 1;
                while (stop < e && !other.contains(a, stop)) {
                    stop++;
                }
                b.add(a, cur, stop);
                cur = stop;
            }
        });
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdSet s && Arrays.equals(agents, s.agents) && Arrays.deepEquals(ranges, s.ranges);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(agents) * 31 + Arrays.deepHashCode(ranges);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        forEachRange((a, s, e) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(a).append(":[").append(s).append(',').append(e).append(')');
        });
        return sb.append('}').toString();
    }

    /** Accumulates ranges in any order and builds a normalized {@link IdSet}. Mutable, single use. */
    public static final class Builder {
        /** Per agent, the added ranges as {@code [start, end]} pairs, not yet normalized; null while only one range was added. */
        private TreeMap<Long, List<long[]>> byAgent;
        /** Last range added, extended in place when the next add continues it (the common case). */
        private long[] last;
        private long lastAgent = -1;

        public Builder add(long agent, long start, long end) {
            if (agent < 0 || start < 0 || end < start) {
                throw new IllegalArgumentException("bad id range " + agent + ":[" + start + "," + end + ")");
            }
            if (start == end) {
                return this;
            }
            if (last != null && lastAgent == agent && last[1] == start) {
                last[1] = end;
                return this;
            }
            if (last != null && byAgent == null) {
                byAgent = new TreeMap<>();
                byAgent.computeIfAbsent(lastAgent, k -> new ArrayList<>()).add(last);
            }
            last = new long[]{start, end};
            lastAgent = agent;
            if (byAgent != null) {
                byAgent.computeIfAbsent(agent, k -> new ArrayList<>()).add(last);
            }
            return this;
        }

        public Builder addAll(IdSet s) {
            s.forEachRange(this::add);
            return this;
        }

        public boolean isEmpty() {
            return last == null;
        }

        public IdSet build() {
            if (last == null) {
                return EMPTY;
            }
            if (byAgent == null) {
                return new IdSet(new long[]{lastAgent}, new long[][]{{last[0], last[1]}});
            }
            long[] a = new long[byAgent.size()];
            long[][] r = new long[a.length][];
            int i = 0;
            for (var e : byAgent.entrySet()) {
                List<long[]> list = e.getValue();
                list.sort((x, y) -> Long.compare(x[0], y[0]));
                long[] out = new long[list.size() * 2];
                int n = 0;
                for (long[] x : list) {
                    if (n > 0 && x[0] <= out[n - 1]) {
                        out[n - 1] = Math.max(out[n - 1], x[1]);
                    } else {
                        out[n++] = x[0];
                        out[n++] = x[1];
                    }
                }
                a[i] = e.getKey();
                r[i] = Arrays.copyOf(out, n);
                i++;
            }
            return new IdSet(a, r);
        }
    }
}
