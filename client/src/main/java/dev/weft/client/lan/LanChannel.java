package dev.weft.client.lan;

import dev.weft.client.ConnectionState;
import dev.weft.client.SyncChannel;
import dev.weft.client.journal.Journal;
import dev.weft.client.journal.RoomJournal;
import dev.weft.crdt.model.VersionVector;
import dev.weft.sync.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The LAN transport: a {@link SyncChannel} with no relay. The node keeps its own durable replica of every room
 * document (the "hub", in its journal), serves the local documents exactly as a relay would — a
 * {@link dev.weft.client.SharedDocument} cannot tell the difference — and syncs with peers over authenticated,
 * encrypted links ({@code docs/protocol.md}, "LAN peers").
 *
 * <pre>{@code
 * LanChannel lan = LanChannel.start(LanOptions.of(LanLink.parse(link), dataDir).withPeers(List.of(addr)));
 * SharedDocument d = SharedDocument.open(lan, "notes.md", new TextDocument(agent));
 * }</pre>
 *
 * <p>State: {@link ConnectionState#CONNECTED} from {@link #start} to {@link #close} whether or not peers are
 * reachable (edits are acknowledged once in the node's journal and reach peers when they connect). Thread-safe.
 */
public final class LanChannel implements SyncChannel, AutoCloseable {
    /** The options; immutable. */
    private final LanOptions options;
    /** The hub's executor: every event of the node runs here, in order. */
    private final ExecutorService executor;
    /** The node; confined to {@link #executor}. */
    private final Hub hub;
    private final RoomJournal journal;
    private final Connector connector;
    /** Attached documents (guards duplicates; the hub keeps its own map). */
    private final Map<String, Endpoint> attached = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private LanChannel(LanOptions options, ExecutorService executor, RoomJournal journal) throws IOException {
        this.options = options;
        this.executor = executor;
        this.journal = journal;
        this.hub = new Hub(options.link().keys(), options.clientId(), options.userName(), journal, this::onHub);
        this.connector = new Connector(options.link().keys(), options.bind(), options.port(), this::adopt,
                id -> call(() -> hub.hasLinkTo(id)));
    }

    /**
     * Starts a node: opens its journal, listens, and starts dialing {@link LanOptions#peers()}.
     *
     * @throws IOException if the journal cannot be opened or the port cannot be bound
     */
    public static LanChannel start(LanOptions options) throws IOException {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weft-lan-hub");
            t.setDaemon(true);
            return t;
        });
        RoomJournal journal = new Journal(options.dataDir().resolve("lan")).openRoom(options.link().room());
        try {
            LanChannel c = new LanChannel(options, ex, journal);
            for (InetSocketAddress p : options.peers()) {
                c.addPeer(p);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            journal.close();
            ex.shutdownNow();
            throw e;
        }
    }

    /** Runs {@code r} on the hub's executor; dropped once the node is closed. */
    private void onHub(Runnable r) {
        try {
            executor.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing more to do
        }
    }

    private void adopt(PeerLink link) {
        if (closed) {
            link.close();
            return;
        }
        onHub(() -> {
            hub.addLink(link);
            link.start((l, m) -> onHub(() -> hub.fromPeer(l, m)), l -> onHub(() -> hub.linkClosed(l)));
        });
    }

    /** Keeps a link to {@code peer} from now on (no-op if already). */
    public void addPeer(InetSocketAddress peer) {
        connector.dial(peer);
    }

    /** The TCP port the node listens on. */
    public int port() {
        return connector.port();
    }

    public LanOptions options() {
        return options;
    }

    /** The discovery tag of the room (reveals neither secret nor content). */
    public String roomTag() {
        return options.link().keys().roomTag();
    }

    /** This node's id on links (random per start). */
    public long nodeId() {
        return hub.nodeId;
    }

    @Override
    public boolean send(Message message) {
        if (closed) {
            return false;
        }
        try {
            executor.execute(() -> hub.fromLocal(message));
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public ConnectionState state() {
        return closed ? ConnectionState.CLOSED : ConnectionState.CONNECTED;
    }

    @Override
    public boolean readOnly() {
        return !options.link().editor();
    }

    @Override
    public long clientId() {
        return options.clientId();
    }

    @Override
    public void attach(String doc, Endpoint endpoint) {
        if (attached.putIfAbsent(doc, endpoint) != null) {
            throw new IllegalStateException("document '" + doc + "' is already attached to this LAN node");
        }
        executor.execute(() -> hub.attach(doc, endpoint));
    }

    @Override
    public void detach(String doc, Endpoint endpoint) {
        if (attached.remove(doc, endpoint)) {
            executor.execute(() -> hub.detach(doc, endpoint));
        }
    }

    /** Adds a listener for DocAdded and room-level messages (called on the node's thread, must not block). */
    public void addMessageListener(Consumer<Message> listener) {
        hub.messageListeners.add(listener);
    }

    /** Completes when the first peer link finished its initial sync (every document both sides had). */
    public CompletableFuture<Void> firstPeerSynced() {
        return hub.firstPeerSynced;
    }

    /** Names of the room documents this node holds. */
    public List<String> docNames() {
        return call(hub::docNames);
    }

    /** The node's replica text of {@code doc}, or null if it does not hold it. */
    public String text(String doc) {
        return call(() -> hub.text(doc));
    }

    /** The node's replica version of {@code doc}. */
    public VersionVector version(String doc) {
        return call(() -> hub.version(doc));
    }

    /** Live links that passed Hello. */
    public int peerCount() {
        return call(hub::identifiedLinks);
    }

    /** True if some peer acknowledged as durable every operation of {@code version} in {@code doc}. */
    public boolean peerDurable(String doc, VersionVector version) {
        return call(() -> hub.peerDurable(doc, version));
    }

    /** Updates refused because their peer did not prove the editor role. */
    public long refusedPeerUpdates() {
        return hub.refusedPeerUpdates;
    }

    /** Connections refused in the handshake (wrong secret or not a Weft peer), both directions. */
    public long refusedHandshakes() {
        return connector.refusedHandshakes;
    }

    private <T> T call(Callable<T> c) {
        if (closed) {
            throw new IllegalStateException("LAN node is closed");
        }
        try {
            return executor.submit(c).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("LAN node did not answer: " + e, e);
        }
    }

    /** Saves, closes every link and the journal (idempotent). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        connector.close();
        try {
            executor.submit(hub::close).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        closed = true;
        executor.shutdown();
        try {
            journal.close();
        } catch (IOException ignored) {
            // the OS releases the lock with the process
        }
    }

    /** Waits for {@link #firstPeerSynced()}; false on timeout. */
    public boolean awaitFirstPeerSync(Duration timeout) throws InterruptedException {
        try {
            hub.firstPeerSynced.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }
}
