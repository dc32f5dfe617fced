package dev.weft.client;

import dev.weft.sync.ErrorCode;

/**
 * The relay answered with an {@code Error} message: a wrong secret, a read-only member sending an update, a limit
 * exceeded. {@link #code()} says which (see {@code docs/protocol.md}); the message is the relay's own text.
 */
public final class RelayRejectedException extends RelayException {
    /** The relay's error code; immutable. */
    private final ErrorCode code;

    public RelayRejectedException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The relay's error code. */
    public ErrorCode code() {
        return code;
    }
}
