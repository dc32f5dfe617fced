package dev.weft.relay.store;

/** A storage operation failed; nothing of the failed batch is durable. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
