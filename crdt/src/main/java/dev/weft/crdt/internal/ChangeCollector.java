package dev.weft.crdt.internal;

import dev.weft.crdt.TextChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates the positional changes one operation causes, coalescing an insert that continues the previous
 * insert and a delete at the same offset as the previous delete. Each change is relative to the text after the
 * previous one.
 */
final class ChangeCollector {
    private final List<TextChange> done = new ArrayList<>();
    /** The open change: kind 0 none, 1 insert (text in {@link #text}), 2 delete of {@link #len} units. */
    private int kind;
    private int offset;
    private int len;
    private final StringBuilder text = new StringBuilder();

    void insert(int off, char[] src, int from, int n) {
        if (kind == 1 && off == offset + text.length()) {
            text.append(src, from, n);
            return;
        }
        flush();
        kind = 1;
        offset = off;
        text.append(src, from, n);
    }

    void delete(int off, int n) {
        if (kind == 2 && off == offset) {
            len += n;
            return;
        }
        flush();
        kind = 2;
        offset = off;
        len = n;
    }

    private void flush() {
        if (kind == 1) {
            done.add(TextChange.insert(offset, text.toString()));
            text.setLength(0);
        } else if (kind == 2) {
            done.add(TextChange.delete(offset, len));
        }
        kind = 0;
    }

    List<TextChange> result() {
        flush();
        return done.isEmpty() ? List.of() : List.copyOf(done);
    }
}
