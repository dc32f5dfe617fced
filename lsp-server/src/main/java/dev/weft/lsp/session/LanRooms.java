package dev.weft.lsp.session;

import dev.weft.client.invite.MalformedInviteLinkException;
import dev.weft.client.lan.LanChannel;
import dev.weft.client.lan.LanLink;
import dev.weft.client.lan.LanOptions;
import dev.weft.client.lan.discovery.LanBrowser;
import dev.weft.client.lan.discovery.LanDiscovery;
import dev.weft.lsp.customservice.WeftProtocol;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * LAN rooms for the editors (docs/protocol.md, "LAN sessions in editors"): starts this member's node
 * ({@link LanChannel}) with the {@code lan…} initialization options and its mDNS advertisement, remembers the LAN
 * links this server used, and answers {@code weft.lanSessions} from a {@link LanBrowser} kept open after the first
 * call. What it reports of a session someone else advertises is what the advertisement reveals — a tag, addresses,
 * the optional host-chosen label — plus the room and link only when a link the caller holds matches the tag.
 */
final class LanRooms implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LanRooms.class.getName());
    /** Default and longest first listen of {@code weft.lanSessions}. */
    static final Duration DEFAULT_WAIT = Duration.ofMillis(1500);
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final SessionConfig config;
    private final RoomOpener opener;
    /** LAN links this server shared or joined since it started (editor or read-only), by text. */
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    /** The browser, once {@code weft.lanSessions} ran; guarded by {@code this}. */
    private LanBrowser browser;

    LanRooms(SessionConfig config, RoomOpener opener) {
        this.config = config;
        this.opener = opener;
    }

    /** A new LAN room (id {@code lan-<12 hex>}, a fresh editor secret), its node started and advertised. */
    LanConnection create(String label) {
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        return open(LanLink.newRoom("lan-" + HexFormat.of().formatHex(id)), List.of(), label);
    }

    /**
     * A new LAN room as the session's {@link Room}: its node started and advertised ({@link #create}), this
     * process's journal slot of it locked, the links {@code weft://lan?…} (no relay link).
     *
     * @throws IOException if the journal slot cannot be opened (the node is closed again)
     */
    Room createRoom(String label) throws IOException {
        LanConnection rc = create(label);
        dev.weft.client.journal.RoomJournal rj;
        try {
            rj = config.journal().openRoom(rc.link().room());
        } catch (IOException | RuntimeException e) {
            rc.close();
            throw e;
        }
        rc.connect();
        LOG.info("LAN room " + rc.link().room() + " on port " + rc.lanPort()
                + (rc.discovering() ? ", advertised by mDNS" : ", not advertised"));
        return new Room(rc.link().room(), rc, null, rc.link().format(), rc.link().readOnly().format(), rj);
    }

    /**
     * Starts this member's node for {@code link}, dialing {@code peers} and the configured {@code lanPeers}, and
     * advertising it (with {@code label}, else the configured {@code lanLabel}) when discovery is on. A node that
     * cannot start mDNS goes on without it (explicit peers still work) and logs why.
     *
     * @throws org.eclipse.lsp4j.jsonrpc.ResponseErrorException {@code InvalidParams} for a bad option or label,
     *         {@code RequestFailed} if the node cannot start (its journal is in use by another process, no port)
     */
    LanConnection open(LanLink link, List<InetSocketAddress> peers, String label) {
        WeftProtocol.InitOptions o = config.options();
        String shown;
        try {
            shown = LanDiscovery.checkLabel(label != null && !label.isBlank() ? label : o.lanLabel);
        } catch (IllegalArgumentException e) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "label: " + e.getMessage());
        }
        List<InetSocketAddress> all = new ArrayList<>(peers);
        all.addAll(parsePeers(o.lanPeers == null ? List.of() : List.of(o.lanPeers.split(",")),
                "initializationOptions.lanPeers"));
        boolean discover = o.lanDiscovery == null || o.lanDiscovery;
        String user = opener.user();
        LanOptions lo = LanOptions.of(link, dataDir()).withBind(bind(), 0).withPeers(all).withDiscovery(discover)
                .withUser(user);
        LanChannel lan;
        try {
            lan = LanChannel.start(lo);
        } catch (IOException | RuntimeException e) {
            throw SessionThread.error(ResponseErrorCode.RequestFailed, "cannot start the LAN node of room "
                    + link.room() + ": " + e.getMessage());
        }
        LanDiscovery discovery = null;
        if (discover) {
            try {
                discovery = LanDiscovery.start(lan, shown, m -> LOG.info("LAN: " + m));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "no mDNS on this network (" + e.getMessage() + "); LAN room " + link.room()
                        + " reaches only the peers given explicitly");
            }
        }
        used.add(link.format());
        return (LanConnection) opener.watched(new LanConnection(lan, discovery, link, user, opener.color()));
    }

    /** The data directory the session journal uses; the node's journal goes under {@code <it>/lan/}. */
    private Path dataDir() {
        String d = config.options().dataDir;
        return d != null && !d.isBlank() ? Path.of(d) : dev.weft.client.journal.Journal.defaultDataDir();
    }

    /** {@code lanBind}, or every interface. */
    private InetAddress bind() {
        String b = config.options().lanBind;
        try {
            return InetAddress.getByName(b == null || b.isBlank() ? "0.0.0.0" : b.strip());
        } catch (UnknownHostException e) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "initializationOptions.lanBind: unknown "
                    + "address '" + b + "'");
        }
    }

    /**
     * {@code host:port} entries (blank ones skipped).
     *
     * @throws org.eclipse.lsp4j.jsonrpc.ResponseErrorException {@code InvalidParams} naming {@code field} and the bad
     *         entry
     */
    static List<InetSocketAddress> parsePeers(List<String> entries, String field) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String p : entries) {
            if (p == null || p.isBlank()) {
                continue;
            }
            try {
                out.add(LanOptions.parsePeer(p.strip()));
            } catch (IllegalArgumentException e) {
                throw SessionThread.error(ResponseErrorCode.InvalidParams, field + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * {@code weft.lanSessions}: the LAN rooms advertised now, one entry per room tag, known rooms first. A room is
     * known when one of {@code args.links} or a link this server used has its tag; only then are its id and link
     * reported. Our own node is left out; another node of our current room is reported with {@code current}.
     *
     * @throws org.eclipse.lsp4j.jsonrpc.ResponseErrorException {@code RequestFailed} if mDNS cannot run here
     */
    WeftProtocol.LanSessionsResult sessions(WeftProtocol.LanSessionsArgs args, Room current) {
        Map<String, LanLink> known = new LinkedHashMap<>();
        List<String> links = new ArrayList<>(used);
        if (args != null && args.links != null) {
            links.addAll(args.links);
        }
        for (String text : links) {
            try {
                LanLink l = LanLink.parse(text == null ? "" : text);
                known.merge(l.keys().roomTag(), l, (a, b) -> a.editor() ? a : b);
            } catch (MalformedInviteLinkException e) {
                // not a LAN link (a relay link, or garbage the editor stored): it matches nothing
            }
        }
        long wait = args == null || args.waitMs == null ? DEFAULT_WAIT.toMillis()
                : Math.max(0, Math.min(MAX_WAIT.toMillis(), args.waitMs));
        LanConnection mine = current != null && current.client instanceof LanConnection lc ? lc : null;
        Map<String, WeftProtocol.LanSession> byTag = new LinkedHashMap<>();
        for (LanBrowser.Advertisement ad : browser().list(Duration.ofMillis(wait))) {
            if (mine != null && ad.node().equals(mine.nodeHex())) {
                continue;
            }
            WeftProtocol.LanSession s = byTag.computeIfAbsent(ad.tag(), t -> {
                WeftProtocol.LanSession n = new WeftProtocol.LanSession();
                n.tag = t;
                LanLink l = known.get(t);
                if (l != null) {
                    n.known = true;
                    n.room = l.room();
                    n.link = l.format();
                }
                n.current = mine != null && mine.roomTag().equals(t);
                return n;
            });
            if (s.label == null) {
                s.label = ad.label();
            }
            for (String a : ad.addresses()) {
                String peer = a + ":" + ad.port();
                if (!s.peers.contains(peer)) {
                    s.peers.add(peer);
                }
            }
        }
        WeftProtocol.LanSessionsResult res = new WeftProtocol.LanSessionsResult();
        res.sessions.addAll(byTag.values());
        res.sessions.sort(Comparator.comparing((WeftProtocol.LanSession s) -> !s.known)
                .thenComparing(s -> s.label == null ? "\uffff" : s.label).thenComparing(s -> s.tag));
        return res;
    }

    private synchronized LanBrowser browser() {
        if (browser == null) {
            String b = config.options().lanBind;
            try {
                browser = LanBrowser.start(b == null || b.isBlank() ? null : InetAddress.getByName(b.strip()));
            } catch (UnknownHostException e) {
                throw SessionThread.error(ResponseErrorCode.InvalidParams, "initializationOptions.lanBind: unknown "
                        + "address '" + b + "'");
            } catch (IOException e) {
                throw SessionThread.error(ResponseErrorCode.RequestFailed, "cannot look for LAN sessions: mDNS "
                        + "does not run here (" + e.getMessage() + ")");
            }
        }
        return browser;
    }

    @Override
    public synchronized void close() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }
}
