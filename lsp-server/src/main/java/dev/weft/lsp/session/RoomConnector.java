package dev.weft.lsp.session;

import dev.weft.client.ConnectionStateListener;
import dev.weft.client.ForwardingSyncChannel;
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
    }

    /** The real relay: {@link RoomApi} and {@link RelayClient}. */
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
            RelayClient rc = new RelayClient(RelayClient.Options.of(link).withUser(user, color), fallbacks);
            return new RelayConnection(rc);
        }
    };

    /** A {@link RelayClient} as a {@link RoomConnection}. */
    final class RelayConnection extends ForwardingSyncChannel implements RoomConnection {
        private final RelayClient rc;

        RelayConnection(RelayClient rc) {
            super(rc);
            this.rc = rc;
        }

        @Override
        public CompletableFuture<Message.Welcome> connect() {
            return rc.connect();
        }

        @Override
        public Message.Welcome welcome() {
            return rc.welcome();
        }

        @Override
        public String userName() {
            return rc.options().userName();
        }

        @Override
        public String color() {
            return rc.options().color();
        }

        @Override
        public void addStateListener(ConnectionStateListener l) {
            rc.addStateListener(l);
        }

        @Override
        public void addMessageListener(Consumer<Message> l) {
            rc.addMessageListener(l);
        }

        @Override
        public void close() {
            rc.close();
        }

        @Override
        public Hold holdSyncRequests() {
            return rc.holdSyncRequests();
        }
    }
}
