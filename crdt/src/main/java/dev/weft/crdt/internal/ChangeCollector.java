package dev.weft.crdt.internal;

import dev.weft.crdt.model.TextChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates the positional changes one operation causes, coalescing an insert that continues the previous
 * insert and a delete at the same offset as the previous delete. Each change is relative to the text after the
 * previous one.
 */
final class ChangeCollector {
    /** Changes already closed; null until a second change opens (most operations cause exactly one). */
    private List<TextChange> done;
    /** The first closed change, kept outside {@link #done} to avoid allocating a list. */
    private TextChange first;
    /** The open change: kind 0 none, 1 insert (text in {@link #text}), 2 delete of {@link #len} units. */
    private int kind;
    private int offset;
    private int len;
    /** Text of an open insert that grew by appending; null while the insert is a single slice. */
    private StringBuilder text;
    /** An open insert's single slice: {@code src[from .. from + len)}. */
    private char[] src;
    private int from;

    void insert(int off, char[] src, int from, int n) {
        if (kind == 1 && off == offset + len) {
            if (text == null) {
                text = new StringBuilder(len + n + 16);
                text.append(this.src, this.from, len);
            }
            text.append(src, from, n);
            len += n;
            return;
        }
        flush();
        kind = 1;
        offset = off;
        this.src = src;
        this.from = from;
        len = n;
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
        TextChange c;
        if (kind == 1) {
            c = TextChange.insert(offset, text != null ? text.toString() : new String(src, from, len));
            text = null;
            src = null;
        } else if (kind == 2) {
            c = TextChange.delete(offset, len);
        } else {
            return;
        }
        kind = 0;
        if (first == null) {
            first = c;
        } else {
            if (done == null) {
                done = new ArrayList<>();
                done.add(first);
            }
            done.add(c);
        }
    }

    /** The changes, unmodifiable. */
    List<TextChange> result() {
        flush();
        if (done != null) {
            return java.util.Collections.unmodifiableList(done);
        }
        return first == null ? List.of() : List.of(first);
    }
}
