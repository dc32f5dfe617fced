package dev.weft.crdt.model;

import java.util.Arrays;

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
        /** The ranges added so far, as parallel arrays: agent, start and end of range {@code i < n}; not normalized. */
        private long[] agent = new long[4], start = new long[4], end = new long[4];
        /** Number of ranges held; the last one is extended in place when the next add continues it. */
        private int n;
        /** True while the held ranges are in ascending (agent, start) order, so {@link #build} need not sort. */
        private boolean sorted = true;

        public Builder add(long agent, long start, long end) {
            if (agent < 0 || start < 0 || end < start) {
                throw new IllegalArgumentException("bad id range " + agent + ":[" + start + "," + end + ")");
            }
            if (start == end) {
                return this;
            }
            int last = n - 1;
            if (last >= 0 && this.agent[last] == agent && this.end[last] == start) {
                this.end[last] = end;
                return this;
            }
            if (n == this.agent.length) {
                this.agent = Arrays.copyOf(this.agent, n * 2);
                this.start = Arrays.copyOf(this.start, n * 2);
                this.end = Arrays.copyOf(this.end, n * 2);
            }
            if (last >= 0 && (agent < this.agent[last] || agent == this.agent[last] && start < this.start[last])) {
                sorted = false;
            }
            this.agent[n] = agent;
            this.start[n] = start;
            this.end[n] = end;
            n++;
            return this;
        }

        public Builder addAll(IdSet s) {
            s.forEachRange(this::add);
            return this;
        }

        public boolean isEmpty() {
            return n == 0;
        }

        /** The set of every id added: per agent, the ranges sorted and merged where they overlap or touch. */
        public IdSet build() {
            if (n == 0) {
                return EMPTY;
            }
            if (n == 1) {
                return new IdSet(new long[]{agent[0]}, new long[][]{{start[0], end[0]}});
            }
            if (!sorted) {
                sortByAgentAndStart(0, n - 1);
                sorted = true;
            }
            int agents = 1;
            for (int i = 1; i < n; i++) {
                if (agent[i] != agent[i - 1]) {
                    agents++;
                }
            }
            long[] a = new long[agents];
            long[][] r = new long[agents][];
            int i = 0;
            for (int k = 0; k < agents; k++) {
                long ag = agent[i];
                int j = i;
                while (j < n && agent[j] == ag) {
                    j++;
                }
                long[] out = new long[(j - i) * 2];
                int m = 0;
                for (int x = i; x < j; x++) {
                    if (m > 0 && start[x] <= out[m - 1]) {
                        out[m - 1] = Math.max(out[m - 1], end[x]);
                    } else {
                        out[m++] = start[x];
                        out[m++] = end[x];
                    }
                }
                a[k] = ag;
                r[k] = m == out.length ? out : Arrays.copyOf(out, m);
                i = j;
            }
            return new IdSet(a, r);
        }

        /** Sorts ranges {@code lo..hi} (inclusive) by (agent, start): quicksort, insertion sort below 16. */
        private void sortByAgentAndStart(int lo, int hi) {
            while (hi - lo >= 16) {
                int mid = (lo + hi) >>> 1;
                long pa = agent[mid], ps = start[mid];
                int i = lo, j = hi;
                while (i <= j) {
                    while (before(i, pa, ps)) {
                        i++;
                    }
                    while (after(j, pa, ps)) {
                        j--;
                    }
                    if (i <= j) {
                        swap(i++, j--);
                    }
                }
                // recurse into the smaller half, loop on the larger: stack depth O(log n)
                if (j - lo < hi - i) {
                    sortByAgentAndStart(lo, j);
                    lo = i;
                } else {
                    sortByAgentAndStart(i, hi);
                    hi = j;
                }
            }
            for (int i = lo + 1; i <= hi; i++) {
                for (int j = i; j > lo && before(j, agent[j - 1], start[j - 1]); j--) {
                    swap(j, j - 1);
                }
            }
        }

        private boolean before(int i, long a, long s) {
            return agent[i] < a || agent[i] == a && start[i] < s;
        }

        private boolean after(int i, long a, long s) {
            return agent[i] > a || agent[i] == a && start[i] > s;
        }

        private void swap(int i, int j) {
            long t = agent[i];
            agent[i] = agent[j];
            agent[j] = t;
            t = start[i];
            start[i] = start[j];
            start[j] = t;
            t = end[i];
            end[i] = end[j];
            end[j] = t;
        }
    }
}
