package dev.weft.client.workspace.tree;

/** A line of the tree log that is not a valid {@link TreeEvent}; the resolver skips it (and logs it). */
public final class MalformedTreeLineException extends RuntimeException {
    public MalformedTreeLineException(String message) {
        super(message);
    }
}
