package dev.weft.client.workspace;

import dev.weft.client.ConnectionState;
import dev.weft.client.ForwardingSyncChannel;
import dev.weft.client.SyncChannel;
import dev.weft.sync.Message;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SyncChannel} over a real one that the test can take offline and back: offline, sends are dropped and
 * every document sees {@code onDisconnected}; back online, they see {@code onConnected} and resync, as after a
 * network outage. Incoming messages while offline are dropped too.
 */
final class SwitchableChannel extends ForwardingSyncChannel {
    /** Our endpoints by document (the wrappers attached to {@link #delegate} forward only while online). */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    /** The wrapper attached to {@link #delegate} for each document. */
    private final Map<String, Endpoint> wrappers = new ConcurrentHashMap<>();
    private volatile boolean online = true;

    /** @param inner the real connection */
    SwitchableChannel(SyncChannel inner) {
        super(inner);
    }

    synchronized void setOnline(boolean on) {
        if (on == online) {
            return;
        }
        online = on;
        boolean connected = delegate.state() == ConnectionState.CONNECTED;
        for (Endpoint e : endpoints.values()) {
            if (!on) {
                e.onDisconnected();
            } else if (connected) {
                e.onConnected();
            }
        }
    }

    @Override
    public boolean send(Message message) {
        return online && delegate.send(message);
    }

    @Override
    public ConnectionState state() {
        return online ? delegate.state() : ConnectionState.RECONNECTING;
    }

    @Override
    public void attach(String doc, Endpoint endpoint) {
        endpoints.put(doc, endpoint);
        Endpoint wrapper = new Endpoint() {
            @Override
            public void onConnected() {
                if (online) {
                    endpoint.onConnected();
                }
            }

            @Override
            public void onDisconnected() {
                if (online) {
                    endpoint.onDisconnected();
                }
            }

            @Override
            public void onMessage(Message message) {
                if (online) {
                    endpoint.onMessage(message);
                }
            }
        };
        wrappers.put(doc, wrapper);
        delegate.attach(doc, wrapper);
    }

    @Override
    public void detach(String doc, Endpoint endpoint) {
        if (endpoints.remove(doc, endpoint)) {
            Endpoint wrapper = wrappers.remove(doc);
            if (wrapper != null) {
                delegate.detach(doc, wrapper);
            }
        }
    }
}
