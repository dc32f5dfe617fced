package dev.weft.lsp.binding;

import java.util.List;

/**
 * The unit in which an LSP {@code Position.character} counts columns, as negotiated in {@code initialize}
 * ({@code general.positionEncodings} → {@code capabilities.positionEncoding}).
 *
 * <p>The server stores text as Java strings (UTF-16 code units, like the CRDT); these constants convert a column
 * in the negotiated unit to a UTF-16 offset within a line and back.
 */
public enum PositionEncoding {
    /** Columns count UTF-8 bytes. */
    UTF8("utf-8"),
    /** Columns count UTF-16 code units (the LSP default). */
    UTF16("utf-16"),
    /** Columns count Unicode code points. */
    UTF32("utf-32");

    /** The LSP name of the encoding, e.g. {@code "utf-16"}. Immutable. */
    public final String lspName;

    PositionEncoding(String lspName) {
        this.lspName = lspName;
    }

    /**
     * Picks the encoding for a session: the first one the client lists that the server supports (all three are),
     * or UTF-16 when the client lists none (the LSP rule: UTF-16 is mandatory and the default).
     */
    public static PositionEncoding negotiate(List<String> offered) {
        if (offered != null) {
            for (String name : offered) {
                for (PositionEncoding e : values()) {
                    if (e.lspName.equalsIgnoreCase(name)) {
                        return e;
                    }
                }
            }
        }
        return UTF16;
    }

    /**
     * The UTF-16 offset, relative to {@code from}, reached by advancing {@code column} units of this encoding
     * through {@code text[from, to)}. A column past the end clamps to {@code to}; a column that falls inside a
     * character (e.g. between the two halves of a surrogate pair, or inside a multi-byte UTF-8 sequence) rounds
     * down to that character's start, so an edit never splits a character.
     */
    public int advance(CharSequence text, int from, int to, int column) {
        if (column <= 0) {
            return 0;
        }
        int i = from;
        int units = 0;
        while (i < to) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1));
            int cpLen16 = pair ? 2 : 1;
            int width = switch (this) {
                case UTF16 -> cpLen16;
                case UTF32 -> 1;
                case UTF8 -> pair ? 4 : (c < 0x80 ? 1 : c < 0x800 ? 2 : 3);
            };
            if (units + width > column) {
                return i - from;
            }
            units += width;
            i += cpLen16;
            if (units == column) {
                return i - from;
            }
        }
        return to - from;
    }

    /** The number of units of this encoding in {@code text[from, to)}. */
    public int measure(CharSequence text, int from, int to) {
        if (this == UTF16) {
            return to - from;
        }
        int units = 0;
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1));
            units += switch (this) {
                case UTF32 -> 1;
                case UTF8 -> pair ? 4 : (c < 0x80 ? 1 : c < 0x800 ? 2 : 3);
                default -> throw new AssertionError();
            };
            i += pair ? 2 : 1;
        }
        return units;
    }
}
