package dev.weft.client;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory relay following {@code docs/protocol.md} for one room, with fault switches: crash (lose what is
 * not durable and drop every connection), withhold acks, refuse updates as rate-limited. Messages are handled
 * synchronously on the sender's thread; replies go to the receiving endpoint, which hands them to its executor.
 */
final class FakeRelay {
    /** Agent of the relay's own replicas; it never edits. */
    private static final long RELAY_AGENT = (1L << 53) - 1;

    private final Map<String, TextDocument> replicas = new HashMap<>();
    /** Durable state per document (what survives {@link #crash()}). */
    private final Map<String, byte[]> durable = new HashMap<>();
    private final List<Connection> connections = new ArrayList<>();
    /** Durable writes happen but acks are not sent (as if the relay died right after the commit). */
    boolean withholdAcks;
    /** Updates are applied and forwarded but not written durably nor acked. */
    boolean notDurable;
    /** The next N updates are refused with RATE_LIMITED. */
    int rateLimitNext;
    /** Every message clients sent, for assertions. */
    final List<Message> received = new ArrayList<>();

    /** A new member connection (initially disconnected). */
    synchronized Connection newConnection(long clientId, boolean readOnly) {
        Connection c = new Connection(clientId, readOnly);
        connections.add(c);
        return c;
    }

    synchronized String text(String doc) {
        TextDocument d = replicas.get(doc);
        return d == null ? null : d.getText();
    }

    synchronized VersionVector version(String doc) {
        return replica(doc).version();
    }

    /** Loses everything not durable and disconnects every member. */
    void crash() {
        List<Connection> all;
        synchronized (this) {
            replicas.clear();
            for (Map.Entry<String, byte[]> e : durable.entrySet()) {
                TextDocument d = new TextDocument(RELAY_AGENT);
                d.applyUpdate(e.getValue());
                replicas.put(e.getKey(), d);
            }
            all = List.copyOf(connections);
        }
        for (Connection c : all) {
            c.disconnect();
        }
    }

    private TextDocument replica(String doc) {
        return replicas.computeIfAbsent(doc, k -> new TextDocument(RELAY_AGENT));
    }

    private synchronized void handle(Connection from, Message m) {
        received.add(m);
        if (m instanceof Message.SyncRequest r) {
            TextDocument d = replica(r.doc());
            from.subscribed.add(r.doc());
            from.deliver(new Message.SyncReply(r.doc(), d.encodeDiff(r.version()), d.version()));
        } else if (m instanceof Message.Update u) {
            if (from.readOnly) {
                from.deliver(new Message.Error(ErrorCode.READ_ONLY, "read-only", u.doc()));
                return;
            }
            if (rateLimitNext > 0) {
                rateLimitNext--;
                from.deliver(new Message.Error(ErrorCode.RATE_LIMITED, "slow down", u.doc()));
                return;
            }
            TextDocument d = replica(u.doc());
            if (u.update().length > 0) { // an empty Update only asks for an Ack
                d.applyUpdate(u.update());
            }
            if (u.update().length > 0) {
                for (Connection c : connections) {
                    if (c != from && c.connected && c.subscribed.contains(u.doc())) {
                        c.deliver(u);
                    }
                }
            }
            if (notDurable) {
                return;
            }
            durable.put(u.doc(), d.encodeStateAsUpdate());
            if (!withholdAcks) {
                from.deliver(new Message.Ack(u.doc(), d.version()));
            }
        } else if (m instanceof Message.Awareness a) {
            for (Connection c : connections) {
                if (c != from && c.connected && c.subscribed.contains(a.doc())) {
                    c.deliver(a);
                }
            }
        }
    }

    /** One member's connection, seen from the client as a {@link SyncChannel}. */
    final class Connection implements SyncChannel {
        final long clientId;
        final boolean readOnly;
        final Map<String, Endpoint> endpoints = new HashMap<>();
        final java.util.Set<String> subscribed = new java.util.HashSet<>();
        volatile boolean connected;

        Connection(long clientId, boolean readOnly) {
            this.clientId = clientId;
            this.readOnly = readOnly;
        }

        /** Admits the member: every attached document starts its sync. */
        void connect() {
            List<Endpoint> es;
            synchronized (FakeRelay.this) {
                connected = true;
                es = List.copyOf(endpoints.values());
            }
            es.forEach(Endpoint::onConnected);
        }

        void disconnect() {
            List<Endpoint> es;
            synchronized (FakeRelay.this) {
                if (!connected) {
                    return;
                }
                connected = false;
                subscribed.clear();
                es = List.copyOf(endpoints.values());
            }
            es.forEach(Endpoint::onDisconnected);
        }

        void deliver(Message m) {
            String doc = m instanceof Message.SyncReply r ? r.doc() : m instanceof Message.Update u ? u.doc()
                    : m instanceof Message.Ack a ? a.doc() : m instanceof Message.Awareness a ? a.doc()
                    : m instanceof Message.Error e ? e.doc() : "";
            Endpoint e = endpoints.get(doc);
            if (e != null && connected) {
                e.onMessage(m);
            }
        }

        @Override
        public boolean send(Message message) {
            if (!connected) {
                return false;
            }
            handle(this, message);
            return true;
        }

        @Override
        public ConnectionState state() {
            return connected ? ConnectionState.CONNECTED : ConnectionState.RECONNECTING;
        }

        @Override
        public boolean readOnly() {
            return readOnly;
        }

        @Override
        public long clientId() {
            return clientId;
        }

        @Override
        public void attach(String doc, Endpoint endpoint) {
            boolean now;
            synchronized (FakeRelay.this) {
                if (endpoints.putIfAbsent(doc, endpoint) != null) {
                    throw new IllegalStateException("already attached: " + doc);
                }
                now = connected;
            }
            if (now) {
                endpoint.onConnected();
            }
        }

        @Override
        public void detach(String doc, Endpoint endpoint) {
            synchronized (FakeRelay.this) {
                endpoints.remove(doc, endpoint);
            }
        }
    }
}
