package dev.weft.client;

import dev.weft.sync.Message;

/**
 * What a {@link SharedDocument} needs from its connection: sending messages and receiving the messages and
 * connection events of one document. {@link RelayClient} is the real implementation; tests substitute an
 * in-memory relay.
 */
public interface SyncChannel {

    /**
     * Sends a message if the channel is connected and admitted to its room.
     *
     * @return false if it was not sent (not connected); the caller relies on the next sync to catch up
     */
    boolean send(Message message);

    /** Current connection state. */
    ConnectionState state();

    /** True if the room admitted this member read-only (its updates would be refused). */
    boolean readOnly();

    /** This member's client id (the awareness id others see). */
    long clientId();

    /**
     * Routes the messages and connection events of document {@code doc} to {@code endpoint}. If the channel is
     * connected already, {@link Endpoint#onConnected()} is called right away.
     *
     * @throws IllegalStateException if another endpoint is attached for that document
     */
    void attach(String doc, Endpoint endpoint);

    /** Stops routing {@code doc} to {@code endpoint} (no-op if another endpoint or none is attached). */
    void detach(String doc, Endpoint endpoint);

    /**
     * Groups the SyncRequests sent until the returned scope closes into as few messages as the channel allows (for a
     * caller opening many documents at once; see {@link dev.weft.client.relay.RelayClient#holdSyncRequests()}).
     * Default: nothing to group, the scope does nothing.
     */
    default Hold holdSyncRequests() {
        return () -> { };
    }

    /** A {@link #holdSyncRequests()} scope; closing it more than once has no further effect. */
    interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /** Receiver of one document's traffic; called on the channel's event thread, must not block. */
    interface Endpoint {
        /** The channel was (re)admitted to the room: start the sync of this document. */
        void onConnected();

        /** The connection was lost; messages sent from now on are dropped until the next {@link #onConnected()}. */
        void onDisconnected();

        /** A message about this document (SyncReply, Update, Ack, Awareness, SyncRequest, Error). */
        void onMessage(Message message);
    }
}
