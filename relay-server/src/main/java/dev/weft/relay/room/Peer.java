package dev.weft.relay.room;

/** The sending side of one client connection, as the room logic sees it. Implementations are thread-safe. */
public interface Peer {
    /** Queues an encoded message (see {@link Outgoing}) for the client; never blocks; dropped if closed. */
    void send(Outgoing message);

    /** Closes the connection (after the messages already queued). */
    void close();

    /** A short description for logs (session id and remote address). */
    String describe();

    /** The client's address (host only), the key of per-address log limits. */
    default String address() {
        return describe();
    }
}
