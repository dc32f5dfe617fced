package dev.weft.relay.room;

import dev.weft.relay.log.Log;
import dev.weft.relay.store.RoomRecord;
import dev.weft.relay.store.StoreWrite;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Logger;

/**
 * The rooms the relay has loaded, by id. Rooms are loaded lazily from storage on the first Hello naming them (on
 * the room's executor, never on a Socket.IO thread) and stay loaded.
 */
public final class RoomRegistry {
    private static final Logger LOG = Logger.getLogger(RoomRegistry.class.getName());

    /** Shared services; immutable. */
    private final RelayContext ctx;
    /** Loaded (or loading) rooms. */
    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();

    public RoomRegistry(RelayContext ctx) {
        this.ctx = ctx;
    }

    /** Credentials of a new room; immutable. */
    public record Created(String room, String secret, String readOnlySecret) {
    }

    /** Creates a room durably; the future completes after the commit. */
    public CompletableFuture<Created> createRoom() {
        String room = Secrets.newRoomId();
        String secret = Secrets.newSecret();
        String readOnly = Secrets.newSecret();
        RoomRecord record = new RoomRecord(room, Secrets.hash(secret), Secrets.hash(readOnly),
                System.currentTimeMillis());
        return ctx.writer().submit(new StoreWrite.CreateRoom(record)).thenApply(v -> {
            ctx.metrics().roomsCreated.incrementAndGet();
            Log.info(LOG, "room.created", "room", room);
            return new Created(room, secret, readOnly);
        });
    }

    /**
     * Starts joining {@code session} to the room named in its Hello; the outcome (Welcome or AUTH_FAILED) is sent
     * from the room's executor. Precondition: the session is {@link Session.JoinState#JOINING}.
     */
    public void join(Session session, dev.weft.sync.Message.Hello hello) {
        if (!Secrets.plausibleRoomId(hello.room())) {
            Log.warnLimited(LOG, "auth.failed", session.peer.address(), "session", session.describe(), "reason",
                    "malformed room id");
            session.sendError(dev.weft.sync.ErrorCode.AUTH_FAILED, "cannot join room: unknown room", "");
            return;
        }
        Room room = rooms.computeIfAbsent(hello.room(), id -> new Room(id, ctx));
        session.room = room;
        room.execute(() -> room.join(session, hello, this));
    }

    /** Cluster: this node committed {@code seq} of the document; recorded by its room if loaded. */
    public void committedHere(String room, String doc, long seq) {
        Room r = rooms.get(room);
        if (r != null) {
            r.execute(() -> r.committedHere(doc, seq));
        }
    }

    /**
     * Cluster: another node committed {@code seq} of the document ({@code update} null if not carried); integrated
     * and forwarded by its room if loaded here, else ignored (a later load reads it from storage).
     */
    public void remoteUpdate(String room, String doc, long seq, byte[] update) {
        Room r = rooms.get(room);
        if (r != null) {
            r.execute(() -> r.remoteUpdate(doc, seq, update));
        }
    }

    /**
     * Cluster: every loaded room compares its replicas with the log's heads in storage and catches up; with
     * {@code now}, without waiting for a second poll (see {@link Room#pollStore}).
     */
    public void pollStore(boolean now) {
        for (Room r : rooms.values()) {
            r.execute(() -> r.pollStore(now));
        }
    }

    /** Drops a room shell whose id turned out not to exist (so unknown ids do not accumulate). */
    void forget(Room room) {
        rooms.remove(room.id, room);
    }

    /** Number of loaded rooms. */
    public long loadedRooms() {
        return rooms.size();
    }

    /** Number of documents in loaded rooms. */
    public long loadedDocuments() {
        long n = 0;
        for (Room r : rooms.values()) {
            n += r.docCount();
        }
        return n;
    }

    /** Queues awareness expiry on every loaded room. */
    public void expireAwareness() {
        long now = System.currentTimeMillis();
        for (Room r : rooms.values()) {
            r.execute(() -> r.expireAwareness(now));
        }
    }

    /** Queues unloading of idle rooms (no members, nothing being written) on every loaded room. */
    public void unloadIdleRooms() {
        long now = System.currentTimeMillis();
        for (Room r : rooms.values()) {
            r.execute(() -> r.unloadIfIdle(now, this));
        }
    }

    /** Runs {@code task} on every room's executor and completes when all have run (used at shutdown). */
    public CompletableFuture<Void> barrier() {
        CompletableFuture<?>[] all = rooms.values().stream().map(r -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            r.execute(() -> f.complete(null));
            return f;
        }).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }
}
