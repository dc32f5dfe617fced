package dev.weft.client.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.client.SharedDocument;
import dev.weft.client.testing.RandomEdits;
import dev.weft.client.lan.secure.HandshakeFailedException;
import dev.weft.client.lan.secure.RoomKeys;
import dev.weft.client.relay.RelayClient;
import dev.weft.crdt.TextDocument;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct connections on one host with a real relay process: two editors link directly over QUIC and the relay
 * forwards none of their updates while the link is up (its durable copy still gets every one), a read-only member's
 * link is known as read-only, and a member with other keys never completes the direct handshake.
 */
class DirectConnectionTest {
    @TempDir
    Path tmp;

    @Test
    void twoEditorsLinkDirectlyAndTheRelayForwardsNoneOfTheirUpdatesButStoresAll() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp)) {
            RoomCredentials room = relay.createRoom();
            try (DirectChannel a = open(relay, room.room(), room.secret());
                 DirectChannel b = open(relay, room.room(), room.secret())) {
                SharedDocument da = SharedDocument.open(a, "doc", new TextDocument(rnd()));
                SharedDocument db = SharedDocument.open(b, "doc", new TextDocument(rnd()));
                da.firstSync().get(20, TimeUnit.SECONDS);
                db.firstSync().get(20, TimeUnit.SECONDS);
                await("direct link", () -> a.directPeers().size() == 1 && b.directPeers().size() == 1);
                Thread.sleep(300); // let both UP signals reach the relay
                long forwardedBefore = metric(relay, "weft_updates_forwarded_total");
                Random r = new Random(12);
                for (int i = 0; i < 100; i++) {
                    randomEdit(i % 2 == 0 ? da : db, r);
                }
                await("convergence", () -> text(da).equals(text(db)));
                assertThat(da.awaitAllAcked(Duration.ofSeconds(20))).isTrue();
                assertThat(db.awaitAllAcked(Duration.ofSeconds(20))).isTrue();
                assertThat(metric(relay, "weft_updates_forwarded_total")).isEqualTo(forwardedBefore);
                assertThat(metric(relay, "weft_updates_delivered_direct_total")).isGreaterThanOrEqualTo(100);
                assertThat(a.receivedDirect() + b.receivedDirect()).isGreaterThanOrEqualTo(100);
                // The relay's durable copy is complete: a late joiner without direct links reads the same text.
                try (RelayClient late = new RelayClient(RelayClient.Options.of(relay.uri(), room.room(),
                        room.readOnlySecret()))) {
                    late.connect().get(20, TimeUnit.SECONDS);
                    SharedDocument dl = SharedDocument.open(late, "doc", new TextDocument(rnd()));
                    dl.firstSync().get(20, TimeUnit.SECONDS);
                    assertThat(text(dl)).isEqualTo(text(da));
                }
            }
        }
    }

    @Test
    void aReadOnlyMembersLinkIsReadOnlyAndItStillReceivesDirectly() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp)) {
            RoomCredentials room = relay.createRoom();
            try (DirectChannel a = open(relay, room.room(), room.secret());
                 DirectChannel reader = open(relay, room.room(), room.readOnlySecret())) {
                SharedDocument da = SharedDocument.open(a, "doc", new TextDocument(rnd()));
                da.firstSync().get(20, TimeUnit.SECONDS);
                SharedDocument dr = SharedDocument.open(reader, "doc", new TextDocument(rnd()));
                dr.firstSync().get(20, TimeUnit.SECONDS);
                await("direct link", () -> a.directPeers().size() == 1 && reader.directPeers().size() == 1);
                da.insert(0, "from the editor").get();
                await("reader sees the edit", () -> text(dr).equals("from the editor"));
                // The relay's copy may come first (until the relay has the link's UP it forwards to the reader too):
                // the direct copy must still arrive.
                await("the edit over the direct link", () -> reader.receivedDirect() > 0);
                // A reader's channel never sends updates, directly or not.
                assertThat(reader.sentDirect()).isZero();
            }
        }
    }

    @Test
    void aPeerWithOtherRoomKeysNeverCompletesTheDirectHandshake() throws Exception {
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        new SecureRandom().nextBytes(k1);
        new SecureRandom().nextBytes(k2);
        RoomKeys good = RoomKeys.fromKeys("room", k1, k1);
        RoomKeys wrong = RoomKeys.fromKeys("room", k2, k2);
        DatagramChannel s1 = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0));
        DatagramChannel s2 = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0));
        InetSocketAddress to2 = (InetSocketAddress) s2.getLocalAddress();
        CompletableFuture<DirectLink> server = CompletableFuture.supplyAsync(() -> {
            try {
                StreamIo io = QuicTransport.accept(s2, Duration.ofSeconds(10));
                return DirectLink.open(io, "client", good, false, 2, 1, Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        StreamIo io = QuicTransport.connect(s1, to2, Duration.ofSeconds(10));
        assertThatThrownBy(() -> DirectLink.open(io, "server", wrong, true, 1, 2, Duration.ofSeconds(10)))
                .isInstanceOf(HandshakeFailedException.class);
        assertThatThrownBy(() -> server.get(15, TimeUnit.SECONDS)).hasCauseInstanceOf(java.io.IOException.class);
    }

    static DirectChannel open(RelayProcess relay, String room, String secret) throws Exception {
        RelayClient c = new RelayClient(RelayClient.Options.of(relay.uri(), room, secret));
        DirectChannel d = DirectChannel.over(c);
        c.connect().get(20, TimeUnit.SECONDS);
        return d;
    }

    static long metric(RelayProcess relay, String name) throws Exception {
        for (String line : RelayProcess.Http.get(relay.url() + "/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name);
    }

    static long rnd() {
        return new Random().nextLong() & ((1L << 53) - 1);
    }

    static String text(SharedDocument d) {
        return RandomEdits.text(d);
    }

    /** Applies one random edit (seeded): an insert of one letter, or a delete of 1–3 characters. */
    static void randomEdit(SharedDocument d, Random r) {
        RandomEdits.randomEdit(d, r, 1);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
