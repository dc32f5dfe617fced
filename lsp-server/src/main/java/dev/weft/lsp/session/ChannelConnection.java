package dev.weft.lsp.session;

import dev.weft.client.ConnectionState;
import dev.weft.client.SyncChannel;
import dev.weft.sync.Message;

/**
 * A room connection whose documents' traffic goes through one {@link SyncChannel} (the relay client, the direct
 * channel over it, or the LAN node): the channel methods delegate to it; subclasses add the lifecycle.
 */
abstract class ChannelConnection implements RoomConnector.RoomConnection {
    /** Where documents' messages go. Immutable reference. */
    private final SyncChannel documents;

    ChannelConnection(SyncChannel documents) {
        this.documents = documents;
    }

    @Override
    public boolean send(Message message) {
        return documents.send(message);
    }

    @Override
    public Hold holdSyncRequests() {
        return documents.holdSyncRequests();
    }

    @Override
    public ConnectionState state() {
        return documents.state();
    }

    @Override
    public boolean readOnly() {
        return documents.readOnly();
    }

    @Override
    public long clientId() {
        return documents.clientId();
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
