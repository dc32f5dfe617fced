package dev.weft.lsp.session;

import dev.weft.client.ConnectionState;
import dev.weft.client.ConnectionStateListener;
import dev.weft.client.lan.LanChannel;
import dev.weft.client.lan.LanLink;
import dev.weft.client.lan.discovery.LanDiscovery;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.sync.Role;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A member connection to a LAN room (no relay; docs/protocol.md, "LAN peers"): this process's {@link LanChannel}
 * node, and its mDNS advertisement when discovery is on. The node is always "connected" (its own journal is the
 * durable copy and acknowledges edits); {@link #welcome()} is the node's own view of the room, made at
 * {@link #connect()}.
 */
final class LanConnection extends ChannelConnection {
    /** The node; immutable reference, closed by {@link #close()}. */
    private final LanChannel lan;
    /** Its advertisement and browsing, or null when discovery is off or unavailable; closed with the node. */
    private final LanDiscovery discovery;
    /** The link this member holds. Immutable. */
    private final LanLink link;
    private final String user;
    private final String color;
    private final List<ConnectionStateListener> stateListeners = new CopyOnWriteArrayList<>();
    /** The Welcome made at {@link #connect()}, or null before. */
    private volatile Message.Welcome welcome;

    LanConnection(LanChannel lan, LanDiscovery discovery, LanLink link, String user, String color) {
        super(lan);
        this.lan = lan;
        this.discovery = discovery;
        this.link = link;
        this.user = user;
        this.color = color;
    }

    LanLink link() {
        return link;
    }

    /** The room tag this node advertises (reveals neither secret nor content). */
    String roomTag() {
        return lan.roomTag();
    }

    /** This node's id (its advertisement's {@code node}), as hex. */
    String nodeHex() {
        return Long.toHexString(lan.nodeId());
    }

    /** True if mDNS advertises this node and finds its peers. */
    boolean discovering() {
        return discovery != null;
    }

    /**
     * Waits until the first peer link finished its initial sync.
     *
     * @return false if none did within {@code timeout}
     */
    boolean awaitFirstPeer(Duration timeout) throws InterruptedException {
        return lan.awaitFirstPeerSync(timeout);
    }

    /** The documents the node holds now. */
    List<String> docNames() {
        return lan.docNames();
    }

    /** Completes at once with the node's view: its role and the documents it holds now. */
    @Override
    public CompletableFuture<Message.Welcome> connect() {
        Message.Welcome w = new Message.Welcome(MessageCodec.PROTOCOL_VERSION,
                link.editor() ? Role.EDITOR : Role.READ_ONLY, docNames());
        welcome = w;
        return CompletableFuture.completedFuture(w);
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

    /** The node never changes state but at {@link #close()} (CLOSED). */
    @Override
    public void addStateListener(ConnectionStateListener l) {
        stateListeners.add(l);
    }

    @Override
    public void addMessageListener(Consumer<Message> l) {
        lan.addMessageListener(l);
    }

    @Override
    public Transport transport() {
        return Transport.LAN;
    }

    @Override
    public int lanPort() {
        return lan.port();
    }

    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
        lan.close();
        for (ConnectionStateListener l : stateListeners) {
            l.onStateChanged(ConnectionState.CLOSED, null);
        }
    }
}
