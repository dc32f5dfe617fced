package dev.weft.relay.rendezvous;

import dev.weft.sync.Message;

/**
 * A joined member of a room as the rendezvous sees it (the room's session implements it, so this package does not
 * depend on the room package). All methods are called on the room's executor.
 */
public interface DirectMember {
    /** The client id from the member's Hello. */
    long directClientId();

    /** True if the member joined with the editor secret. */
    boolean directEditor();

    /** Sends {@code message} to the member. */
    void send(Message message);

    /** The member's direct links as announced to the relay. */
    DirectRoutes directRoutes();
}
