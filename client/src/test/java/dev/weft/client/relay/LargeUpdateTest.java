package dev.weft.client.relay;

import dev.weft.relay.testing.RelayProcess;
import dev.weft.client.ConnectionState;
import dev.weft.client.SharedDocument;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.crdt.TextDocument;
import dev.weft.sync.WireLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Pastes above {@link WireLimits#MAX_UPDATE_BYTES} against a real relay process (issue 9, item 3). */
class LargeUpdateTest {
    @TempDir
    Path tmp;

    /**
     * A 12 MB paste (random text: it does not compress), over the protocol's 8 MiB per update and under the relay's
     * 16 Mi characters per document, reaches the other member and is acknowledged, with no reconnection. Before the
     * split, the relay dropped the connection on the one oversized update and the client reconnected and resent it
     * for ever.
     */
    @Test
    void twelveMegabytePasteSyncsInUpdatesThatFitWithoutReconnecting() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("data"))) {
            RoomCredentials room = new RoomApi(relay.uri()).createRoom();
            RelayClient ca = client(relay, room);
            RelayClient cb = client(relay, room);
            try (ca; cb) {
                List<ConnectionState> states = Collections.synchronizedList(new ArrayList<>());
                ca.connect().get(10, TimeUnit.SECONDS);
                cb.connect().get(10, TimeUnit.SECONDS);
                ca.addStateListener((s, cause) -> states.add(s));
                SharedDocument a = SharedDocument.open(ca, "big.txt", new TextDocument(1));
                SharedDocument b = SharedDocument.open(cb, "big.txt", new TextDocument(2));
                a.firstSync().get(10, TimeUnit.SECONDS);
                b.firstSync().get(10, TimeUnit.SECONDS);

                String paste = randomText(new SplittableRandom(20), 12_000_000);
                a.insert(0, paste).join();
                assertThat(a.awaitAllAcked(Duration.ofSeconds(120))).as("12 MB paste acknowledged").isTrue();
                await(() -> b.call(TextDocument::length).join() == paste.length(), 120);
                assertThat(b.call(TextDocument::getText).join()).isEqualTo(paste);
                assertThat(states).as("no reconnection").doesNotContain(ConnectionState.RECONNECTING);
                a.close();
                b.close();
            }
        }
    }

    private static RelayClient client(RelayProcess relay, RoomCredentials room) {
        return new RelayClient(RelayClient.Options.of(relay.uri(), room.room(), room.secret())
                .withTimings(Duration.ofSeconds(10), Duration.ofMillis(50), Duration.ofMillis(500),
                        Duration.ofSeconds(3)));
    }

    private static void await(java.util.function.BooleanSupplier c, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + seconds + " s");
            }
            Thread.sleep(50);
        }
    }

    static String randomText(SplittableRandom rnd, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) (' ' + rnd.nextInt(95));
        }
        return new String(c);
    }
}
