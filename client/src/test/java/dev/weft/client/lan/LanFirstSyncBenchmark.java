package dev.weft.client.lan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.SharedDocument;
import dev.weft.crdt.TextDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (prints, asserts only correctness) the time to first sync of a late joiner in LAN mode: a node holding
 * N documents (about 600 characters each, written by another member), then a new node dialing it on loopback — the
 * time until the joiner's node holds every document ({@code firstPeerSynced}), and until N editor replicas opened on
 * it have their first sync. Anchor, same run: the same joiner restarted, its journal already holding everything (the
 * exchange of versions alone). {@code -Dweft.p2p.docs=100,1000} sets the sizes; {@code bench/p2p/run.sh} runs it
 * with {@link LanLatencyTest}.
 */
@Tag("slow")
class LanFirstSyncBenchmark {
    private static final Duration T = Duration.ofSeconds(300);

    @TempDir
    Path tmp;

    @Test
    void lateJoinerFirstSyncOverTheLan() throws Exception {
        for (String n : System.getProperty("weft.p2p.docs", "100,1000").split(",")) {
            measure(Integer.parseInt(n.strip()));
        }
    }

    private void measure(int n) throws Exception {
        LanLink link = LanLink.newRoom("firstsync" + n);
        Path dir = tmp.resolve("n" + n);
        try (LanChannel host = LanNodes.start(link, dir.resolve("host"))) {
            List<SharedDocument> written = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SharedDocument d = SharedDocument.open(host, "src/file" + i + ".txt", new TextDocument(1 + i));
                d.insert(0, body(i)).join();
                written.add(d);
            }
            for (SharedDocument d : written) {
                assertThat(d.awaitAllAcked(T)).isTrue();
                d.close();
            }
            long t0 = System.nanoTime();
            double nodeMs;
            double editorMs;
            try (LanChannel joiner = LanNodes.start(link, dir.resolve("joiner"), host)) {
                assertThat(joiner.awaitFirstPeerSync(T)).isTrue();
                nodeMs = (System.nanoTime() - t0) / 1e6;
                editorMs = openAll(joiner, n, t0);
                for (int i = 0; i < n; i += Math.max(1, n / 20)) {
                    assertThat(joiner.text("src/file" + i + ".txt")).isEqualTo(body(i));
                }
            }
            long r0 = System.nanoTime();
            double restartMs;
            try (LanChannel again = LanNodes.start(link, dir.resolve("joiner"), host)) {
                assertThat(again.awaitFirstPeerSync(T)).isTrue();
                restartMs = (System.nanoTime() - r0) / 1e6;
                assertThat(again.docNames()).hasSize(n);
            }
            System.out.printf("LAN late joiner, %d documents: node synced %.0f ms, %d editor replicas synced %.0f ms;"
                    + " anchor (same joiner restarted, journal complete) %.0f ms; ratio %.1fx; load %s%n", n, nodeMs,
                    n, editorMs, restartMs, nodeMs / Math.max(1, restartMs), load());
        }
    }

    /** Opens every document on {@code node} as an editor replica; ms from {@code t0} until all first-synced. */
    private static double openAll(LanChannel node, int n, long t0) throws Exception {
        List<SharedDocument> docs = new ArrayList<>();
        try (var hold = node.holdSyncRequests()) {
            for (int i = 0; i < n; i++) {
                docs.add(SharedDocument.open(node, "src/file" + i + ".txt", new TextDocument(100_000 + i)));
            }
        }
        assertThat(SharedDocument.awaitFirstSync(docs, T)).isEmpty();
        double ms = (System.nanoTime() - t0) / 1e6;
        for (int i = 0; i < n; i += Math.max(1, n / 20)) {
            assertThat(LanNodes.text(docs.get(i))).isEqualTo(body(i));
        }
        docs.forEach(SharedDocument::close);
        return ms;
    }

    private static String body(int i) {
        return ("line " + i + " of a source file, typed by the host before the joiner came\n").repeat(9);
    }

    static String load() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
