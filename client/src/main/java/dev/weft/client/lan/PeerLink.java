package dev.weft.client.lan;

import dev.weft.client.lan.secure.SecureChannel;
import dev.weft.sync.MalformedMessageException;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One authenticated connection to another LAN peer: a reader thread that decodes frames and hands each message to
 * the hub, and a writer thread so that a slow peer never blocks the hub. The hub owns the fields marked "hub
 * executor".
 */
final class PeerLink {
    private static final Logger LOG = Logger.getLogger(PeerLink.class.getName());

    /** Lifecycle: OPEN (channel up, no Hello yet) → IDENTIFIED (Hello checked) → SYNCED (initial sync done) → CLOSED. */
    enum State { OPEN, IDENTIFIED, SYNCED, CLOSED }

    /** The encrypted channel; immutable reference. */
    final SecureChannel channel;
    /** The address we dialed, or null if the peer dialed us; immutable. */
    final InetSocketAddress dialed;
    private final ExecutorService writer;
    /** Run once when the connection ends; add before {@link #start}. */
    private final java.util.List<Runnable> endHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

    // ---- hub executor ----
    /** The link's state. */
    State state = State.OPEN;
    /** The peer's node id (after Hello); volatile so that the dialer can read it after the link ended. */
    volatile long nodeId = -1;
    /** The peer's user name (after Hello), for logs. */
    String peerName = "";
    /** True if the hub accepts this peer's updates (a proven editor, see {@link Hub}). */
    boolean trustedWriter;
    /** Documents whose initial SyncReply from this peer has not arrived yet. */
    final Set<String> awaiting = new HashSet<>();
    /** True once the peer's Welcome (document list) has been handled. */
    boolean welcomed;

    PeerLink(SecureChannel channel, InetSocketAddress dialed) {
        this.channel = channel;
        this.dialed = dialed;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weft-lan-write-" + channel.remote());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the reader thread: every decoded message goes to {@code onMessage}, the end of the connection (with
     * its cause) to {@code onClosed}, once.
     */
    void start(BiConsumer<PeerLink, Message> onMessage, Consumer<PeerLink> onClosed) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    byte[] frame = channel.receive();
                    Message m;
                    try {
                        m = MessageCodec.decode(frame);
                    } catch (MalformedMessageException e) {
                        LOG.warning("LAN peer " + channel.remote() + " sent a malformed message; closing: " + e);
                        break;
                    }
                    onMessage.accept(this, m);
                }
            } catch (EOFException e) {
                LOG.fine(() -> "LAN peer " + channel.remote() + " closed the connection");
            } catch (IOException e) {
                LOG.log(Level.FINE, "LAN peer " + channel.remote() + ": " + e.getMessage());
            } finally {
                close();
                onClosed.accept(this);
                endHooks.forEach(Runnable::run);
            }
        }, "weft-lan-read-" + channel.remote());
        t.setDaemon(true);
        t.start();
    }

    /** Runs {@code hook} once when the connection ends (register before {@link #start}). */
    void onEnd(Runnable hook) {
        endHooks.add(hook);
    }

    /** The peer's node id once it said Hello, else -1. */
    long nodeIdSeen() {
        return nodeId;
    }

    /** Queues {@code m} for sending; dropped silently if the link is closed (the next sync resends). */
    void send(Message m) {
        byte[] bytes = MessageCodec.encode(m);
        try {
            writer.execute(() -> {
                try {
                    channel.send(bytes);
                } catch (IOException e) {
                    LOG.fine(() -> "LAN peer " + channel.remote() + ": send failed: " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** Closes the channel (the reader then reports the end). Idempotent. */
    void close() {
        channel.close();
        writer.shutdown();
    }

    @Override
    public String toString() {
        return "PeerLink[" + channel.remote() + ", node=" + Long.toHexString(nodeId) + ", " + state + "]";
    }
}
