package dev.weft.client.paths;

/** A workspace-relative path that must never be read or written (see {@link PathValidator}). */
public final class BadPathException extends RuntimeException {
    public BadPathException(String message) {
        super(message);
    }
}
