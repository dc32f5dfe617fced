package dev.weft.client.testing;

import dev.weft.client.ConnectionState;
import dev.weft.client.ConnectionStateListener;
import dev.weft.client.RelayRejectedException;
import dev.weft.client.SyncChannel;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RelayUnreachableException;
import dev.weft.crdt.TextDocument;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.Role;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The one in-memory relay of Weft's tests: the client's tests ({@code SharedDocument} over a {@link SyncChannel})
 * and the language server's tests (its {@code RoomConnector} wraps {@link Member}) both use it. It follows
 * {@code docs/protocol.md}: rooms with an editor and a read-only secret, a relay replica per document,
 * SyncRequest → SyncReply, Update → forward + Ack, Awareness forward, DocAdded, an Awareness tombstone when a member
 * leaves, {@code READ_ONLY} for a read-only member's Update.
 *
 * <p>Why a double and not only the real relay: tests need faults the real relay cannot be made to show on demand
 * (a crash right after a durable write whose ack is lost, updates lost before they were durable, rate limiting of
 * exactly the next N updates, a relay unreachable for a while) and hostile rooms (document names and room ids a real
 * relay refuses), and they need {@link #drain()} to wait for quiescence without timing. What the double cannot
 * prove, the end-to-end tests prove against the real relay as a process ({@code dev.weft.relay.testing.RelayProcess}
 * from the relay's test-jar).
 *
 * <p>Threading: all relay state is confined to one relay thread; each member has its own delivery thread, so its
 * messages arrive in order (FIFO), as over one Socket.IO connection.
 */
public final class InMemoryRelay {
    /** Agent of the relay's own replicas; it never edits. */
    private static final long RELAY_AGENT = (1L << 53) - 1;
    /** The relay URL in links to rooms of this relay. */
    public static final URI URL = URI.create("http://in-memory.test");
    /** The relay thread: all room state is confined to it. */
    private final ExecutorService relay = singleDaemonThread("in-memory-relay");
    /** Rooms by id (an alias maps a second id to the same room); written on the caller's thread, read on the relay's. */
    private final Map<String, RoomState> rooms = new ConcurrentHashMap<>();
    /** Every member ever opened, for {@link #drain()}. */
    private final List<Member> opened = new CopyOnWriteArrayList<>();
    /** Rooms created so far (room ids are {@code room1}, {@code room2}, …). */
    private int nextRoom;
    /** The room of {@link #newConnection}, created on first use; null before. */
    private RoomCredentials defaultRoom;
    /** While true, connection attempts wait (as if the relay were unreachable); members retry when it is up. */
    private volatile boolean down;
    /** Members that tried to connect while the relay was down. */
    private final List<Member> waiting = new CopyOnWriteArrayList<>();

    /** Fault: updates are written durably but not acknowledged (as if the relay died right after the commit). */
    public volatile boolean withholdAcks;
    /** Fault: updates are applied and forwarded but neither written durably nor acknowledged. */
    public volatile boolean notDurable;
    /** Fault: the next N updates are refused with {@code RATE_LIMITED}. */
    public volatile int rateLimitNext;
    /** Every message members sent, in the order the relay handled them. */
    public final List<Message> received = new CopyOnWriteArrayList<>();

    /** One room's state (relay thread). */
    private static final class RoomState {
        final String secret;
        final String readOnlySecret;
        /** The relay replicas by document name. */
        final Map<String, TextDocument> docs = new LinkedHashMap<>();
        /** What survives {@link #crash()}: each document's last durable state. */
        final Map<String, byte[]> durable = new HashMap<>();
        /** Members admitted and not disconnected since. */
        final List<Member> members = new ArrayList<>();

        RoomState(String secret, String readOnlySecret) {
            this.secret = secret;
            this.readOnlySecret = readOnlySecret;
        }
    }

    /** Creates a room; postcondition: links with its secret or read-only secret are admitted. */
    public synchronized RoomCredentials createRoom() {
        String id = "room" + (++nextRoom);
        rooms.put(id, new RoomState("s-" + id, "r-" + id));
        return new RoomCredentials(id, "s-" + id, "r-" + id);
    }

    /** A not-yet-connected member of the room {@code link} names, with a random client id. */
    public Member open(InviteLink link, String user, String color) {
        return new Member(link, user, color, (long) (Math.random() * (1L << 50)));
    }

    /**
     * A not-yet-connected member of this relay's default room (created on first use), with client id
     * {@code clientId}, editor or read-only.
     */
    public synchronized Member newConnection(long clientId, boolean readOnly) {
        if (defaultRoom == null) {
            defaultRoom = createRoom();
        }
        InviteLink link = new InviteLink(URL, defaultRoom.room(),
                readOnly ? defaultRoom.readOnlySecret() : defaultRoom.secret());
        return new Member(link, "user" + clientId, "#000000", clientId);
    }

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

    /**
     * A hostile relay: room {@code alias} (any string, e.g. {@code ../../x}) answers as room {@code existing},
     * with the same documents and secrets.
     */
    public void alias(String existing, String alias) {
        rooms.put(alias, rooms.get(existing));
    }

    /**
     * A hostile relay: the room holds document {@code name} (any string, even one a real relay refuses) with
     * {@code text}, durably (blocking).
     */
    public void putDocument(String room, String name, String text) {
        onRelay(() -> {
            TextDocument d = new TextDocument(RELAY_AGENT - 1);
            d.insert(0, text);
            RoomState r = rooms.get(room);
            r.docs.put(name, d);
            r.durable.put(name, d.encodeStateAsUpdate());
            return null;
        });
    }

    /** The relay replica's text of a document, or null if the room has none of that name (blocking). */
    public String text(String room, String doc) {
        return onRelay(() -> {
            TextDocument d = rooms.get(room).docs.get(doc);
            return d == null ? null : d.getText();
        });
    }

    /** {@link #text(String, String)} in the default room of {@link #newConnection}. */
    public String text(String doc) {
        String room;
        synchronized (this) {
            if (defaultRoom == null) {
                return null;
            }
            room = defaultRoom.room();
        }
        return text(room, doc);
    }

    /** All members of all rooms that are admitted now. */
    public List<Member> members() {
        return onRelay(() -> {
            List<Member> all = new ArrayList<>();
            for (RoomState r : new java.util.LinkedHashSet<>(rooms.values())) {
                all.addAll(r.members);
            }
            return all;
        });
    }

    /**
     * A crash: every room loses what was not durable (see {@link #notDurable}) and every member is disconnected;
     * members reconnect with {@link Member#connect()} (blocking).
     */
    public void crash() {
        onRelay(() -> {
            for (RoomState r : new java.util.LinkedHashSet<>(rooms.values())) {
                r.docs.clear();
                for (Map.Entry<String, byte[]> e : r.durable.entrySet()) {
                    TextDocument d = new TextDocument(RELAY_AGENT);
                    d.applyUpdate(e.getValue());
                    r.docs.put(e.getKey(), d);
                }
                for (Member m : List.copyOf(r.members)) {
                    m.drop(r);
                }
            }
            return null;
        });
    }

    /**
     * Waits until the relay thread and every member's delivery thread have handled everything queued so far. What
     * those deliveries queue elsewhere (a document's own executor) is the caller's to wait for.
     */
    public void drain() {
        onRelay(() -> null);
        for (Member m : opened) {
            CompletableFuture.runAsync(() -> { }, m.inbox).join();
        }
    }

    /** One daemon thread named {@code name}: tests never wait for it to end. */
    private static ExecutorService singleDaemonThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    private <T> T onRelay(java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, relay).join();
    }

    /**
     * One member's connection: a {@link SyncChannel} plus connect, disconnect and listeners. The language server's
     * tests subclass it to add their {@code RoomConnection} interface, whose methods it already has.
     */
    public class Member implements SyncChannel {
        private final InviteLink link;
        private final String user;
        private final String color;
        private final long clientId;
        /** Delivery thread: FIFO to this member. */
        private final ExecutorService inbox = singleDaemonThread("relay-to-member");
        private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
        private final List<ConnectionStateListener> stateListeners = new CopyOnWriteArrayList<>();
        private final List<Consumer<Message>> messageListeners = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Message.Welcome> firstWelcome = new CompletableFuture<>();
        private volatile ConnectionState state = ConnectionState.CLOSED;
        private volatile Message.Welcome welcome;
        private volatile boolean readOnly;

        /** A member of the room {@code link} names; not connected until {@link #connect()}. */
        protected Member(InviteLink link, String user, String color, long clientId) {
            this.link = link;
            this.user = user;
            this.color = color;
            this.clientId = clientId;
            this.readOnly = false;
            opened.add(this);
        }

        /**
         * Starts connecting (again, after a disconnect or a crash); completes with the first Welcome, or fails with
         * {@link RelayUnreachableException} while the relay is down or {@link RelayRejectedException} for a wrong room
         * or secret.
         */
        public CompletableFuture<Message.Welcome> connect() {
            if (down) {
                waiting.add(this);
                firstWelcome.completeExceptionally(new RelayUnreachableException("in-memory relay is down", null));
                state = ConnectionState.OFFLINE;
                return firstWelcome;
            }
            relay.execute(this::admit);
            return firstWelcome;
        }

        /** Relay thread. */
        private void admit() {
            RoomState r = rooms.get(link.room());
            if (r == null || !(r.secret.equals(link.secret()) || r.readOnlySecret.equals(link.secret()))) {
                firstWelcome.completeExceptionally(new RelayRejectedException(ErrorCode.AUTH_FAILED,
                        "wrong room or secret"));
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

        /**
         * Drops the connection: endpoints see onDisconnected, the others an Awareness tombstone; messages are lost
         * until {@link #reconnect()}. No effect on a member that is not admitted.
         */
        public void disconnect() {
            relay.execute(() -> drop(rooms.get(link.room())));
        }

        /** Relay thread. */
        private void drop(RoomState r) {
            if (r == null || !r.members.remove(this)) {
                return;
            }
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
        }

        /** Reconnects after {@link #disconnect()}; while the relay is down, when it is up again. */
        public void reconnect() {
            if (down) {
                waiting.add(this);
                return;
            }
            relay.execute(this::admit);
        }

        /** Hands {@code m} to this member as if the relay had sent it (routed like {@code RelayClient}). */
        public void deliver(Message m) {
            inbox.execute(() -> {
                if (state != ConnectionState.CONNECTED) {
                    return;
                }
                // DocAdded goes to the session listeners.
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

        /** The latest Welcome, or null before the first. */
        public Message.Welcome welcome() {
            return welcome;
        }

        public String userName() {
            return user;
        }

        public String color() {
            return color;
        }

        public void addStateListener(ConnectionStateListener l) {
            stateListeners.add(l);
        }

        /** Messages not routed to a document (Welcome, DocAdded, …). */
        public void addMessageListener(Consumer<Message> l) {
            messageListeners.add(l);
        }

        /** Disconnects for good. */
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
        received.add(m);
        if (m instanceof Message.SyncRequest req) {
            TextDocument d = replica(r, req.doc(), from);
            from.deliver(new Message.SyncReply(req.doc(), d.encodeDiff(req.version()), d.version()));
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
            TextDocument d = replica(r, u.doc(), from);
            if (u.update().length > 0) { // an empty Update only asks for an Ack
                d.applyUpdate(u.update());
                for (Member o : r.members) {
                    if (o != from) {
                        o.deliver(u);
                    }
                }
            }
            if (notDurable) {
                return;
            }
            r.durable.put(u.doc(), d.encodeStateAsUpdate());
            if (!withholdAcks) {
                from.deliver(new Message.Ack(u.doc(), d.version()));
            }
        } else if (m instanceof Message.Awareness a) {
            for (Member o : r.members) {
                if (o != from) {
                    o.deliver(a);
                }
            }
        }
    }

    /** Relay thread: the room's replica of {@code doc}, created (and announced to the others) if new. */
    private static TextDocument replica(RoomState r, String doc, Member from) {
        TextDocument d = r.docs.get(doc);
        if (d == null) {
            d = new TextDocument(RELAY_AGENT);
            r.docs.put(doc, d);
            for (Member o : r.members) {
                if (o != from) {
                    o.deliver(new Message.DocAdded(doc));
                }
            }
        }
        return d;
    }
}
