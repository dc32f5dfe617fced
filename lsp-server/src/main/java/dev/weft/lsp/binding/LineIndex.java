package dev.weft.lsp.binding;

import org.eclipse.lsp4j.Position;

import java.util.Arrays;

/**
 * The line structure of one immutable text: converts LSP positions (line, column in a {@link PositionEncoding})
 * to UTF-16 offsets and back.
 *
 * <p>Lines end with {@code \n}, {@code \r\n} or {@code \r} (all three, as LSP specifies); a {@code \r\n} pair is
 * one line break, so no position can fall between its two characters. Out-of-range positions clamp: a column past
 * the end of its line means the line's end (before its line break), a line past the last line means the end of
 * the text.
 */
public final class LineIndex {
    /** The text indexed. Immutable. */
    private final String text;
    /** UTF-16 offset of the first character of each line; {@code lineStarts[0] == 0}. Immutable. */
    private final int[] lineStarts;

    public LineIndex(String text) {
        this.text = text;
        int[] starts = new int[16];
        int n = 1;
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < len && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, n);
    }

    public String text() {
        return text;
    }

    public int lineCount() {
        return lineStarts.length;
    }

    /** UTF-16 offset of the end of line {@code line}'s content (before its line break). */
    public int lineContentEnd(int line) {
        int end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length();
        if (end > lineStarts[line] && text.charAt(end - 1) == '\n') {
            end--;
        }
        if (end > lineStarts[line] && text.charAt(end - 1) == '\r') {
            end--;
        }
        return end;
    }

    /** The UTF-16 offset of {@code pos}, clamped into the text as the class comment describes. */
    public int offsetOf(Position pos, PositionEncoding encoding) {
        int line = pos.getLine();
        if (line < 0) {
            return 0;
        }
        if (line >= lineStarts.length) {
            return text.length();
        }
        int start = lineStarts[line];
        int end = lineContentEnd(line);
        return start + encoding.advance(text, start, end, pos.getCharacter());
    }

    /** The LSP position of UTF-16 {@code offset} (clamped to {@code [0, length]}). */
    public Position positionOf(int offset, PositionEncoding encoding) {
        int off = Math.max(0, Math.min(offset, text.length()));
        int line = Arrays.binarySearch(lineStarts, off);
        if (line < 0) {
            line = -line - 2;
        }
        int start = lineStarts[line];
        // An offset between \r and \n belongs to the end of the line's content.
        int col = encoding.measure(text, start, Math.min(off, lineContentEnd(line)));
        return new Position(line, col);
    }
}
