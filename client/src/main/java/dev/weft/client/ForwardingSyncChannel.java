package dev.weft.client;

import dev.weft.sync.Message;

/**
 * A {@link SyncChannel} that forwards every call to another channel, {@link #delegate}; subclasses override only
 * what they change (a direct link beside the relay sends some updates itself, a test channel goes offline on demand,
 * the language server adds a connection's lifecycle). {@link #holdSyncRequests()} is not forwarded: it keeps the
 * interface's default unless a subclass forwards it.
 */
public abstract class ForwardingSyncChannel implements SyncChannel {
    /** The channel calls go to; immutable. */
    protected final SyncChannel delegate;

    protected ForwardingSyncChannel(SyncChannel delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean send(Message message) {
        return delegate.send(message);
    }

    @Override
    public ConnectionState state() {
        return delegate.state();
    }

    @Override
    public boolean readOnly() {
        return delegate.readOnly();
    }

    @Override
    public long clientId() {
        return delegate.clientId();
    }

    @Override
    public void attach(String doc, Endpoint endpoint) {
        delegate.attach(doc, endpoint);
    }

    @Override
    public void detach(String doc, Endpoint endpoint) {
        delegate.detach(doc, endpoint);
    }
}
