package dev.weft.client.relay;

import dev.weft.client.RelayException;

/** The relay could not be reached (connection refused, DNS failure, timeout). Retrying later may succeed. */
public final class RelayUnreachableException extends RelayException {
    public RelayUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
