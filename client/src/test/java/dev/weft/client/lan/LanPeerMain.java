package dev.weft.client.lan;

import dev.weft.client.SharedDocument;
import dev.weft.client.lan.discovery.LanDiscovery;
import dev.weft.crdt.TextDocument;
import dev.weft.client.testing.PeerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A LAN peer as its own process, driven over stdin/stdout by {@link LanNetnsTest}: one document, seeded random
 * edits on command. Args: LINK DATA_DIR BIND_ADDR PORT PEERS(comma list or -) DISCOVERY(on|off).
 * Commands (one reply line each): {@code edit N SEED}, {@code append N SEED} (typing at the end),
 * {@code insert TEXT}, {@code durable}, {@code state},
 * {@code contains TEXT}.
 */
public final class LanPeerMain {
    private LanPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        LanLink link = LanLink.parse(args[0]);
        List<InetSocketAddress> peers = new ArrayList<>();
        if (!args[4].equals("-")) {
            for (String p : args[4].split(",")) {
                peers.add(LanOptions.parsePeer(p));
            }
        }
        LanOptions o = LanOptions.of(link, Path.of(args[1])).withBind(InetAddress.getByName(args[2]),
                Integer.parseInt(args[3])).withPeers(peers).withDiscovery(args[5].equals("on"));
        long started = System.nanoTime();
        LanChannel lan = LanChannel.start(o);
        long[] firstSyncNanos = {-1};
        lan.firstPeerSynced().thenRun(() -> firstSyncNanos[0] = System.nanoTime());
        if (o.discovery()) {
            LanDiscovery.start(lan, m -> { });
        }
        SharedDocument doc = SharedDocument.open(lan, "doc", new TextDocument(new Random().nextLong() & ((1L << 53) - 1)));
        doc.firstSync().get();
        System.out.println("{\"port\":" + lan.port() + "}");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.split(" ", 2);
            String reply;
            switch (w[0]) {
                case "edit" -> {
                    String[] nSeed = w[1].split(" ");
                    Random r = new Random(Long.parseLong(nSeed[1]));
                    for (int i = Integer.parseInt(nSeed[0]); i > 0; i--) {
                        LanNodes.randomEdit(doc, r);
                        if (r.nextInt(10) == 0) {
                            Thread.sleep(1 + r.nextInt(5));
                        }
                    }
                    reply = "ok";
                }
                case "append" -> {
                    String[] nSeed = w[1].split(" ");
                    Random r = new Random(Long.parseLong(nSeed[1]));
                    for (int i = Integer.parseInt(nSeed[0]); i > 0; i--) {
                        String letter = String.valueOf((char) ('a' + r.nextInt(26)));
                        doc.edit(t -> t.insert(t.length(), letter)).join();
                        Thread.sleep(1);
                    }
                    reply = "ok";
                }
                case "insert" -> {
                    doc.insert(0, w[1]).join();
                    reply = "ok";
                }
                case "durable" -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    boolean ok = doc.awaitAllAcked(Duration.ofSeconds(20));
                    while (ok && !lan.peerDurable("doc", lan.version("doc"))) {
                        if (System.nanoTime() > deadline) {
                            ok = false;
                        }
                        Thread.sleep(10);
                    }
                    reply = ok ? "ok" : "timeout";
                }
                case "state" -> {
                    String text = LanNodes.text(doc);
                    reply = "{\"len\":" + text.length() + ",\"sha\":\"" + PeerProcess.sha(text) + "\",\"peers\":"
                            + lan.peerCount() + ",\"refused\":" + lan.refusedHandshakes() + ",\"synced\":"
                            + lan.firstPeerSynced().isDone() + "}";
                }
                case "firstsync" -> {
                    lan.awaitFirstPeerSync(Duration.ofSeconds(30));
                    Thread.sleep(5);
                    reply = firstSyncNanos[0] < 0 ? "none" : String.format("%.1f", (firstSyncNanos[0] - started) / 1e6);
                }
                case "contains" -> reply = String.valueOf(LanNodes.text(doc).contains(w[1]));
                default -> reply = "unknown command";
            }
            System.out.println(reply);
        }
        lan.close();
        System.exit(0);
    }
}
