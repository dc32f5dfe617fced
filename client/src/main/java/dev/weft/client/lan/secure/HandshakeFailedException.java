package dev.weft.client.lan.secure;

import java.io.IOException;

/** The peer did not prove it holds the room's secret (or does not speak the LAN protocol); nothing was exchanged. */
public final class HandshakeFailedException extends IOException {
    public HandshakeFailedException(String message) {
        super(message);
    }
}
