package dev.weft.client.lan;

import dev.weft.client.SharedDocument;
import dev.weft.crdt.TextDocument;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Test helpers: LAN nodes on loopback (no discovery) and waiting. */
final class LanNodes {
    private LanNodes() {
    }

    static LanChannel start(LanLink link, Path dataDir, LanChannel... dialTo) throws IOException {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (LanChannel c : dialTo) {
            peers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), c.port()));
        }
        return LanChannel.start(LanOptions.of(link, dataDir).withDiscovery(false)
                .withBind(InetAddress.getLoopbackAddress(), 0).withPeers(peers));
    }

    static SharedDocument open(LanChannel c, String doc, long agent) {
        return SharedDocument.open(c, doc, new TextDocument(agent));
    }

    static String text(SharedDocument d) {
        return d.call(TextDocument::getText).join();
    }

    /** Applies one random edit (seeded): an insert of 1–4 letters, or a delete of 1–3 characters. */
    static void randomEdit(SharedDocument d, Random r) {
        d.edit(t -> {
            int len = t.length();
            if (len > 0 && r.nextInt(3) == 0) {
                int pos = r.nextInt(len);
                return t.delete(pos, Math.min(len - pos, 1 + r.nextInt(3)));
            }
            StringBuilder s = new StringBuilder();
            for (int i = 1 + r.nextInt(4); i > 0; i--) {
                s.append((char) ('a' + r.nextInt(26)));
            }
            return t.insert(r.nextInt(len + 1), s.toString());
        }).join();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
