package dev.weft.crdt.model;

/**
 * One positional change to a document's text: at UTF-16 {@code offset}, {@code deleteLength} code units were
 * removed and then {@code insertText} was inserted. Exactly one of the two parts is non-empty for changes the
 * CRDT reports. In a list of changes, each applies to the text produced by the previous one.
 */
public record TextChange(int offset, int deleteLength, String insertText) {
    public static TextChange insert(int offset, String text) {
        return new TextChange(offset, 0, text);
    }

    public static TextChange delete(int offset, int length) {
        return new TextChange(offset, length, "");
    }

    public boolean isInsert() {
        return !insertText.isEmpty();
    }
}
