package dev.weft.client.lan.secure;

import java.io.IOException;

/**
 * A frame failed authentication (tampered, replayed, reordered or forged) or is over the size limit; the channel is
 * closed when this is thrown.
 */
public final class FrameRejectedException extends IOException {
    public FrameRejectedException(String message) {
        super(message);
    }
}
