package dev.weft.client;

/** A failure talking to a relay: unreachable, refused, or a protocol violation. Its message is shown to users. */
public class RelayException extends RuntimeException {
    public RelayException(String message) {
        super(message);
    }

    public RelayException(String message, Throwable cause) {
        super(message, cause);
    }
}
