package dev.weft.client.lan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.SharedDocument;
import dev.weft.client.direct.DirectChannel;
import dev.weft.client.SyncChannel;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.relay.RoomApi;
import dev.weft.crdt.TextDocument;
import dev.weft.relay.testing.RelayProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (prints, does not assert on figures) keystroke → remote replica latency over a direct LAN link and
 * through a real relay process, both on loopback: 300 one-character inserts 5 ms apart, the time from the local
 * edit to the remote replica showing it.
 */
class LanLatencyTest {
    private static final int KEYS = 300;

    @TempDir
    Path tmp;

    @Test
    void keystrokeLatencyOverLanAndThroughARelay() throws Exception {
        LanLink link = LanLink.newRoom("latency");
        try (LanChannel b = LanNodes.start(link, tmp.resolve("b"));
             LanChannel a = LanNodes.start(link, tmp.resolve("a"), b)) {
            LanNodes.await("link", Duration.ofSeconds(20), () -> a.peerCount() == 1);
            print("LAN direct (loopback)", measure(a, b));
        }
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay"))) {
            RoomCredentials room = new RoomApi(relay.uri()).createRoom();
            RelayClient a = new RelayClient(RelayClient.Options.of(relay.uri(), room.room(), room.secret()));
            RelayClient b = new RelayClient(RelayClient.Options.of(relay.uri(), room.room(), room.secret()));
            try {
                a.connect().get(20, TimeUnit.SECONDS);
                b.connect().get(20, TimeUnit.SECONDS);
                print("relay (loopback)", measure(a, b));
            } finally {
                a.close();
                b.close();
            }
            // The same relay with direct links (QUIC on loopback): the relay stores, the link delivers.
            RoomCredentials room2 = new RoomApi(relay.uri()).createRoom();
            DirectChannel da = DirectChannel.over(new RelayClient(RelayClient.Options.of(relay.uri(), room2.room(),
                    room2.secret())));
            DirectChannel db = DirectChannel.over(new RelayClient(RelayClient.Options.of(relay.uri(), room2.room(),
                    room2.secret())));
            try {
                da.relay().connect().get(20, TimeUnit.SECONDS);
                db.relay().connect().get(20, TimeUnit.SECONDS);
                LanNodes.await("direct link", Duration.ofSeconds(40),
                        () -> da.directPeers().size() == 1 && db.directPeers().size() == 1);
                print("relay + direct link (loopback)", measure(da, db));
            } finally {
                da.close();
                db.close();
            }
        }
        System.out.println("load: " + java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
    }

    private static long[] measure(SyncChannel ca, SyncChannel cb) throws Exception {
        SharedDocument a = SharedDocument.open(ca, "lat", new TextDocument(101));
        SharedDocument b = SharedDocument.open(cb, "lat", new TextDocument(202));
        a.firstSync().get(20, TimeUnit.SECONDS);
        b.firstSync().get(20, TimeUnit.SECONDS);
        long[] sent = new long[KEYS];
        long[] seen = new long[KEYS];
        int[] received = {0}; // b's executor only
        b.addRemoteChangeListener(changes -> {
            long now = System.nanoTime();
            received[0] += changes.stream().mapToInt(c -> c.insertText().length()).sum();
            int len = received[0];
            for (int i = 0; i < len && i < KEYS; i++) {
                if (seen[i] == 0) {
                    seen[i] = now;
                }
            }
        });
        for (int i = 0; i < KEYS; i++) {
            sent[i] = System.nanoTime();
            a.edit(t -> t.insert(t.length(), "x")).join();
            Thread.sleep(5);
        }
        LanNodes.await("all keys seen", Duration.ofSeconds(30), () -> seen[KEYS - 1] != 0);
        Thread.sleep(50);
        long[] lat = new long[KEYS];
        for (int i = 0; i < KEYS; i++) {
            lat[i] = seen[i] - sent[i];
        }
        a.close();
        b.close();
        assertThat(Arrays.stream(lat).min().orElse(0)).isPositive();
        return lat;
    }

    private static void print(String path, long[] lat) {
        long[] s = lat.clone();
        Arrays.sort(s);
        System.out.printf("keystroke -> remote replica, %s: p50 %.2f ms, p99 %.2f ms (n=%d)%n", path,
                s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s.length);
    }
}
