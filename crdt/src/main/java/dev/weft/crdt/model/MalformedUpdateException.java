package dev.weft.crdt.model;

/**
 * Thrown when bytes given to the decoder are not a valid update (truncated, corrupt varint, unknown format
 * version, impossible id or length). The replica that was asked to apply them is unchanged.
 */
public class MalformedUpdateException extends RuntimeException {
    public MalformedUpdateException(String message) {
        super(message);
    }

    public MalformedUpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
