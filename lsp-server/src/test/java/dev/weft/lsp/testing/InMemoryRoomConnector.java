package dev.weft.lsp.testing;

import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.testing.InMemoryRelay;
import dev.weft.lsp.session.RoomConnector;
import java.net.URI;

/**
 * The session's {@link RoomConnector} over the client's in-memory relay (the one relay double of the tests; see
 * {@link InMemoryRelay} for why a double): rooms are created on {@link #relay()} whatever relay URL the session
 * names, and each connection is an {@link InMemoryRelay.Member}.
 */
public final class InMemoryRoomConnector implements RoomConnector {
    /** The relay every room of this connector lives on; immutable. */
    private final InMemoryRelay relay;

    public InMemoryRoomConnector(InMemoryRelay relay) {
        this.relay = relay;
    }

    public InMemoryRelay relay() {
        return relay;
    }

    @Override
    public RoomCredentials createRoom(URI relayUrl) {
        return relay.createRoom();
    }

    @Override
    public RoomConnection open(InviteLink link, String user, String color) {
        return new Connection(relay, link, user, color);
    }

    /** A member of the in-memory relay, seen by the session as a {@link RoomConnection}. */
    private static final class Connection extends InMemoryRelay.Member implements RoomConnection {
        Connection(InMemoryRelay relay, InviteLink link, String user, String color) {
            relay.super(link, user, color, (long) (Math.random() * (1L << 50)));
        }
    }
}
