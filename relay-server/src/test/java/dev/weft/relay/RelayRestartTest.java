package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.NodeWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability across relay restarts (SIGTERM and SIGKILL), with compaction forced often. */
class RelayRestartTest {
    @TempDir
    Path tmp;

    @Test
    void dataSurvivesSigtermAndSigkillRestartsWithCompaction() throws Exception {
        long seed = 20261121L;
        SplittableRandom rnd = new SplittableRandom(seed);
        try (RelayProcess relay = RelayProcess.start(tmp, "--compact-updates", "7", "--check-invariants", "true")) {
            RoomCredentials room = relay.createRoom();
            TextDocument ra = Replicas.fresh();
            try (WeftTestClient a = JavaWeftClient.connect(relay.url())) {
                a.join(room, room.secret(), 1, "ann");
                Replicas.sync(a, "src/A.java", ra);
                Replicas.sync(a, "README.md", Replicas.fresh());
                typeAndAwaitAcks(a, ra, "src/A.java", 40, rnd);
                // 40 updates, a snapshot due every 7. A compaction is a task queued behind the updates already
                // waiting for the room, so a burst gets fewer (at least one). Polled, because the ack awaited above
                // can precede the last updates when they are deletions (deletions do not advance the version).
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                double compactions;
                do {
                    compactions = RelayEndToEndTest.metricValue(
                            RelayProcess.Http.get(relay.url() + "/metrics").body(), "weft_compactions_total");
                } while (compactions < 1 && System.nanoTime() < deadline && sleep(50));
                assertThat(compactions).as("compactions").isGreaterThanOrEqualTo(1);
            }
            assertThat(relay.stop()).as("seed %d; log:\n%s", seed, relay.log()).isIn(0, 143);
            assertThat(relay.log()).contains("\"event\":\"relay.stopped\"");
            relay.restart();
            try (WeftTestClient b = NodeWeftClient.connect(relay.url())) {
                Message.Welcome w = b.join(room, room.readOnlySecret(), 2, "bob");
                assertThat(w.docNames()).containsExactly("README.md", "src/A.java");
                TextDocument rb = Replicas.synced(b, "src/A.java");
                assertThat(rb.getText()).as("seed %d", seed).isEqualTo(ra.getText());
            }
            // Acked updates survive SIGKILL right after their acks.
            try (WeftTestClient a = JavaWeftClient.connect(relay.url())) {
                a.join(room, room.secret(), 1, "ann");
                Replicas.sync(a, "src/A.java", ra);
                typeAndAwaitAcks(a, ra, "src/A.java", 25, rnd);
                relay.kill();
            }
            relay.restart();
            try (WeftTestClient c = JavaWeftClient.connect(relay.url())) {
                c.join(room, room.secret(), 3, "cat");
                TextDocument rc = Replicas.synced(c, "src/A.java");
                assertThat(rc.getText()).as("seed %d", seed).isEqualTo(ra.getText());
                assertThat(rc.version()).isEqualTo(ra.version());
                rc.checkInvariants();
                assertThat(relay.log()).doesNotContain("\"level\":\"SEVERE\"");
            }
        }
    }

    @Test
    void clientsReconnectByThemselvesAfterRestartAndResendUnacked() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp)) {
            RoomCredentials room = relay.createRoom();
            TextDocument ra = Replicas.fresh();
            TextDocument rb = Replicas.fresh();
            try (WeftTestClient a = JavaWeftClient.connect(relay.url()); WeftTestClient b = NodeWeftClient.connect(relay.url())) {
                a.join(room, room.secret(), 1, "ann");
                b.join(room, room.secret(), 2, "bob");
                Replicas.sync(a, "d.txt", ra);
                Replicas.sync(b, "d.txt", rb);
                relay.kill();
                assertThat(a.awaitConnection(Duration.ofSeconds(10))).startsWith("disconnect");
                assertThat(b.awaitConnection(Duration.ofSeconds(10))).startsWith("disconnect");
                ra.insert(0, "typed while the relay was down");
                relay.restart();
                for (WeftTestClient c : new WeftTestClient[] {a, b}) {
                    String event;
                    do {
                        event = c.awaitConnection(Duration.ofSeconds(20)); // connect_error until the relay is back
                    } while (!event.equals("connect"));
                }
                a.join(room, room.secret(), 1, "ann");
                b.join(room, room.secret(), 2, "bob");
                Replicas.sync(b, "d.txt", rb);
                Replicas.sync(a, "d.txt", ra); // sends the offline diff
                Replicas.awaitAck(a, "d.txt", ra.version());
                rb.applyUpdate(b.expect(Message.Update.class).update());
                assertThat(rb.getText()).isEqualTo("typed while the relay was down");
            }
        }
    }

    @Test
    void idleRoomIsUnloadedFromMemoryAndReloadsIntact() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp, "--unload-idle-ms", "300")) {
            RoomCredentials room = relay.createRoom();
            TextDocument ra = Replicas.fresh();
            try (WeftTestClient a = JavaWeftClient.connect(relay.url())) {
                a.join(room, room.secret(), 1, "ann");
                Replicas.sync(a, "u.txt", ra);
                typeAndAwaitAcks(a, ra, "u.txt", 10, new SplittableRandom(7));
                Thread.sleep(1000);
                assertThat(RelayEndToEndTest.metricValue(metrics(relay), "weft_rooms")).as("member present").isEqualTo(1);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (RelayEndToEndTest.metricValue(metrics(relay), "weft_rooms") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(RelayEndToEndTest.metricValue(metrics(relay), "weft_rooms")).isZero();
            assertThat(relay.log()).contains("\"event\":\"room.unloaded\"");
            try (WeftTestClient b = NodeWeftClient.connect(relay.url())) {
                b.join(room, room.secret(), 2, "bob");
                TextDocument rb = Replicas.synced(b, "u.txt");
                assertThat(rb.getText()).isEqualTo(ra.getText());
                b.send(new Message.Update("u.txt", rb.insert(0, ">").update()));
                Replicas.awaitAck(b, "u.txt", rb.version());
            }
        }
    }

    private static String metrics(RelayProcess relay) throws java.io.IOException {
        return RelayProcess.Http.get(relay.url() + "/metrics").body();
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void typeAndAwaitAcks(WeftTestClient c, TextDocument r, String doc, int edits, SplittableRandom rnd) {
        for (int i = 0; i < edits; i++) {
            byte[] u;
            if (r.length() > 3 && rnd.nextInt(4) == 0) {
                int at = rnd.nextInt(r.length() - 1);
                u = r.delete(at, 1).update();
            } else {
                u = r.insert(rnd.nextInt(r.length() + 1), Character.toString('a' + rnd.nextInt(26))).update();
            }
            c.send(new Message.Update(doc, u));
        }
        // Acks arrive in order; the last one covers the final version.
        Replicas.awaitAck(c, doc, r.version());
    }
}
