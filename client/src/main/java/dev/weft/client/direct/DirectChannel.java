package dev.weft.client.direct;

import dev.weft.client.ConnectionState;
import dev.weft.client.SyncChannel;
import dev.weft.client.lan.secure.RoomKeys;
import dev.weft.client.ForwardingSyncChannel;
import dev.weft.client.relay.RelayClient;
import dev.weft.sync.Message;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A relay connection with direct links to the other members that can be reached ({@code docs/protocol.md}, "Direct
 * connections"). Every message goes to the relay, as with a plain {@link RelayClient}; a non-empty {@code Update}
 * also goes over every direct link that is up, and to the relay as a {@code DirectUpdate} naming those members, so
 * the relay stores and acknowledges it (its durable copy stays complete) but does not forward it to them. A receiver
 * applies an update from either path (the CRDT ignores what it has, so nothing is doubled). When a link breaks the
 * receiver tells the relay ({@code Signal(DOWN)}), then resyncs every document with it, so whatever was in flight
 * on the broken link comes from the relay: nothing is lost.
 *
 * <p>Threads: relay events arrive on the relay's event thread; each link has a reader thread; link setup (probe,
 * punch, QUIC, handshake) runs on a small pool. Documents' endpoints confine their work to their own executors.
 */
public final class DirectChannel extends ForwardingSyncChannel implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DirectChannel.class.getName());
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(8);

    /** The relay connection; immutable reference. */
    private final RelayClient relay;
    /** Documents attached through this channel (direct updates are delivered to them). */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    /** Other members that take direct connections, by client id. */
    private final Map<Long, Peer> peers = new ConcurrentHashMap<>();
    /** The relay's rendezvous answer; replaced on every (re)join. */
    private volatile CompletableFuture<Rendezvous> rendezvous = new CompletableFuture<>();
    /** Link setup and retries. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("timer"));
    private final ExecutorService setups = Executors.newCachedThreadPool(daemon("setup"));
    private final Consumer<Message> relayListener = this::onRelayMessage;
    private volatile boolean closed;
    /** Updates sent over direct links (one per link). */
    private final AtomicLong sentDirect = new AtomicLong();
    /** Updates received over direct links and delivered to a document. */
    private final AtomicLong receivedDirect = new AtomicLong();
    /** Updates from read-only members over direct links, dropped. */
    private final AtomicLong refusedDirect = new AtomicLong();
    /** Link setups that failed (timeouts, wrong keys, UDP blocked). */
    private final AtomicLong failedSetups = new AtomicLong();

    /** What the relay answered to our offer. */
    private record Rendezvous(InetSocketAddress udp, RoomKeys keys) {
    }

    /** Direct state for one other member; fields guarded by the instance lock. */
    private static final class Peer {
        final long id;
        /** The link, or null. */
        DirectLink link;
        /** The current setup attempt's id (chosen by the smaller client id), 0 if none runs. */
        long attempt;
        /** The current attempt's UDP socket until QUIC owns it (closed to abort the attempt), or null. */
        DatagramChannel socket;
        /** The peer's candidates for the current attempt (the smaller id's side waits on it). */
        CompletableFuture<List<InetSocketAddress>> candidates = new CompletableFuture<>();
        /** Consecutive failed setups (for the retry backoff). */
        int failures;

        Peer(long id) {
            this.id = id;
        }

        /** Aborts the running attempt, if any. */
        void abort() {
            attempt = 0;
            candidates.completeExceptionally(new IOException("setup attempt replaced"));
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
                socket = null;
            }
        }
    }

    private DirectChannel(RelayClient relay) {
        super(relay);
        this.relay = relay;
    }

    /**
     * Direct links over {@code relay} (connected or not): offers them on every (re)join and keeps them up while the
     * relay lets members meet. Close this channel, not the relay client, when done (it closes both).
     */
    public static DirectChannel over(RelayClient relay) {
        DirectChannel d = new DirectChannel(relay);
        relay.addMessageListener(d.relayListener);
        if (relay.state() == ConnectionState.CONNECTED) {
            d.offer();
        }
        d.timer.scheduleAtFixedRate(d::pingAll, 1, 1, TimeUnit.SECONDS);
        d.setups.execute(() -> {
            try {
                QuicTransport.warmUp();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "no QUIC certificate: this member cannot accept direct links", e);
            }
        });
        return d;
    }

    /** The relay connection under this channel. */
    public RelayClient relay() {
        return relay;
    }

    /** Client ids of the members with a direct link up now. */
    public List<Long> directPeers() {
        List<Long> up = new ArrayList<>();
        for (Peer p : peers.values()) {
            synchronized (p) {
                if (p.link != null) {
                    up.add(p.id);
                }
            }
        }
        Collections.sort(up);
        return up;
    }

    public long sentDirect() {
        return sentDirect.get();
    }

    public long receivedDirect() {
        return receivedDirect.get();
    }

    public long refusedDirect() {
        return refusedDirect.get();
    }

    public long failedSetups() {
        return failedSetups.get();
    }

    // ---- SyncChannel ------------------------------------------------------------------------------------------

    @Override
    public boolean send(Message message) {
        if (message instanceof Message.Update u && u.update().length > 0 && !relay.readOnly()) {
            List<Long> skip = new ArrayList<>();
            for (Peer p : peers.values()) {
                DirectLink link;
                synchronized (p) {
                    link = p.link;
                }
                if (link == null) {
                    continue;
                }
                try {
                    link.send(u);
                    skip.add(p.id);
                    sentDirect.incrementAndGet();
                } catch (IOException e) {
                    linkLost(p, link, e);
                }
            }
            if (!skip.isEmpty()) {
                Collections.sort(skip);
                return relay.send(new Message.DirectUpdate(u.doc(), u.update(), skip));
            }
        }
        return relay.send(message);
    }

    @Override
    public void attach(String doc, Endpoint endpoint) {
        relay.attach(doc, endpoint);
        endpoints.put(doc, endpoint);
    }

    @Override
    public void detach(String doc, Endpoint endpoint) {
        endpoints.remove(doc, endpoint);
        relay.detach(doc, endpoint);
    }

    // ---- signalling ---------------------------------------------------------------------------------------------

    private void offer() {
        relay.send(new Message.Signal(0, Message.Signal.OFFER, new byte[0]));
        // The relay forgot our routes with the old connection: confirm the links that are still up.
        for (Long id : directPeers()) {
            relay.send(new Message.Signal(id, Message.Signal.UP, new byte[0]));
        }
    }

    private void onRelayMessage(Message m) {
        if (closed) {
            return;
        }
        if (m instanceof Message.Welcome) {
            offer();
            return;
        }
        if (!(m instanceof Message.Signal g)) {
            return;
        }
        switch (g.kind()) {
            case Message.Signal.RENDEZVOUS -> onRendezvous(g.data());
            case Message.Signal.OFFER -> {
                relay.send(new Message.Signal(g.peer(), Message.Signal.ANSWER, new byte[0]));
                startAttempt(g.peer());
            }
            case Message.Signal.ANSWER -> startAttempt(g.peer());
            case Message.Signal.CANDIDATES -> onCandidates(g.peer(), g.data());
            default -> LOG.fine("ignoring signal kind " + g.kind());
        }
    }

    private void onRendezvous(byte[] data) {
        try {
            ByteBuffer b = ByteBuffer.wrap(data);
            int port = b.getShort() & 0xffff;
            byte[] member = new byte[32];
            b.get(member);
            byte[] editor = null;
            if (b.remaining() >= 32) {
                editor = new byte[32];
                b.get(editor);
            }
            InetAddress host = InetAddress.getByName(relay.currentRelay().getHost());
            Rendezvous rv = new Rendezvous(new InetSocketAddress(host, port),
                    RoomKeys.fromKeys(relay.options().room(), member, editor));
            if (!rendezvous.complete(rv)) {
                rendezvous = CompletableFuture.completedFuture(rv); // a rejoin: the newest answer wins
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "bad rendezvous answer from the relay; no direct links", e);
        }
    }

    /**
     * Starts a setup attempt with {@code peerId} if we have the smaller client id (the larger one follows when our
     * candidates arrive, {@link #onCandidates}) and no link or attempt is running.
     */
    private void startAttempt(long peerId) {
        long me = relay.clientId();
        if (peerId == me || closed || me > peerId) {
            return;
        }
        Peer p = peers.computeIfAbsent(peerId, Peer::new);
        long attempt = new java.security.SecureRandom().nextLong() & Long.MAX_VALUE | 1;
        synchronized (p) {
            if (p.attempt != 0 || p.link != null) {
                return;
            }
            p.attempt = attempt;
            p.candidates = new CompletableFuture<>();
        }
        setups.execute(() -> setup(p, attempt, null));
    }

    /**
     * The peer's candidates: for our attempt (we have the smaller id), or the start of the peer's attempt, which
     * replaces any attempt of ours that is still running.
     */
    private void onCandidates(long peerId, byte[] data) {
        if (peerId == relay.clientId() || closed) {
            return;
        }
        String text = new String(data, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        long attempt;
        try {
            attempt = Long.parseUnsignedLong(nl < 0 ? text : text.substring(0, nl), 16);
        } catch (NumberFormatException e) {
            return;
        }
        List<InetSocketAddress> list = parseCandidates(data);
        Peer p = peers.computeIfAbsent(peerId, Peer::new);
        if (relay.clientId() < peerId) {
            synchronized (p) {
                if (p.attempt == attempt) {
                    p.candidates.complete(list);
                }
            }
            return;
        }
        synchronized (p) {
            if (p.attempt == attempt || attempt == 0) {
                return;
            }
            p.abort();
            if (p.link != null) {
                // The peer started over: its end of our link is gone, ours will time out; replace it now.
                DirectLink old = p.link;
                setups.execute(() -> linkLost(p, old, new IOException("the peer started a new link")));
            }
            p.attempt = attempt;
        }
        setups.execute(() -> setup(p, attempt, list));
    }

    /**
     * One attempt: probe the relay for our public address, send our candidates, punch, QUIC, authenticate.
     *
     * @param theirs the peer's candidates if it started the attempt, else null (we wait for them)
     */
    private void setup(Peer p, long attempt, List<InetSocketAddress> theirs) {
        long me = relay.clientId();
        boolean client = me < p.id;
        DatagramChannel udp = null;
        try {
            if (!client) {
                QuicTransport.warmUp(); // the first certificate takes a while: not inside the peer's QUIC timeout
            }
            Rendezvous rv = rendezvous.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            udp = DatagramChannel.open(StandardProtocolFamily.INET);
            udp.bind(new InetSocketAddress(0));
            synchronized (p) {
                if (p.attempt != attempt) {
                    throw new IOException("setup attempt replaced");
                }
                p.socket = udp;
            }
            InetSocketAddress seen = RelayProbe.observe(udp, rv.udp(), 15);
            List<InetSocketAddress> mine = candidates(udp.socket().getLocalPort(), seen);
            relay.send(new Message.Signal(p.id, Message.Signal.CANDIDATES, formatCandidates(attempt, mine)));
            List<InetSocketAddress> remote = theirs;
            if (remote == null) {
                CompletableFuture<List<InetSocketAddress>> f;
                synchronized (p) {
                    f = p.candidates;
                }
                remote = f.get(2 * STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            InetSocketAddress peerAddr = HolePunch.punch(udp, remote, Math.min(me, p.id), Math.max(me, p.id), client,
                    Duration.ofSeconds(5));
            synchronized (p) {
                if (p.attempt != attempt) {
                    throw new IOException("setup attempt replaced");
                }
                p.socket = null;
            }
            StreamIo io = client ? QuicTransport.connect(udp, peerAddr, STEP_TIMEOUT)
                    : QuicTransport.accept(udp, STEP_TIMEOUT);
            udp = null; // owned by the QUIC channel now
            DirectLink link = DirectLink.open(io, peerAddr.toString(), rv.keys(), client, me, p.id, STEP_TIMEOUT);
            synchronized (p) {
                if (p.attempt != attempt || closed) {
                    link.close();
                    return;
                }
                p.link = link;
                p.attempt = 0;
                p.failures = 0;
            }
            LOG.info("direct link to member " + p.id + " up via " + peerAddr + (link.peerEditor ? "" : " (read-only)"));
            relay.send(new Message.Signal(p.id, Message.Signal.UP, new byte[0]));
            Thread reader = new Thread(() -> read(p, link), "weft-direct-read-" + p.id);
            reader.setDaemon(true);
            reader.start();
        } catch (Exception e) {
            failedSetups.incrementAndGet();
            LOG.log(Level.INFO, "direct link to member " + p.id + " not set up; staying on the relay: " + e);
            if (udp != null) {
                try {
                    udp.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            boolean replaced;
            synchronized (p) {
                replaced = p.attempt != attempt;
                if (!replaced) {
                    p.attempt = 0;
                    p.socket = null;
                }
            }
            if (!replaced) {
                retryLater(p);
            }
        }
    }

    /** After a failure: the smaller id starts a new attempt after a backoff (1 s doubling to 30 s). */
    private void retryLater(Peer p) {
        int failures;
        synchronized (p) {
            failures = ++p.failures;
        }
        if (closed || relay.clientId() > p.id) {
            return;
        }
        long delay = Math.min(30_000, 1000L << Math.min(failures - 1, 5));
        timer.schedule(() -> {
            if (!closed && relay.state() == ConnectionState.CONNECTED) {
                startAttempt(p.id);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void read(Peer p, DirectLink link) {
        try {
            while (!closed) {
                Message m = link.receive();
                if (m instanceof Message.Update u) {
                    if (!link.peerEditor) {
                        refusedDirect.incrementAndGet();
                        continue;
                    }
                    Endpoint e = endpoints.get(u.doc());
                    if (e != null) {
                        receivedDirect.incrementAndGet();
                        e.onMessage(u);
                    }
                }
            }
        } catch (IOException e) {
            linkLost(p, link, e);
        }
    }

    /**
     * A link broke: forget it, tell the relay to forward everything from that member to us again, and resync every
     * document with the relay (what was in flight on the link is in the relay's copy).
     */
    private void linkLost(Peer p, DirectLink link, Exception why) {
        synchronized (p) {
            if (p.link != link) {
                return;
            }
            p.link = null;
        }
        link.close();
        if (closed) {
            return;
        }
        LOG.info("direct link to member " + p.id + " lost (" + why + "); back on the relay");
        if (relay.send(new Message.Signal(p.id, Message.Signal.DOWN, new byte[0]))) {
            for (Endpoint e : endpoints.values()) {
                e.onDisconnected();
                e.onConnected();
            }
        }
        retryLater(p);
    }

    private void pingAll() {
        for (Peer p : peers.values()) {
            DirectLink link;
            synchronized (p) {
                link = p.link;
            }
            if (link != null) {
                try {
                    link.ping();
                } catch (IOException e) {
                    linkLost(p, link, e);
                }
            }
        }
    }

    // ---- candidates ---------------------------------------------------------------------------------------------

    /** Our host candidates (every IPv4 address of an interface that is up) and the relay-observed one. */
    private static List<InetSocketAddress> candidates(int port, InetSocketAddress observed) throws IOException {
        List<InetSocketAddress> out = new ArrayList<>();
        out.add(observed);
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                InetSocketAddress c = new InetSocketAddress(a, port);
                if (a instanceof Inet4Address && !out.contains(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** {@code attempt} in hex on the first line, then one {@code IPv4:port} per line. */
    static byte[] formatCandidates(long attempt, List<InetSocketAddress> list) {
        StringBuilder b = new StringBuilder(Long.toHexString(attempt)).append('\n');
        for (InetSocketAddress a : list) {
            b.append(a.getAddress().getHostAddress()).append(':').append(a.getPort()).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses candidates; lines that are not {@code IPv4:port} are skipped (only addresses, no name lookups). */
    static List<InetSocketAddress> parseCandidates(byte[] data) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            int colon = line.lastIndexOf(':');
            if (colon <= 0 || out.size() >= 32) {
                continue;
            }
            String host = line.substring(0, colon);
            if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                continue;
            }
            try {
                int port = Integer.parseInt(line.substring(colon + 1));
                if (port > 0 && port < 65536) {
                    out.add(new InetSocketAddress(InetAddress.getByName(host), port)); // a literal: no lookup
                }
            } catch (NumberFormatException | IOException e) {
                // skipped
            }
        }
        return out;
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------------

    /** Closes every link and the relay connection. */
    @Override
    public void close() {
        closed = true;
        relay.removeMessageListener(relayListener);
        timer.shutdownNow();
        setups.shutdownNow();
        for (Peer p : peers.values()) {
            DirectLink link;
            synchronized (p) {
                link = p.link;
                p.link = null;
            }
            if (link != null) {
                link.close();
            }
        }
        relay.close();
    }

    private static java.util.concurrent.ThreadFactory daemon(String what) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, "weft-direct-" + what + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
