package dev.weft.lsp.testing;

import dev.weft.crdt.TextDocument;
import dev.weft.lsp.session.RoomConnector;
import dev.weft.client.ConnectionState;
import dev.weft.client.ConnectionStateListener;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.sync.Message;
import dev.weft.sync.Role;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A relay in memory, following docs/protocol.md (rooms, server replicas, SyncRequest/SyncReply, Update → Ack +
 * forward, Awareness forward, DocAdded), for in-process tests without sockets. All relay work runs on one thread;
 * every member's deliveries are FIFO. Members can be disconnected and reconnected to test resync.
 */
public final class InMemoryRelay implements RoomConnector {
    private static final long RELAY_AGENT = (1L << 53) - 1;
    /** The relay thread: all room state is confined to it. */
    private final ExecutorService relay = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "in-memory-relay");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, RoomState> rooms = new ConcurrentHashMap<>();
    private int nextRoom;
    /** While true, connection attempts wait (as if the relay were unreachable); members retry when it is up. */
    private volatile boolean down;
    private final List<Member> waiting = new CopyOnWriteArrayList<>();

    /** Makes the relay unreachable (true) or reachable again (false: waiting members are admitted). */
    public void setDown(boolean d) {
        down = d;
        if (!d) {
            for (Member m : waiting) {
                waiting.remove(m);
                relay.execute(m::admit);
            }
        }
    }

    private static final class RoomState {
        final String secret;
        final String readOnlySecret;
        final Map<String, TextDocument> docs = new LinkedHashMap<>();
        final List<Member> members = new ArrayList<>();

        RoomState(String secret, String readOnlySecret) {
            this.secret = secret;
            this.readOnlySecret = readOnlySecret;
        }
    }

    @Override
    public synchronized RoomCredentials createRoom(URI relayUrl) {
        String id = "room" + (++nextRoom);
        rooms.put(id, new RoomState("s-" + id, "r-" + id));
        return new RoomCredentials(id, "s-" + id, "r-" + id);
    }

    @Override
    public Member open(InviteLink link, String user, String color) {
        return new Member(link, user, color);
    }

    /**
     * A hostile relay: room {@code alias} (any string, e.g. {@code ../../x}) answers as room {@code existing},
     * with the same documents and secrets.
     */
    public synchronized void alias(String existing, String alias) {
        rooms.put(alias, rooms.get(existing));
    }

    /**
     * A hostile relay: the room holds document {@code name} (any string, even one a real relay refuses) with
     * {@code text} (blocking).
     */
    public void putDocument(String room, String name, String text) {
        CompletableFuture.runAsync(() -> {
            TextDocument d = new TextDocument(RELAY_AGENT - 1);
            d.insert(0, text);
            rooms.get(room).docs.put(name, d);
        }, relay).join();
    }

    /** The relay replica's text of a document (blocking). */
    public String text(String room, String doc) {
        return CompletableFuture.supplyAsync(() -> {
            TextDocument d = rooms.get(room).docs.get(doc);
            return d == null ? null : d.getText();
        }, relay).join();
    }

    /** All members of all rooms. */
    public List<Member> members() {
        return CompletableFuture.supplyAsync(() -> {
            List<Member> all = new ArrayList<>();
            for (RoomState r : rooms.values()) {
                all.addAll(r.members);
            }
            return all;
        }, relay).join();
    }

    /** Waits until the relay thread has handled everything queued so far. */
    public void drain() {
        CompletableFuture.runAsync(() -> { }, relay).join();
    }

    /** One member connection. */
    public final class Member implements RoomConnection {
        private final InviteLink link;
        private final String user;
        private final String color;
        private final long clientId = (long) (Math.random() * (1L << 50));
        /** Delivery thread: FIFO to this member. */
        private final ExecutorService inbox = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "relay-to-member");
            t.setDaemon(true);
            return t;
        });
        private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
        private final List<ConnectionStateListener> stateListeners = new CopyOnWriteArrayList<>();
        private final List<Consumer<Message>> messageListeners = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Message.Welcome> firstWelcome = new CompletableFuture<>();
        private volatile ConnectionState state = ConnectionState.CLOSED;
        private volatile Message.Welcome welcome;
        private volatile boolean readOnly;

        Member(InviteLink link, String user, String color) {
            this.link = link;
            this.user = user;
            this.color = color;
        }

        @Override
        public CompletableFuture<Message.Welcome> connect() {
            if (down) {
                waiting.add(this);
                firstWelcome.completeExceptionally(new dev.weft.client.relay.RelayUnreachableException(
                        "in-memory relay is down", null));
                state = ConnectionState.OFFLINE;
                return firstWelcome;
            }
            relay.execute(this::admit);
            return firstWelcome;
        }

        private void admit() {
            RoomState r = rooms.get(link.room());
            if (r == null || !(r.secret.equals(link.secret()) || r.readOnlySecret.equals(link.secret()))) {
                firstWelcome.completeExceptionally(new dev.weft.client.RelayRejectedException(
                        dev.weft.sync.ErrorCode.AUTH_FAILED, "wrong room or secret"));
                return;
            }
            readOnly = r.readOnlySecret.equals(link.secret());
            if (!r.members.contains(this)) {
                r.members.add(this);
            }
            Message.Welcome w = new Message.Welcome(1, readOnly ? Role.READ_ONLY : Role.EDITOR,
                    List.copyOf(r.docs.keySet()));
            inbox.execute(() -> {
                welcome = w;
                state = ConnectionState.CONNECTED;
                for (ConnectionStateListener l : stateListeners) {
                    l.onStateChanged(ConnectionState.CONNECTED, null);
                }
                for (Consumer<Message> l : messageListeners) {
                    l.accept(w);
                }
                for (Endpoint e : endpoints.values()) {
                    e.onConnected();
                }
                firstWelcome.complete(w);
            });
        }

        /** Drops the connection: endpoints see onDisconnected; messages are lost until {@link #reconnect()}. */
        public void disconnect() {
            relay.execute(() -> {
                RoomState r = rooms.get(link.room());
                r.members.remove(this);
                inbox.execute(() -> {
                    state = ConnectionState.RECONNECTING;
                    for (ConnectionStateListener l : stateListeners) {
                        l.onStateChanged(ConnectionState.RECONNECTING, null);
                    }
                    for (Endpoint e : endpoints.values()) {
                        e.onDisconnected();
                    }
                });
                for (Member m : r.members) {
                    for (String doc : r.docs.keySet()) {
                        m.deliver(new Message.Awareness(doc, clientId, Long.MAX_VALUE, ""));
                    }
                }
            });
        }

        /** Reconnects after {@link #disconnect()}. */
        public void reconnect() {
            if (down) {
                waiting.add(this);
                return;
            }
            relay.execute(this::admit);
        }

        void deliver(Message m) {
            inbox.execute(() -> {
                if (state != ConnectionState.CONNECTED) {
                    return;
                }
                // Routed like RelayClient.route: DocAdded goes to the session listeners.
                String doc = m instanceof Message.DocAdded ? "" : m.doc();
                Endpoint e = doc.isEmpty() ? null : endpoints.get(doc);
                if (e != null) {
                    e.onMessage(m);
                } else {
                    for (Consumer<Message> l : messageListeners) {
                        l.accept(m);
                    }
                }
            });
        }

        @Override
        public boolean send(Message message) {
            if (state != ConnectionState.CONNECTED) {
                return false;
            }
            relay.execute(() -> handle(this, message));
            return true;
        }

        @Override
        public ConnectionState state() {
            return state;
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
            if (endpoints.putIfAbsent(doc, endpoint) != null) {
                throw new IllegalStateException("already attached: " + doc);
            }
            inbox.execute(() -> {
                if (state == ConnectionState.CONNECTED) {
                    endpoint.onConnected();
                }
            });
        }

        @Override
        public void detach(String doc, Endpoint endpoint) {
            endpoints.remove(doc, endpoint);
        }

        @Override
        public Message.Welcome welcome() {
            return welcome;
        }

        @Override
        public String userName() {
            return user;
        }

        @Override
        public String color() {
            return color;
        }

        @Override
        public void addStateListener(ConnectionStateListener l) {
            stateListeners.add(l);
        }

        @Override
        public void addMessageListener(Consumer<Message> l) {
            messageListeners.add(l);
        }

        @Override
        public void close() {
            disconnect();
            inbox.execute(() -> state = ConnectionState.CLOSED);
        }
    }

    /** Relay thread. */
    private void handle(Member from, Message m) {
        RoomState r = rooms.get(from.link.room());
        if (r == null || !r.members.contains(from)) {
            return;
        }
        if (m instanceof Message.SyncRequest req) {
            TextDocument d = r.docs.get(req.doc());
            if (d == null) {
                d = new TextDocument(RELAY_AGENT);
                r.docs.put(req.doc(), d);
                for (Member o : r.members) {
                    if (o != from) {
                        o.deliver(new Message.DocAdded(req.doc()));
                    }
                }
            }
            from.deliver(new Message.SyncReply(req.doc(), d.encodeDiff(req.version()), d.version()));
        } else if (m instanceof Message.Update u) {
            TextDocument d = r.docs.get(u.doc());
            if (d == null || from.readOnly) {
                return;
            }
            if (u.update().length > 0) {
                d.applyUpdate(u.update());
            }
            from.deliver(new Message.Ack(u.doc(), d.version()));
            if (u.update().length > 0) {
                for (Member o : r.members) {
                    if (o != from) {
                        o.deliver(u);
                    }
                }
            }
        } else if (m instanceof Message.Awareness a) {
            for (Member o : r.members) {
                if (o != from) {
                    o.deliver(a);
                }
            }
        }
    }
}
