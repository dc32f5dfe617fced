package dev.weft.lsp.session;

import dev.weft.client.ConnectionStateListener;
import dev.weft.client.direct.DirectChannel;
import dev.weft.client.relay.RelayClient;
import dev.weft.sync.Message;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A member connection through the real relay ({@link RelayClient}), optionally with direct links beside it
 * ({@link DirectChannel}, docs/protocol.md "Direct connections"): documents' traffic goes through the direct channel
 * when there is one (it sends every update to the relay too), room-level traffic and lifecycle through the relay.
 */
final class RelayConnection extends ChannelConnection {
    /** The relay client; immutable reference. */
    private final RelayClient relay;
    /** Direct links over {@link #relay}, or null for relay only; immutable reference. */
    private final DirectChannel direct;

    /** Documents' traffic goes through {@code direct} if present, else {@code relay}. */
    private RelayConnection(RelayClient relay, DirectChannel direct) {
        super(direct != null ? direct : relay);
        this.relay = relay;
        this.direct = direct;
    }

    /** A connection through {@code relay}, with direct links beside it if {@code direct}. */
    static RelayConnection of(RelayClient relay, boolean direct) {
        return new RelayConnection(relay, direct ? DirectChannel.over(relay) : null);
    }

    @Override
    public CompletableFuture<Message.Welcome> connect() {
        return relay.connect();
    }

    @Override
    public Message.Welcome welcome() {
        return relay.welcome();
    }

    @Override
    public String userName() {
        return relay.options().userName();
    }

    @Override
    public String color() {
        return relay.options().color();
    }

    @Override
    public void addStateListener(ConnectionStateListener l) {
        relay.addStateListener(l);
    }

    @Override
    public void addMessageListener(Consumer<Message> l) {
        relay.addMessageListener(l);
    }

    @Override
    public Transport transport() {
        return direct != null ? Transport.DIRECT : Transport.RELAY;
    }

    @Override
    public int directPeers() {
        return direct == null ? 0 : direct.directPeers().size();
    }

    /** Closes the direct links (if any) and the relay connection. */
    @Override
    public void close() {
        if (direct != null) {
            direct.close(); // closes the relay connection too
        } else {
            relay.close();
        }
    }

    @Override
    public Hold holdSyncRequests() {
        // SyncRequests always go to the relay (the direct channel forwards them unchanged).
        return relay.holdSyncRequests();
    }
}
