package dev.weft.client.cli;

/** A trace file that cannot be read or is not a sequential editing trace; the message names the problem. */
public final class BadTraceException extends RuntimeException {
    public BadTraceException(String message) {
        super(message);
    }

    public BadTraceException(String message, Throwable cause) {
        super(message, cause);
    }
}
