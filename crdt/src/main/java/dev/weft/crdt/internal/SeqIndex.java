package dev.weft.crdt.internal;

/**
 * One agent's id → item index: the items of that agent sorted by their first seq, so the item holding
 * {@code (agent, s)} is the entry with the greatest start {@code <= s}. Stored as chunks of at most
 * {@link #CHUNK} entries (binary search over chunk heads, then within the chunk), so lookup is O(log n) and an
 * insertion (from an item split) moves at most one chunk. New seqs are always the agent's largest, so the
 * common insertion is an append.
 */
final class SeqIndex {
    private static final int CHUNK = 256;

    /** {@code starts[c][0..counts[c])}: first seqs of the entries of chunk c, ascending; chunks are ordered. */
    private int[][] starts = new int[1][];
    /** {@code handles[c][i]} is the item whose first seq is {@code starts[c][i]}. */
    private int[][] handles = new int[1][];
    /** Entries used per chunk. */
    private int[] counts = new int[1];
    /** Number of chunks in use. */
    private int nChunks;
    /** Total entries. */
    private int size;

    /** Entries per chunk of an index built by {@link #ofSize}: 3/4 full, so later splits are cheap. */
    private static final int LOAD_PER_CHUNK = CHUNK * 3 / 4;

    /**
     * An index of {@code n} entries to be filled, in any order, by {@link #set} (a snapshot load knows each
     * entry's rank in seq order but meets the entries in document order). Until every rank is set the index is
     * not usable.
     */
    static SeqIndex ofSize(int n) {
        SeqIndex x = new SeqIndex();
        int chunks = Math.max(1, (n + LOAD_PER_CHUNK - 1) / LOAD_PER_CHUNK);
        x.starts = new int[chunks][];
        x.handles = new int[chunks][];
        x.counts = new int[chunks];
        for (int c = 0, left = n; c < chunks; c++) {
            int k = Math.min(LOAD_PER_CHUNK, left);
            int cap = Math.min(CHUNK, Math.max(8, k + k / 4));
            x.starts[c] = new int[cap];
            x.handles[c] = new int[cap];
            x.counts[c] = k;
            left -= k;
        }
        x.nChunks = n == 0 ? 0 : chunks;
        x.size = n;
        return x;
    }

    /**
     * Sets the entry of rank {@code k} (0-based, in seq order) of an index made by {@link #ofSize}, before any
     * {@link #insert}; the caller guarantees that ranks and starts agree (distinct starts, ascending with k).
     */
    void set(int k, int start, int handle) {
        int c = k / LOAD_PER_CHUNK, i = k - c * LOAD_PER_CHUNK;
        starts[c][i] = start;
        handles[c][i] = handle;
    }

    int size() {
        return size;
    }

    /** The item handle whose range may hold {@code seq} (greatest start {@code <= seq}), or -1 if none. */
    int find(int seq) {
        int lo = 0, hi = nChunks - 1, c = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid][0] <= seq) {
                c = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (c < 0) {
            return -1;
        }
        int[] st = starts[c];
        lo = 0;
        hi = counts[c] - 1;
        int best = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (st[mid] <= seq) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return handles[c][best];
    }

    /** Adds the entry {@code start → handle}; {@code start} must not be present yet. */
    void insert(int start, int handle) {
        if (nChunks == 0) {
            // start small: a document with many agents has many indexes with few entries each
            starts[0] = new int[8];
            handles[0] = new int[8];
            nChunks = 1;
        }
        int c = nChunks - 1;
        if (starts[c].length > 0 && counts[c] > 0 && start < starts[c][0]) {
            // not an append: find the chunk (last chunk whose head <= start, or chunk 0)
            int lo = 0, hi = nChunks - 1;
            c = 0;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (starts[mid][0] <= start) {
                    c = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
        }
        int n = counts[c];
        if (n == starts[c].length) {
            int cap = Math.min(CHUNK, n * 2);
            starts[c] = java.util.Arrays.copyOf(starts[c], cap);
            handles[c] = java.util.Arrays.copyOf(handles[c], cap);
        }
        int[] st = starts[c];
        int[] hd = handles[c];
        int pos;
        if (n == 0 || st[n - 1] < start) {
            pos = n;
        } else {
            int lo = 0, hi = n - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (st[mid] < start) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            pos = lo;
            if (pos < n && st[pos] == start) {
                throw new IllegalStateException("id index: seq " + start + " already indexed");
            }
        }
        System.arraycopy(st, pos, st, pos + 1, n - pos);
        System.arraycopy(hd, pos, hd, pos + 1, n - pos);
        st[pos] = start;
        hd[pos] = handle;
        counts[c] = n + 1;
        size++;
        if (counts[c] == CHUNK) {
            splitChunk(c);
        }
    }

    private void splitChunk(int c) {
        if (nChunks == starts.length) {
            int cap = nChunks * 2;
            starts = java.util.Arrays.copyOf(starts, cap);
            handles = java.util.Arrays.copyOf(handles, cap);
            counts = java.util.Arrays.copyOf(counts, cap);
        }
        System.arraycopy(starts, c + 1, starts, c + 2, nChunks - c - 1);
        System.arraycopy(handles, c + 1, handles, c + 2, nChunks - c - 1);
        System.arraycopy(counts, c + 1, counts, c + 2, nChunks - c - 1);
        int half = CHUNK / 2;
        int[] ns = new int[CHUNK], nh = new int[CHUNK];
        System.arraycopy(starts[c], half, ns, 0, CHUNK - half);
        System.arraycopy(handles[c], half, nh, 0, CHUNK - half);
        starts[c + 1] = ns;
        handles[c + 1] = nh;
        counts[c + 1] = CHUNK - half;
        counts[c] = half;
        nChunks++;
    }

    /** Receives index entries in seq order. */
    interface EntryConsumer {
        void accept(int start, int handle);
    }

    void forEach(EntryConsumer f) {
        for (int c = 0; c < nChunks; c++) {
            for (int i = 0; i < counts[c]; i++) {
                f.accept(starts[c][i], handles[c][i]);
            }
        }
    }

    long footprintBytes() {
        long b = 64;
        for (int c = 0; c < nChunks; c++) {
            b += starts[c].length * 8L;
        }
        return b;
    }
}
