package dev.weft.lsp.session;

import dev.weft.client.ConnectionState;
import dev.weft.client.ConnectionStateListener;
import dev.weft.client.SyncChannel;
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
final class RelayConnection implements RoomConnector.RoomConnection {
    /** The relay client; immutable reference. */
    private final RelayClient relay;
    /** Direct links over {@link #relay}, or null for relay only; immutable reference. */
    private final DirectChannel direct;
    /** Where documents' messages go: {@link #direct} if present, else {@link #relay}. Immutable reference. */
    private final SyncChannel documents;

    RelayConnection(RelayClient relay, boolean direct) {
        this.relay = relay;
        this.direct = direct ? DirectChannel.over(relay) : null;
        this.documents = this.direct != null ? this.direct : relay;
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
    public boolean send(Message message) {
        return documents.send(message);
    }

    @Override
    public Hold holdSyncRequests() {
        // SyncRequests always go to the relay (the direct channel forwards them unchanged).
        return relay.holdSyncRequests();
    }

    @Override
    public ConnectionState state() {
        return relay.state();
    }

    @Override
    public boolean readOnly() {
        return relay.readOnly();
    }

    @Override
    public long clientId() {
        return relay.clientId();
    }

    @Override
    public void attach(String doc, Endpoint endpoint) {
        documents.attach(doc, endpoint);
    }

    @Override
    public void detach(String doc, Endpoint endpoint) {
        documents.detach(doc, endpoint);
    }
}
