package dev.weft.client.cli;

import dev.weft.relay.testing.RelayProcess;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.relay.RoomApi;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.SharedDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several members type concurrently into one document while the relay is SIGKILLed at random moments and restarted
 * on the same data directory; one of the members is a {@code weft type} process. Afterwards every member, the relay
 * and {@code weft cat} hold the same text, and every operation the relay ever acknowledged is still there.
 */
class SigkillDurabilityTest {
    @TempDir
    Path tmp;

    @Test
    void relayKilledDuringConcurrentTypingLosesNoAcknowledgedEdit() throws Exception {
        long seed = Long.getLong("weft.seed", 1121L);
        SplittableRandom random = new SplittableRandom(seed);
        int typists = 3;
        int kills = 4;
        String doc = "durable.txt";
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("data"))) {
            RoomCredentials room = new RoomApi(relay.uri()).createRoom();
            List<RelayClient> clients = new ArrayList<>();
            List<SharedDocument> docs = new ArrayList<>();
            for (int i = 0; i < typists; i++) {
                RelayClient c = new RelayClient(RelayClient.Options.of(relay.uri(), room.room(), room.secret())
                        .withTimings(Duration.ofSeconds(5), Duration.ofMillis(20), Duration.ofMillis(250),
                                Duration.ofSeconds(30)));
                c.connect().get(20, TimeUnit.SECONDS);
                clients.add(c);
                docs.add(SharedDocument.open(c, doc, new TextDocument(1000 + i)));
            }
            for (SharedDocument d : docs) {
                d.firstSync().get(20, TimeUnit.SECONDS);
            }

            Path trace = tmp.resolve("cli-trace.json.gz");
            WeftCliTest.writeTrace(trace, seed, 300);
            CliProcess cliTypist = CliProcess.start(tmp, "type", "--relay", relay.uri().toString(), "--room",
                    room.room(), "--secret", room.secret(), "--doc", doc, "--trace", trace.toString(), "--rate",
                    "30");
            cliTypist.awaitStderr("typing", 30);

            AtomicBoolean typing = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < typists; i++) {
                SharedDocument d = docs.get(i);
                SplittableRandom r = random.split();
                Thread t = new Thread(() -> typeUntilStopped(d, r, typing), "typist-" + i);
                t.start();
                threads.add(t);
            }

            Map<Long, Long> everAcked = new HashMap<>();
            for (int k = 0; k < kills; k++) {
                Thread.sleep(300 + random.nextInt(1200));
                // Record what is acknowledged right now; the relay must still have it after the kill.
                for (SharedDocument d : docs) {
                    long agent = d.call(TextDocument::agent).join();
                    everAcked.merge(agent, d.ackedSeq(), Math::max);
                }
                relay.kill();
                Thread.sleep(random.nextInt(300));
                relay.restart();
                VersionVector after = probeVersion(relay, room, doc);
                for (Map.Entry<Long, Long> e : everAcked.entrySet()) {
                    assertThat(after.get(e.getKey())).as("seed %d, kill %d: agent %d acked up to %d", seed, k,
                            e.getKey(), e.getValue()).isGreaterThanOrEqualTo(e.getValue());
                }
            }
            Thread.sleep(300);
            typing.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }

            for (SharedDocument d : docs) {
                assertThat(d.awaitAllAcked(Duration.ofSeconds(30))).as("seed %d: all acked", seed).isTrue();
            }
            CliProcess.Result typed = cliTypist.await(60);
            assertThat(typed.exit()).as("seed %d: weft type: %s", seed, typed.err()).isZero();
            assertThat(typed.err()).contains("300/300 patches").contains("all acknowledged");
            // Converge: every member resyncs (to pick up updates forwarded while it was reconnecting).
            VersionVector relayVersion = probeVersion(relay, room, doc);
            String relayText = probeText(relay, room, doc);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (SharedDocument d : docs) {
                while (!d.call(t -> t.version().equals(relayVersion)).join() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                String mine = d.call(TextDocument::getText).join();
                if (!mine.equals(relayText)) {
                    int i = 0;
                    while (i < Math.min(mine.length(), relayText.length()) && mine.charAt(i) == relayText.charAt(i)) {
                        i++;
                    }
                    System.err.println("DIVERGED member len " + mine.length() + " relay len " + relayText.length()
                            + " first diff at " + i + " member[" + mine.substring(i, Math.min(mine.length(), i + 20))
                            + "] relay[" + relayText.substring(i, Math.min(relayText.length(), i + 20)) + "] versions equal "
                            + d.call(t -> t.version().equals(relayVersion)).join() + " pending "
                            + d.call(TextDocument::hasPendingUpdates).join() + " unacked " + d.unackedCount());
                    System.err.println("RELAYLOG " + relay.log().lines()
                            .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("rror")).limit(30).toList());
                }
                assertThat(mine).as("seed %d", seed).isEqualTo(relayText);
                d.call(t -> {
                    t.checkInvariants();
                    return null;
                }).join();
                VersionVector v = d.call(TextDocument::version).join();
                assertThat(relayVersion.covers(v)).as("seed %d: relay covers member", seed).isTrue();
            }
            for (Map.Entry<Long, Long> e : everAcked.entrySet()) {
                assertThat(relayVersion.get(e.getKey())).isGreaterThanOrEqualTo(e.getValue());
            }
            assertThat(relayText).isNotEmpty();
            CliProcess.Result cat = CliProcess.run(tmp, "cat", "--relay", relay.uri().toString(), "--room",
                    room.room(), "--secret", room.secret(), "--doc", doc);
            assertThat(cat.exit()).as(cat.err()).isZero();
            assertThat(cat.out()).as("seed %d: weft cat", seed).isEqualTo(relayText);
            docs.forEach(SharedDocument::close);
            clients.forEach(RelayClient::close);
        }
    }

    private static void typeUntilStopped(SharedDocument d, SplittableRandom r, AtomicBoolean typing) {
        while (typing.get()) {
            double x = r.nextDouble();
            String ins = Character.toString('a' + r.nextInt(26)).repeat(1 + r.nextInt(3));
            d.edit(t -> {
                int len = t.length();
                if (len > 10 && x < 0.25) {
                    int pos = (int) (x * 1_000_003) % (len - 2);
                    return t.delete(pos, 2);
                }
                return t.insert((int) (x * 7919) % (len + 1), ins);
            }).join();
            try {
                Thread.sleep(2 + r.nextInt(8));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The relay replica's version, as seen by a fresh member's first sync. */
    static VersionVector probeVersion(RelayProcess relay, RoomCredentials room, String doc) throws Exception {
        return probe(relay, room, doc, TextDocument::version);
    }

    /** The relay replica's text, as seen by a fresh member's first sync. */
    static String probeText(RelayProcess relay, RoomCredentials room, String doc) throws Exception {
        return probe(relay, room, doc, TextDocument::getText);
    }

    /** What {@code read} sees in a fresh read-only member's replica of {@code doc} after its first sync. */
    private static <T> T probe(RelayProcess relay, RoomCredentials room, String doc,
            java.util.function.Function<TextDocument, T> read) throws Exception {
        try (RelayClient c = new RelayClient(RelayClient.Options.of(relay.uri(), room.room(), room.readOnlySecret()))) {
            c.connect().get(20, TimeUnit.SECONDS);
            SharedDocument d = SharedDocument.open(c, doc, new TextDocument(7));
            d.firstSync().get(20, TimeUnit.SECONDS);
            T seen = d.call(read).join();
            d.close();
            return seen;
        }
    }
}
