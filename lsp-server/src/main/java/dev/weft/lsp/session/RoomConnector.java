package dev.weft.lsp.session;

import dev.weft.client.ConnectionStateListener;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.relay.RoomApi;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.SyncChannel;
import dev.weft.sync.Message;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * How the session reaches rooms: creating one on a relay and connecting to one. Production uses the relay over
 * HTTP and Socket.IO ({@link #RELAY}); in-process tests substitute an in-memory relay.
 */
public interface RoomConnector {
    /** Creates a room on the relay at {@code relay} (HTTP {@code POST /api/rooms}). */
    RoomCredentials createRoom(URI relay);

    /** A not-yet-connected member connection for {@code link}, presenting {@code user} and {@code color}. */
    RoomConnection open(InviteLink link, String user, String color);

    /**
     * As {@link #open(InviteLink, String, String)}, failing over between {@code link.relay()} and {@code fallbacks}
     * (nodes of one relay cluster). Connectors without several relays ignore the fallbacks.
     */
    default RoomConnection open(InviteLink link, List<URI> fallbacks, String user, String color) {
        return open(link, user, color);
    }

    /** One member's connection to a room: a {@link SyncChannel} plus lifecycle. */
    interface RoomConnection extends SyncChannel {
        /** Starts connecting; completes with the first Welcome (see {@link RelayClient#connect()}). */
        CompletableFuture<Message.Welcome> connect();

        /** The latest Welcome, or null before the first. */
        Message.Welcome welcome();

        String userName();

        String color();

        void addStateListener(ConnectionStateListener l);

        /** Messages not routed to a document (Welcome, DocAdded, …). */
        void addMessageListener(Consumer<Message> l);

        void close();

        /** How this connection reaches the room (for status). */
        default Transport transport() {
            return Transport.RELAY;
        }

        /** Members linked directly right now ({@link Transport#DIRECT} only; 0 otherwise). */
        default int directPeers() {
            return 0;
        }

        /** The TCP port of this member's LAN node ({@link Transport#LAN} only; 0 otherwise). */
        default int lanPort() {
            return 0;
        }
    }

    /**
     * As {@link #open(InviteLink, List, String, String)} with direct links to the members that can be reached
     * (docs/protocol.md, "Direct connections"); the relay stays the rendezvous and the durable copy.
     *
     * @throws UnsupportedOperationException if this connector has no direct links (in-memory relays)
     */
    default RoomConnection openDirect(InviteLink link, List<URI> fallbacks, String user, String color) {
        throw new UnsupportedOperationException("direct links need the real relay transport");
    }

    /** The real relay: {@link RoomApi} and {@link RelayClient} ({@link RelayConnection}). */
    RoomConnector RELAY = new RoomConnector() {
        @Override
        public RoomCredentials createRoom(URI relay) {
            return new RoomApi(relay).createRoom();
        }

        @Override
        public RoomConnection open(InviteLink link, String user, String color) {
            return open(link, List.of(), user, color);
        }

        @Override
        public RoomConnection open(InviteLink link, List<URI> fallbacks, String user, String color) {
            return RelayConnection.of(new RelayClient(RelayClient.Options.of(link).withUser(user, color), fallbacks),
                    false);
        }

        @Override
        public RoomConnection openDirect(InviteLink link, List<URI> fallbacks, String user, String color) {
            return RelayConnection.of(new RelayClient(RelayClient.Options.of(link).withUser(user, color), fallbacks),
                    true);
        }
    };

}
