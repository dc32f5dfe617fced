package dev.weft.client.cli;

import com.google.gson.JsonObject;
import dev.weft.client.journal.Journal;
import dev.weft.client.lan.LanChannel;
import dev.weft.client.lan.LanLink;
import dev.weft.client.lan.LanOptions;
import dev.weft.client.lan.discovery.LanDiscovery;
import dev.weft.client.workspace.ChannelPool;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code weft share DIR --lan} and {@code weft join --lan LINK DIR}: the folder peer over the LAN transport, with
 * no relay ({@code docs/protocol.md}, "LAN peers"). Peers are found by mDNS/DNS-SD on the local network and/or given
 * with {@code --peer host:port,…}.
 */
final class LanFolderCommand {
    static final Set<String> OPTIONS = Set.of("link", "timeout", "peer", "port", "bind", "discovery", "name");
    /** How long {@code join} waits for a first peer before going on from its own journal. */
    static final Duration FIRST_PEER_WAIT = Duration.ofSeconds(30);

    private final boolean share;
    private final Args args;
    private final List<String> words;

    LanFolderCommand(boolean share, List<String> argv) {
        this.share = share;
        this.args = Args.parse(argv, OPTIONS, Set.of());
        this.words = args.words();
    }

    int run(PrintStream out, PrintStream err) throws Exception {
        String command = share ? "share" : "join";
        LanLink link;
        Path dir;
        if (share) {
            dir = FolderSession.directory(words, command);
            if (!Files.isDirectory(dir)) {
                throw new WeftCli.CliFailure("not a directory: " + dir);
            }
            byte[] id = new byte[6];
            new SecureRandom().nextBytes(id);
            link = LanLink.newRoom("lan-" + HexFormat.of().formatHex(id));
        } else {
            String text;
            if (args.has("link")) {
                text = args.required("link");
                dir = FolderSession.directory(words, command);
            } else if (words.size() == 2) {
                text = words.get(0);
                dir = FolderSession.directory(words.subList(1, 2), command);
            } else {
                throw new UsageException("join --lan needs LINK DIR (or --link LINK DIR)");
            }
            link = LanLink.parse(text);
        }
        Duration timeout = RelaySession.timeout(args, 600);
        LanChannel lan = LanChannel.start(options(link));
        LanDiscovery discovery = null;
        if (lan.options().discovery()) {
            discovery = LanDiscovery.start(lan, m -> err.println("weft " + command + ": " + m));
        }
        err.println("weft " + command + ": LAN room " + link.room() + ", listening on port " + lan.port()
                + (discovery != null ? ", discovering peers by mDNS" : "")
                + (lan.options().peers().isEmpty() ? "" : ", peers " + args.optional("peer")));
        if (!share) {
            if (!lan.awaitFirstPeerSync(timeout.compareTo(FIRST_PEER_WAIT) < 0 ? timeout : FIRST_PEER_WAIT)) {
                if (lan.docNames().isEmpty()) {
                    lan.close();
                    throw new WeftCli.CliFailure("no LAN peer of room " + link.room() + " reachable within "
                            + FIRST_PEER_WAIT.toSeconds() + " s (wrong secret, or no peer on this network: try"
                            + " --peer host:port)");
                }
                err.println("weft join: no peer reachable yet; going on from this node's journal");
            }
        }
        ChannelPool pool = new ChannelPool(lan, () -> lan, Integer.MAX_VALUE);
        FolderSession.Running running = FolderSession.startOn(pool, link.room(), dir, timeout, err, command);
        JsonObject json = new JsonObject();
        if (share) {
            json.addProperty("room", link.room());
            json.addProperty("secret", link.secret());
            json.addProperty("readOnlySecret", link.readOnly().secret());
            json.addProperty("link", link.format());
            json.addProperty("readOnlyLink", link.readOnly().format());
        } else {
            json.addProperty("synced", true);
            json.addProperty("files", running.files);
        }
        json.addProperty("port", lan.port());
        out.println(json);
        out.flush();
        LanDiscovery d = discovery;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (d != null) {
                d.close();
            }
        }, "weft-lan-discovery-stop"));
        running.runUntilSignal();
        return 0;
    }

    private LanOptions options(LanLink link) {
        List<InetSocketAddress> peers = new ArrayList<>();
        String peerList = args.optional("peer");
        if (peerList != null) {
            for (String p : peerList.split(",")) {
                if (!p.isBlank()) {
                    try {
                        peers.add(LanOptions.parsePeer(p.trim()));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
            }
        }
        int port = (int) args.positive("port", 1);
        if (!args.has("port")) {
            port = 0;
        } else if (port > 65535) {
            throw new UsageException("--port must be 1–65535");
        }
        InetAddress bind;
        try {
            bind = InetAddress.getByName(args.has("bind") ? args.required("bind") : "0.0.0.0");
        } catch (UnknownHostException e) {
            throw new UsageException("--bind: unknown address '" + args.optional("bind") + "'");
        }
        String discovery = args.has("discovery") ? args.required("discovery") : "on";
        if (!discovery.equals("on") && !discovery.equals("off")) {
            throw new UsageException("--discovery must be on or off, got '" + discovery + "'");
        }
        String name = args.has("name") ? args.required("name") : System.getProperty("user.name", "weft");
        return LanOptions.of(link, Journal.defaultDataDir()).withBind(bind, port).withPeers(peers)
                .withDiscovery(discovery.equals("on")).withUser(name);
    }
}
