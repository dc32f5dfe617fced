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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that stops reading (SIGSTOP) is disconnected after the slow-client limit; the sender is unaffected. */
class RelaySlowClientTest {
    @TempDir
    Path tmp;

    @Test
    void stalledReaderIsDisconnectedAndResyncsWhileTheWriterKeepsGettingAcks() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp, "--slow-client-ms", "500");
             WeftTestClient writer = JavaWeftClient.connect(relay.url());
             NodeWeftClient stalled = NodeWeftClient.connect(relay.url())) {
            RoomCredentials room = relay.createRoom();
            writer.join(room, room.secret(), 1, "writer");
            stalled.join(room, room.secret(), 2, "stalled");
            TextDocument rw = Replicas.synced(writer, "big.txt");
            Replicas.sync(stalled, "big.txt", Replicas.fresh());
            signal("STOP", stalled.pid());
            try {
                SplittableRandom rnd = new SplittableRandom(99);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                // Send until the relay gives up on the stalled reader (kernel socket buffers absorb several MB first).
                while (!relay.log().contains("connection.slow_closed") && System.nanoTime() < deadline) {
                    for (int i = 0; i < 50; i++) {
                        writer.send(new Message.Update("big.txt", rw.insert(rw.length(), noise(rnd, 20_000)).update()));
                    }
                    Replicas.awaitAck(writer, "big.txt", rw.version());
                }
                assertThat(relay.log()).contains("\"event\":\"connection.slow_closed\"");
            } finally {
                signal("CONT", stalled.pid());
            }
            writer.send(new Message.Update("big.txt", rw.insert(0, "still acked").update()));
            Replicas.awaitAck(writer, "big.txt", rw.version());
            assertThat(stalled.awaitConnection(Duration.ofSeconds(30))).startsWith("disconnect");
            stalled.reconnect();
            assertThat(stalled.awaitConnection(Duration.ofSeconds(10))).isEqualTo("connect");
            stalled.join(room, room.secret(), 2, "stalled");
            TextDocument rs = Replicas.synced(stalled, "big.txt");
            assertThat(rs.getText()).isEqualTo(rw.getText());
        }
    }

    private static String noise(SplittableRandom rnd, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('!' + rnd.nextInt(90)));
        }
        return sb.toString();
    }

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
