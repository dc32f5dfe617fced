package dev.weft.client.workspace.tree;

/** How a file's content is shared. */
public enum FileKind {
    /** Valid UTF-8 without NUL: a CRDT text document, merged character by character. */
    TEXT('t'),
    /** Anything else: whole immutable blobs, last writer wins. */
    BINARY('b');

    /** The letter in a tree line; immutable. */
    final char code;

    FileKind(char code) {
        this.code = code;
    }

    static FileKind of(String code) {
        return switch (code) {
            case "t" -> TEXT;
            case "b" -> BINARY;
            default -> throw new MalformedTreeLineException("unknown file kind '" + code + "'");
        };
    }
}
