package dev.weft.client.workspace;

import dev.weft.client.SyncChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Spreads a workspace's documents over several connections to the same room, at most {@link #docsPerChannel} each:
 * a relay limits how many documents one connection may sync ({@code --max-docs-per-connection}, default 1000, and a
 * per-connection message rate), and a folder of thousands of files needs more. Thread-safe.
 */
public final class ChannelPool implements AutoCloseable {
    /** Makes (and starts connecting) one more connection to the room; immutable. */
    private final Supplier<SyncChannel> factory;
    /** Documents per connection; immutable. */
    private final int docsPerChannel;
    /** Open connections, in creation order; guarded by this. */
    private final List<SyncChannel> channels = new ArrayList<>();
    /** Documents assigned to the last connection; guarded by this. */
    private int assignedToLast;
    /** Open {@link #holdSyncRequests()} scopes; guarded by this. */
    private final List<PoolHold> holds = new ArrayList<>();

    /**
     * @param first          a connection already made (e.g. the one whose Welcome was awaited), used first
     * @param factory        makes further connections to the same room
     * @param docsPerChannel documents per connection, ≥ 1
     */
    public ChannelPool(SyncChannel first, Supplier<SyncChannel> factory, int docsPerChannel) {
        if (docsPerChannel < 1) {
            throw new IllegalArgumentException("docsPerChannel must be ≥ 1, got " + docsPerChannel);
        }
        this.factory = factory;
        this.docsPerChannel = docsPerChannel;
        channels.add(first);
    }

    /** The connection the next document should use (opens a new one when the current is full). */
    public synchronized SyncChannel next() {
        if (assignedToLast >= docsPerChannel) {
            SyncChannel c = factory.get();
            channels.add(c);
            assignedToLast = 0;
            for (PoolHold h : holds) {
                h.parts.add(c.holdSyncRequests());
            }
        }
        assignedToLast++;
        return channels.get(channels.size() - 1);
    }

    /**
     * Holds the SyncRequests of every connection of the pool, including those it opens while the scope is open
     * ({@link SyncChannel#holdSyncRequests()}): documents opened together (a share's or a join's thousands of files)
     * start their sync as a few batched exchanges instead of one request each. Scopes nest.
     */
    public synchronized SyncChannel.Hold holdSyncRequests() {
        PoolHold h = new PoolHold();
        for (SyncChannel c : channels) {
            h.parts.add(c.holdSyncRequests());
        }
        holds.add(h);
        return h;
    }

    /** One {@link #holdSyncRequests()} scope: the holds it took on each connection. */
    private final class PoolHold implements SyncChannel.Hold {
        /** One hold per connection; guarded by the pool. */
        final List<SyncChannel.Hold> parts = new ArrayList<>();

        @Override
        public void close() {
            synchronized (ChannelPool.this) {
                if (!holds.remove(this)) {
                    return;
                }
                parts.forEach(SyncChannel.Hold::close);
                parts.clear();
            }
        }
    }

    /** The first connection (role, client id). */
    public synchronized SyncChannel first() {
        return channels.get(0);
    }

    public synchronized List<SyncChannel> all() {
        return List.copyOf(channels);
    }

    /** Closes every connection that is {@link AutoCloseable}. */
    @Override
    public void close() {
        for (SyncChannel c : all()) {
            if (c instanceof AutoCloseable a) {
                try {
                    a.close();
                } catch (Exception e) {
                    // closing on the way out: nothing more to do
                }
            }
        }
    }
}
