package dev.weft.crdt.internal;

import java.util.Arrays;

/**
 * The agents a replica knows, each with a small local index (assigned in arrival order, so it differs between
 * replicas and never leaves the replica), its next seq, its id → item index and its inserted characters.
 */
final class Agents {
    /** Number of known agents; indexes {@code [0, n)} are valid. */
    int n;
    /** {@code ids[i]}: the global agent id of local index i. Immutable once assigned. */
    long[] ids = new long[4];
    /** {@code next[i]}: the agent's next seq = number of its characters integrated. Mutable, only grows. */
    int[] next = new int[4];
    /** {@code index[i]}: the agent's id → item index. */
    SeqIndex[] index = new SeqIndex[4];
    /**
     * {@code content[i][s]}: the UTF-16 unit the agent inserted with seq s ({@code s < next[i]}); garbage-collected
     * tombstones leave their units in place but they are never read or encoded. Mutable, grows by doubling.
     */
    char[][] content = new char[4][];
    /** Global id → local index. */
    private final LongIntMap byId = new LongIntMap();
    /** One-entry cache for {@link #find(long)}. */
    private long lastId = -1;
    private int lastIdx = -1;

    /** Local index of {@code id}, or -1 if unknown. */
    int find(long id) {
        if (id == lastId) {
            return lastIdx;
        }
        int i = byId.get(id);
        if (i < 0) {
            return -1;
        }
        lastId = id;
        lastIdx = i;
        return i;
    }

    /** Local index of {@code id}, registering it if new. */
    int intern(long id) {
        int i = find(id);
        if (i >= 0) {
            return i;
        }
        if (n == ids.length) {
            int c = n * 2;
            ids = Arrays.copyOf(ids, c);
            next = Arrays.copyOf(next, c);
            index = Arrays.copyOf(index, c);
            content = Arrays.copyOf(content, c);
        }
        i = n++;
        ids[i] = id;
        index[i] = new SeqIndex();
        content[i] = new char[16];
        byId.put(id, i);
        lastId = id;
        lastIdx = i;
        return i;
    }

    /** Stores {@code len} units at seqs {@code [seq, seq + len)} of agent {@code a}. */
    void putContent(int a, int seq, char[] src, int off, int len) {
        ensureContent(a, seq + len);
        if (src != null) {
            System.arraycopy(src, off, content[a], seq, len);
        }
    }

    void putContent(int a, int seq, String src) {
        ensureContent(a, seq + src.length());
        src.getChars(0, src.length(), content[a], seq);
    }

    void ensureContent(int a, int size) {
        char[] c = content[a];
        if (size > c.length) {
            content[a] = Arrays.copyOf(c, Math.max(size, c.length * 2));
        }
    }

    /** Trims every content buffer to its used size (after a bulk load, to keep the heap small). */
    void trimContent() {
        for (int i = 0; i < n; i++) {
            if (content[i].length > next[i]) {
                content[i] = Arrays.copyOf(content[i], next[i]);
            }
        }
    }
}
