package dev.weft.relay.store;

/**
 * The database lost acknowledged data or failed its integrity check; the relay refuses to serve from it (see
 * docs/relay.md, "Integrity", for how to restore).
 */
public final class StoreLossException extends StoreException {
    public StoreLossException(String message) {
        super(message, null);
    }
}
