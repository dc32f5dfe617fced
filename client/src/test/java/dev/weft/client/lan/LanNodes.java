package dev.weft.client.lan;

import dev.weft.client.SharedDocument;
import dev.weft.client.testing.RandomEdits;
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
        return RandomEdits.text(d);
    }

    /** Applies one random edit (seeded): an insert of 1–4 letters, or a delete of 1–3 characters. */
    static void randomEdit(SharedDocument d, Random r) {
        RandomEdits.randomEdit(d, r, 4);
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
