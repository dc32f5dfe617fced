package dev.weft.lsp.session;

import dev.weft.client.ForwardingSyncChannel;
import dev.weft.client.SyncChannel;

/**
 * A room connection whose documents' traffic goes through one {@link SyncChannel} (the relay client, the direct
 * channel over it, or the LAN node): every channel method, {@link #holdSyncRequests()} included, goes to it;
 * subclasses add the lifecycle.
 */
abstract class ChannelConnection extends ForwardingSyncChannel implements RoomConnector.RoomConnection {
    ChannelConnection(SyncChannel documents) {
        super(documents);
    }

    @Override
    public Hold holdSyncRequests() {
        return delegate.holdSyncRequests();
    }
}
