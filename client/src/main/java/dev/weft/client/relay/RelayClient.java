package dev.weft.client.relay;

import dev.weft.client.ConnectionState;
import dev.weft.client.ConnectionStateListener;
import dev.weft.client.RelayException;
import dev.weft.client.RelayRejectedException;
import dev.weft.client.SyncChannel;
import dev.weft.client.invite.InviteLink;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.MalformedMessageException;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.sync.WireLimits;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.thread.EventThread;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;

/**
 * One member's connection to a relay room over Socket.IO (protocol v4, websocket transport, TCP_NODELAY).
 *
 * <p>Every message travels as the single argument of the event {@value #EVENT}, a base64 string of
 * {@link MessageCodec#encode(Message)}. On every (re)connection the client sends {@code Hello}; once the relay
 * answers {@code Welcome} the state is {@link ConnectionState#CONNECTED} and every attached document starts its
 * sync. A lost connection or failed attempt is retried with {@link Backoff} until {@link #close()}; a fatal
 * {@code Error} (wrong secret, unsupported protocol) closes the client instead.
 *
 * <pre>{@code
 * RelayClient c = new RelayClient(RelayClient.Options.of(URI.create("http://127.0.0.1:7420"), room, secret));
 * c.connect().get(10, SECONDS);                       // Welcome, or RelayUnreachableException / RelayRejectedException
 * SharedDocument d = SharedDocument.open(c, "README.md", new TextDocument(agent));
 * }</pre>
 *
 * <p>Thread-safe. State changes, listeners and endpoint callbacks all run on Socket.IO's event thread, in order.
 */
public final class RelayClient implements SyncChannel, AutoCloseable {
    /** The Socket.IO event name carrying every protocol message. */
    public static final String EVENT = "weft";
    /**
     * SyncRequests sent within this many milliseconds of each other go out as one SyncBatchRequest: documents that
     * start their sync together (a reconnect, a join, a folder of new files) cost one round trip, not one each.
     */
    static final long SYNC_COALESCE_MILLIS = 2;
    /** Most entries in one SyncBatchRequest (about 40 KB for typical names); more are split into several. */
    static final int MAX_BATCH_ENTRIES = 2000;
    /** Longest a SyncRequest waits for others while they keep coming (each within {@link #SYNC_COALESCE_MILLIS}). */
    static final long MAX_COALESCE_MILLIS = 50;
    /** Wait before resending the entries of a batch the relay refused as a whole (rate limit, internal error). */
    static final long BATCH_RETRY_MILLIS = 500;

    private static final Logger LOG = Logger.getLogger(RelayClient.class.getName());

    /**
     * Shared by all clients: OkHttp pools threads and connections, and every socket it makes has TCP_NODELAY. An
     * OkHttp 3 websocket holds one dispatcher slot for its whole life (its reader loops inside the call's callback),
     * and the default dispatcher allows 64 calls: the 65th connection in a JVM would wait forever (measured: a load
     * test stalled at exactly 64 of 200 members). So the limits are lifted.
     */
    private static final OkHttpClient OK_HTTP = new OkHttpClient.Builder()
            .dispatcher(unlimitedDispatcher())
            .socketFactory(new NoDelaySocketFactory())
            .readTimeout(0, TimeUnit.MILLISECONDS) // websockets idle for long; Engine.IO pings detect dead peers
            .build();

    /** Schedules reconnection attempts and handshake timeouts; work itself is handed to the event thread. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-relay-timer");
        t.setDaemon(true);
        return t;
    });

    private static okhttp3.Dispatcher unlimitedDispatcher() {
        okhttp3.Dispatcher d = new okhttp3.Dispatcher();
        d.setMaxRequests(Integer.MAX_VALUE);
        d.setMaxRequestsPerHost(Integer.MAX_VALUE);
        return d;
    }

    /** Connection parameters; immutable. */
    private final Options options;
    /**
     * Every relay to try, in order: {@code options.relay()} first, then the fallbacks (nodes of one cluster,
     * docs/relay.md, "Cluster"); immutable. A failed attempt or a lost connection moves to the next, round robin.
     */
    private final List<URI> relays;
    /** Index in {@link #relays} of the current or next attempt; written on the event thread. */
    private volatile int relayIndex;
    /** Delays between attempts; event thread only. */
    private final Backoff backoff;
    /** Documents by name; endpoints are called on the event thread. */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final List<ConnectionStateListener> stateListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Message>> messageListeners = new CopyOnWriteArrayList<>();
    /** Completes on the first Welcome; fails on the first failure (the client keeps retrying unless fatal). */
    private final CompletableFuture<Message.Welcome> firstWelcome = new CompletableFuture<>();

    /** Current state; written on the event thread only. */
    private volatile ConnectionState state = ConnectionState.CLOSED;
    /** The latest Welcome, or null before the first. */
    private volatile Message.Welcome welcome;
    /** The socket of the current attempt, or null; written on the event thread. */
    private Socket socket;
    /** The current socket once the relay sent Welcome on it, else null: what {@link #send} uses. */
    private volatile Socket admitted;
    /** Number of the current attempt; messages and events of older sockets are ignored. Event thread only. */
    private long attempt;
    /** True once {@link #connect()} was called. */
    private boolean started;
    /** True after {@link #close()} or a fatal rejection. */
    private volatile boolean closed;
    /** When the connection was last lost (for {@link ConnectionState#OFFLINE}), in nanos; event thread only. */
    private long lostSinceNanos;
    /** The pending reconnection or handshake timeout; event thread only. */
    private ScheduledFuture<?> timer;

    /**
     * SyncRequests waiting to go out together as one SyncBatchRequest (see {@link #send}); guarded by this. Always
     * for the socket in {@link #admitted}: {@link #dropSocket()} clears them (every document resyncs on reconnect).
     */
    private final List<Message.SyncRequest> pendingSyncs = new java.util.ArrayList<>();
    /** True while a flush of {@link #pendingSyncs} is scheduled; guarded by this. */
    private boolean flushScheduled;
    /** Open {@link #holdSyncRequests()} scopes; guarded by this. */
    private int holds;
    /**
     * How many of the first {@link #pendingSyncs} the last scope to close released: they go out even if another
     * scope opens before they are flushed (a caller holding again and again must not starve them); guarded by this.
     */
    private int freed;
    /** Batches sent and not yet answered by their last part, by batch number; event thread only. */
    private final Map<Long, List<Message.SyncRequest>> batchesInFlight = new java.util.HashMap<>();
    /** Batches in flight of which at least one part arrived (so the relay accepted them); event thread only. */
    private final java.util.Set<Long> batchesAnswering = new java.util.HashSet<>();
    /** When the oldest and the newest of {@link #pendingSyncs} were queued (System.nanoTime); guarded by this. */
    private long firstQueuedNanos;
    private long lastQueuedNanos;
    /** Number of the next SyncBatchRequest; guarded by this. */
    private long nextBatch = 1;
    /** True once the relay answered a SyncBatchRequest with "unknown message type": SyncRequests go one by one. */
    private volatile boolean batchUnsupported;

    public RelayClient(Options options) {
        this(options, List.of());
    }

    /**
     * A client that fails over between {@code options.relay()} and {@code fallbackRelays} (nodes of one cluster
     * sharing the room): each failed attempt or lost connection tries the next URL.
     *
     * @throws dev.weft.client.invite.MalformedInviteLinkException if a fallback is not an http(s) URL with a host
     */
    public RelayClient(Options options, List<URI> fallbackRelays) {
        this.options = Objects.requireNonNull(options, "options");
        List<URI> all = new java.util.ArrayList<>();
        all.add(options.relay());
        for (URI u : fallbackRelays) {
            InviteLink.validateRelay(u);
            all.add(u);
        }
        this.relays = List.copyOf(all);
        this.backoff = new Backoff(options.backoffInitial(), options.backoffMax(), 2.0, 0.5, options.seed());
    }

    /**
     * Starts connecting (idempotent).
     *
     * @return completes with the first {@code Welcome}; completes exceptionally with
     *         {@link RelayUnreachableException} if the first attempt on every relay URL fails (the client keeps retrying in the
     *         background until closed) or {@link RelayRejectedException} if the relay refused the Hello (the client
     *         is then closed)
     */
    public CompletableFuture<Message.Welcome> connect() {
        EventThread.exec(() -> {
            if (started || closed) {
                return;
            }
            started = true;
            setState(ConnectionState.CONNECTING, null);
            startAttempt();
        });
        return firstWelcome;
    }

    /** Connection parameters. */
    /** The relay URL of the current (or next) attempt. */
    public URI currentRelay() {
        return relays.get(relayIndex);
    }

    public Options options() {
        return options;
    }

    @Override
    public ConnectionState state() {
        return state;
    }

    /** The latest {@code Welcome}, or null before the first one. */
    public Message.Welcome welcome() {
        return welcome;
    }

    @Override
    public boolean readOnly() {
        Message.Welcome w = welcome;
        return w != null && w.role() == dev.weft.sync.Role.READ_ONLY;
    }

    @Override
    public long clientId() {
        return options.clientId();
    }

    /** Adds a listener for state changes (called on the event thread). */
    public void addStateListener(ConnectionStateListener listener) {
        stateListeners.add(listener);
    }

    public void removeStateListener(ConnectionStateListener listener) {
        stateListeners.remove(listener);
    }

    /**
     * Adds a listener for messages not routed to an attached document: {@code Welcome}, {@code DocAdded}, errors
     * about no document, and messages about documents nobody attached (called on the event thread).
     */
    public void addMessageListener(Consumer<Message> listener) {
        messageListeners.add(listener);
    }

    public void removeMessageListener(Consumer<Message> listener) {
        messageListeners.remove(listener);
    }

    /**
     * Sends {@code message} if admitted. A {@code SyncRequest} may wait up to {@value #SYNC_COALESCE_MILLIS} ms (or
     * until the {@link #holdSyncRequests()} scopes close) to go out together with others as one
     * {@code SyncBatchRequest} (docs/protocol.md, "Many documents at once"); the relay's answer reaches each
     * document as its own {@code SyncReply}. A relay that does not know batches gets one {@code SyncRequest} each.
     */
    @Override
    public boolean send(Message message) {
        if (message instanceof Message.SyncRequest r && !batchUnsupported) {
            return queueSync(r);
        }
        Socket s = admitted;
        if (s == null) {
            return false;
        }
        return emit(s, message);
    }

    /**
     * Groups the SyncRequests made inside the scope into SyncBatchRequests: for a caller that opens many documents
     * at once and wants their first sync to be one exchange whatever its pace (without a scope, requests are grouped
     * only while they follow each other within {@value #SYNC_COALESCE_MILLIS} ms). Scopes nest; the requests go out
     * {@value #SYNC_COALESCE_MILLIS} ms after the last one closes (documents start their sync on their own executors,
     * so the last ones may still be on their way), or as soon as {@value #MAX_BATCH_ENTRIES} are waiting.
     *
     * <pre>{@code
     * try (RelayClient.SyncHold hold = client.holdSyncRequests()) {
     *     for (String name : names) docs.add(SharedDocument.open(client, name, new TextDocument(agent)));
     * }                                              // the SyncBatchRequest leaves now
     * SharedDocument.awaitFirstSync(docs, Duration.ofSeconds(30));
     * }</pre>
     */
    @Override
    public SyncHold holdSyncRequests() {
        synchronized (this) {
            holds++;
        }
        return new SyncHold();
    }

    /** A {@link #holdSyncRequests()} scope; closing it more than once has no further effect. */
    public final class SyncHold implements SyncChannel.Hold {
        private boolean released;

        private SyncHold() {
        }

        @Override
        public void close() {
            synchronized (RelayClient.this) {
                if (released) {
                    return;
                }
                released = true;
                holds--;
                if (holds == 0 && !pendingSyncs.isEmpty()) {
                    freed = pendingSyncs.size();
                    scheduleFlush(SYNC_COALESCE_MILLIS);
                }
            }
        }
    }

    private synchronized boolean queueSync(Message.SyncRequest r) {
        if (admitted == null) {
            return false;
        }
        lastQueuedNanos = System.nanoTime();
        if (pendingSyncs.isEmpty()) {
            firstQueuedNanos = lastQueuedNanos;
        }
        pendingSyncs.add(r);
        if (pendingSyncs.size() >= MAX_BATCH_ENTRIES) {
            scheduleFlush(0);
        } else if (holds == 0) {
            scheduleFlush(SYNC_COALESCE_MILLIS);
        }
        return true;
    }

    /** Guarded by this. */
    private void scheduleFlush(long delayMillis) {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        Runnable flush = () -> EventThread.exec(this::flushSyncs);
        if (delayMillis == 0) {
            flush.run();
        } else {
            TIMER.schedule(flush, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Event thread: sends the waiting SyncRequests, as batches of at most {@value #MAX_BATCH_ENTRIES}. */
    private void flushSyncs() {
        List<Message.SyncRequest> out;
        Socket s;
        long batch;
        synchronized (this) {
            flushScheduled = false;
            s = admitted;
            if (s == null || pendingSyncs.isEmpty()) {
                pendingSyncs.clear();
                freed = 0;
                return;
            }
            boolean full = pendingSyncs.size() >= MAX_BATCH_ENTRIES;
            int free = holds == 0 || full ? pendingSyncs.size() : Math.min(freed, pendingSyncs.size());
            if (free == 0) {
                return; // still held; the last scope to close flushes
            }
            long now = System.nanoTime();
            long quietNanos = TimeUnit.MILLISECONDS.toNanos(SYNC_COALESCE_MILLIS);
            if (holds == 0 && !full && now - lastQueuedNanos < quietNanos
                    && now - firstQueuedNanos < TimeUnit.MILLISECONDS.toNanos(MAX_COALESCE_MILLIS)) {
                scheduleFlush(SYNC_COALESCE_MILLIS); // requests still coming: wait until they pause
                return;
            }
            int n = Math.min(MAX_BATCH_ENTRIES, free);
            out = new java.util.ArrayList<>(pendingSyncs.subList(0, n));
            pendingSyncs.subList(0, n).clear();
            freed = Math.max(0, freed - n);
            if (!pendingSyncs.isEmpty() && (holds == 0 || freed > 0 || pendingSyncs.size() >= MAX_BATCH_ENTRIES)) {
                scheduleFlush(0);
            }
            batch = nextBatch++;
        }
        if (out.size() == 1 || batchUnsupported) {
            for (Message.SyncRequest r : out) {
                emit(s, r);
            }
            return;
        }
        batchesInFlight.put(batch, out);
        if (!emit(s, new Message.SyncBatchRequest(batch, out))) {
            batchesInFlight.remove(batch);
            for (Message.SyncRequest r : out) {
                emit(s, r); // too large as one message (very long names): one by one
            }
        }
    }

    private boolean emit(Socket s, Message message) {
        byte[] bytes = MessageCodec.encode(message);
        if (bytes.length > WireLimits.MAX_MESSAGE_BYTES) {
            // OkHttp would close the websocket (or the relay refuse it): never emit it, so no reconnect loop follows.
            LOG.severe(message.getClass().getSimpleName() + " for '" + message.doc() + "' of " + bytes.length
                    + " bytes is over the protocol's limit of " + WireLimits.MAX_MESSAGE_BYTES + " bytes; not sent");
            return false;
        }
        s.emit(EVENT, Base64.getEncoder().encodeToString(bytes));
        return true;
    }

    @Override
    public void attach(String doc, Endpoint endpoint) {
        if (endpoints.putIfAbsent(doc, endpoint) != null) {
            throw new IllegalStateException("document '" + doc + "' is already attached to this relay client");
        }
        EventThread.exec(() -> {
            if (state == ConnectionState.CONNECTED && endpoints.get(doc) == endpoint) {
                endpoint.onConnected();
            }
        });
    }

    @Override
    public void detach(String doc, Endpoint endpoint) {
        endpoints.remove(doc, endpoint);
    }

    /** Closes the connection and stops retrying; attached documents see {@code onDisconnected}. Idempotent. */
    @Override
    public void close() {
        closed = true;
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        EventThread.exec(() -> {
            if (state != ConnectionState.CLOSED) {
                shutDown(null);
            }
            done.countDown();
        });
        if (!EventThread.isCurrent()) {
            try {
                done.await(5, TimeUnit.SECONDS); // so that state() is CLOSED when close() returns
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- event thread ---------------------------------------------------------------------------------------

    private void startAttempt() {
        if (closed) {
            return;
        }
        long mine = ++attempt;
        IO.Options o = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false) // reconnection is ours: we need Hello and a fresh sync on each attempt
                .setTransports(new String[] {io.socket.engineio.client.transports.WebSocket.NAME})
                .setTimeout(options.connectTimeout().toMillis())
                .build();
        o.webSocketFactory = OK_HTTP;
        o.callFactory = OK_HTTP;
        URI relay = relays.get(relayIndex);
        Socket s = IO.socket(relay, o);
        synchronized (this) {
            socket = s;
        }
        s.on(Socket.EVENT_CONNECT, args -> onSocketConnected(mine, s));
        s.on(Socket.EVENT_CONNECT_ERROR, args -> onLost(mine, new RelayUnreachableException(
                "relay " + relay + " unreachable: " + describe(args), cause(args))));
        s.on(Socket.EVENT_DISCONNECT, args -> onLost(mine, new RelayUnreachableException(
                "connection to relay " + relay + " lost: " + describe(args), null)));
        s.on(EVENT, args -> onEvent(mine, args));
        s.connect();
        schedule(mine, options.connectTimeout(), () -> onLost(mine, new RelayUnreachableException(
                "relay " + relay + " did not admit us within " + options.connectTimeout().toMillis()
                        + " ms", null)));
    }

    private void onSocketConnected(long mine, Socket s) {
        if (mine != attempt || closed) {
            return;
        }
        Message hello = new Message.Hello(MessageCodec.PROTOCOL_VERSION, options.room(), options.secret(),
                options.clientId(), options.userName(), options.color());
        s.emit(EVENT, Base64.getEncoder().encodeToString(MessageCodec.encode(hello)));
    }

    private void onEvent(long mine, Object[] args) {
        if (mine != attempt || closed) {
            return;
        }
        Message message;
        try {
            if (args.length != 1 || !(args[0] instanceof String text)) {
                throw new MalformedMessageException("event '" + EVENT + "' must carry one base64 string");
            }
            message = MessageCodec.decode(Base64.getDecoder().decode(text));
        } catch (MalformedMessageException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "ignoring malformed message from relay " + options.relay(), e);
            return;
        }
        if (message instanceof Message.Welcome w) {
            onWelcome(w);
        } else if (message instanceof Message.Error e && e.code().isFatal()) {
            RelayRejectedException cause = new RelayRejectedException(e.code(), "relay refused: " + e.message());
            closed = true;
            firstWelcome.completeExceptionally(cause);
            shutDown(cause);
        } else if (state == ConnectionState.CONNECTED) {
            route(message);
        }
    }

    private void onWelcome(Message.Welcome w) {
        cancelTimer();
        welcome = w;
        synchronized (this) {
            admitted = socket;
        }
        backoff.reset();
        setState(ConnectionState.CONNECTED, null);
        firstWelcome.complete(w);
        for (Consumer<Message> l : messageListeners) {
            deliver(l, w);
        }
        for (Endpoint e : endpoints.values()) {
            e.onConnected();
        }
    }

    private void route(Message message) {
        if (message instanceof Message.SyncBatchReply b) {
            batchesAnswering.add(b.batch());
            for (Message.SyncReply r : b.replies()) {
                route(r);
            }
            if (b.last()) {
                batchesInFlight.remove(b.batch());
                batchesAnswering.remove(b.batch());
            }
            return;
        }
        if (message instanceof Message.Error e && e.doc().isEmpty() && e.message().contains("SyncBatchRequest")
                && (e.code() == ErrorCode.RATE_LIMITED || e.code() == ErrorCode.INTERNAL)) {
            retryRefusedBatches();
        }
        if (message instanceof Message.Error e && e.code() == ErrorCode.BAD_MESSAGE && e.doc().isEmpty()
                && e.message().contains("unknown message type 10") && !batchesInFlight.isEmpty()) {
            // A relay from before batches (docs/protocol.md, "Compatibility"): one SyncRequest per document.
            LOG.info("relay " + currentRelay() + " does not know SyncBatchRequest; syncing documents one by one");
            batchUnsupported = true;
            Socket s = admitted;
            List<List<Message.SyncRequest>> unanswered = List.copyOf(batchesInFlight.values());
            batchesInFlight.clear();
            batchesAnswering.clear();
            for (List<Message.SyncRequest> batch : unanswered) {
                for (Message.SyncRequest r : batch) {
                    if (s != null) {
                        emit(s, r);
                    }
                }
            }
            return;
        }
        // DocAdded names a document but is news for the session (its listeners), not for that document's endpoint.
        String doc = message instanceof Message.DocAdded ? "" : message.doc();
        Endpoint e = doc.isEmpty() ? null : endpoints.get(doc);
        if (e != null) {
            e.onMessage(message);
            return;
        }
        for (Consumer<Message> l : messageListeners) {
            deliver(l, message);
        }
    }

    /**
     * The relay refused a whole SyncBatchRequest (its Error names no document, so which batch is not known): after
     * {@value #BATCH_RETRY_MILLIS} ms, the entries of every batch in flight that has no part yet are requested
     * again. A batch that was accepted after all answers twice, which is harmless (applying a SyncReply again
     * changes nothing).
     */
    private void retryRefusedBatches() {
        long mine = attempt;
        TIMER.schedule(() -> EventThread.exec(() -> {
            if (mine != attempt || closed) {
                return; // reconnected meanwhile: every document resynced anyway
            }
            List<Message.SyncRequest> again = new java.util.ArrayList<>();
            for (Map.Entry<Long, List<Message.SyncRequest>> b : List.copyOf(batchesInFlight.entrySet())) {
                if (!batchesAnswering.contains(b.getKey())) {
                    again.addAll(b.getValue());
                    batchesInFlight.remove(b.getKey());
                }
            }
            for (Message.SyncRequest r : again) {
                queueSync(r);
            }
        }), BATCH_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void onLost(long mine, RelayException cause) {
        if (mine != attempt || closed) {
            return;
        }
        cancelTimer();
        boolean wasConnected = state == ConnectionState.CONNECTED;
        dropSocket();
        if (wasConnected) {
            lostSinceNanos = System.nanoTime();
            for (Endpoint e : endpoints.values()) {
                e.onDisconnected();
            }
        } else if (state == ConnectionState.CONNECTING) {
            lostSinceNanos = System.nanoTime();
        }
        URI failed = relays.get(relayIndex);
        relayIndex = (relayIndex + 1) % relays.size(); // fail over to the next node, if several
        if (relayIndex == 0) {
            firstWelcome.completeExceptionally(cause); // every relay was tried once (the only one, usually)
        }
        boolean offline = System.nanoTime() - lostSinceNanos >= options.offlineAfter().toNanos();
        setState(offline ? ConnectionState.OFFLINE : ConnectionState.RECONNECTING, cause);
        Duration delay = backoff.nextDelay();
        LOG.fine(() -> "relay " + failed + ": " + cause.getMessage() + "; retrying " + relays.get(relayIndex)
                + " in " + delay.toMillis() + " ms");
        long next = mine;
        schedule(next, delay, () -> {
            if (next == attempt) {
                startAttempt();
            }
        });
    }

    private void shutDown(RelayException cause) {
        cancelTimer();
        attempt++;
        boolean wasConnected = state == ConnectionState.CONNECTED;
        dropSocket();
        if (wasConnected) {
            for (Endpoint e : endpoints.values()) {
                e.onDisconnected();
            }
        }
        firstWelcome.completeExceptionally(cause != null ? cause : new RelayException("relay client closed"));
        setState(ConnectionState.CLOSED, cause);
    }

    private void dropSocket() {
        Socket s;
        synchronized (this) {
            s = socket;
            socket = null;
            admitted = null; // stop send() before listeners hear about the loss
            pendingSyncs.clear(); // every document resyncs on the next Welcome
            freed = 0;
        }
        batchesInFlight.clear();
        batchesAnswering.clear();
        if (s != null) {
            s.off();
            s.close();
        }
    }

    private void setState(ConnectionState next, RelayException cause) {
        ConnectionState previous;
        synchronized (this) {
            previous = state;
            state = next;
        }
        if (previous == next) {
            return; // repeated RECONNECTING/OFFLINE while retrying is not a change
        }
        for (ConnectionStateListener l : stateListeners) {
            try {
                l.onStateChanged(next, cause);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "connection state listener failed", e);
            }
        }
    }

    private void schedule(long mine, Duration delay, Runnable work) {
        cancelTimer();
        timer = TIMER.schedule(() -> EventThread.exec(() -> {
            if (mine == attempt && !closed) {
                work.run();
            }
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static void deliver(Consumer<Message> l, Message m) {
        try {
            l.accept(m);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "relay message listener failed on " + m, e);
        }
    }

    private static Throwable cause(Object[] args) {
        return args.length > 0 && args[0] instanceof Throwable t ? t : null;
    }

    private static String describe(Object[] args) {
        if (args.length == 0 || args[0] == null) {
            return "no reason given";
        }
        Object a = args[0];
        Throwable t = a instanceof Throwable th ? th : null;
        while (t != null && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t != null ? RoomApi.describe(t) : a.toString();
    }

    /**
     * Connection parameters.
     *
     * @param relay          the relay's base URL (http or https)
     * @param room           room id
     * @param secret         editor or read-only secret
     * @param clientId       this member's id, non-negative (random per session)
     * @param userName       shown to others
     * @param color          {@code #rrggbb}, shown to others
     * @param connectTimeout bound on one attempt, from opening the socket to {@code Welcome}
     * @param backoffInitial delay before the first retry
     * @param backoffMax     largest delay between retries
     * @param offlineAfter   how long retries may fail before the state becomes {@link ConnectionState#OFFLINE}
     * @param seed           seeds the backoff jitter
     */
    public record Options(URI relay, String room, String secret, long clientId, String userName, String color,
                          Duration connectTimeout, Duration backoffInitial, Duration backoffMax,
                          Duration offlineAfter, long seed) {
        /** @throws MalformedInviteLinkException if {@code relay} is not an http(s) URL with a host */
        public Options {
            InviteLink.validateRelay(relay);
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(userName, "userName");
            Objects.requireNonNull(color, "color");
            if (clientId < 0) {
                throw new IllegalArgumentException("clientId must be non-negative, got " + clientId);
            }
        }

        /** Defaults: random client id, user "weft", colour #3b82f6, 5 s connect timeout, backoff 100 ms … 5 s, offline after 10 s. */
        public static Options of(URI relay, String room, String secret) {
            long id = new java.security.SecureRandom().nextLong() & ((1L << 53) - 1);
            return new Options(relay, room, secret, id, "weft", "#3b82f6", Duration.ofSeconds(5),
                    Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(10), id);
        }

        /** Options for an invite link. */
        public static Options of(InviteLink link) {
            return of(link.relay(), link.room(), link.secret());
        }

        public Options withUser(String userName, String color) {
            return new Options(relay, room, secret, clientId, userName, color, connectTimeout, backoffInitial,
                    backoffMax, offlineAfter, seed);
        }

        public Options withClientId(long clientId) {
            return new Options(relay, room, secret, clientId, userName, color, connectTimeout, backoffInitial,
                    backoffMax, offlineAfter, seed);
        }

        public Options withTimings(Duration connectTimeout, Duration backoffInitial, Duration backoffMax,
                                   Duration offlineAfter) {
            return new Options(relay, room, secret, clientId, userName, color, connectTimeout, backoffInitial,
                    backoffMax, offlineAfter, seed);
        }

        @Override
        public String toString() {
            return "Options[relay=" + relay + ", room=" + room + ", clientId=" + clientId + ", user=" + userName
                    + "]";
        }
    }
}
