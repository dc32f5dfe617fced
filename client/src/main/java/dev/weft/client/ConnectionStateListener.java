package dev.weft.client;

/** Receives every state change of a {@link RelayClient}, on the Socket.IO event thread; must not block. */
@FunctionalInterface
public interface ConnectionStateListener {
    /**
     * Called once per change, in order.
     *
     * @param state the new state
     * @param cause why the connection was lost or refused (null for {@link ConnectionState#CONNECTED} and for
     *              a caller-requested close)
     */
    void onStateChanged(ConnectionState state, RelayException cause);
}
