package dev.weft.client.relay;

import dev.weft.relay.testing.RelayExtension;
import dev.weft.client.RoomCheckOutcome;
import dev.weft.client.SharedDocument;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.testing.RelayTexts;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state check ({@code StateCheck}/{@code StateCheckReply}) against a real relay process: replicas that share
 * an agent id (what two editors loading one journal did, issue 9 item 1) diverge for good by version vectors alone;
 * the check finds every replica whose text differs from the relay's at the same version and replaces it.
 */
class RoomStateCheckTest {
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();

    @Test
    void quietReplicasThatAgreeWithTheRoomAreReportedSame() throws Exception {
        RoomCredentials room = new RoomApi(relay.uri()).createRoom();
        try (RelayClient ca = client(room); RelayClient cb = client(room)) {
            SharedDocument a = SharedDocument.open(ca, "d", new TextDocument(1));
            SharedDocument b = SharedDocument.open(cb, "d", new TextDocument(2));
            ca.connect().get(10, TimeUnit.SECONDS);
            cb.connect().get(10, TimeUnit.SECONDS);
            a.insert(0, "hello").join();
            b.firstSync().get(10, TimeUnit.SECONDS);
            assertThat(a.awaitAllAcked(Duration.ofSeconds(10))).isTrue();
            awaitSameVersion(List.of(a, b));
            assertThat(a.checkWithRoom().get(10, TimeUnit.SECONDS)).isEqualTo(RoomCheckOutcome.SAME);
            assertThat(b.checkWithRoom().get(10, TimeUnit.SECONDS)).isEqualTo(RoomCheckOutcome.SAME);
            assertThat(a.roomRepairs() + b.roomRepairs()).isZero();
            a.close();
            b.close();
        }
    }

    /**
     * Seeded: two replicas with one agent id and a third with its own type at random places; after quiescence the
     * texts differ (as on main, for good), the checks repair them, and typing afterwards converges with no repair.
     */
    @Test
    void replicasSharingAnAgentIdDivergeAndTheStateCheckRepairsThem() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            runSeed(seed);
        }
    }

    private void runSeed(long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        RoomCredentials room = new RoomApi(relay.uri()).createRoom();
        List<RelayClient> clients = new ArrayList<>();
        try {
            long shared = 1_000 + seed;
            List<SharedDocument> docs = new ArrayList<>();
            long[] agents = {shared, shared, 9_000 + seed};
            for (long agent : agents) {
                RelayClient c = client(room);
                clients.add(c);
                c.connect().get(10, TimeUnit.SECONDS);
                SharedDocument d = SharedDocument.open(c, "same.md", new TextDocument(agent));
                d.firstSync().get(10, TimeUnit.SECONDS);
                docs.add(d);
            }
            // The two replicas with one agent type different characters under the same ids.
            docs.get(0).insert(0, "AAAA").join();
            docs.get(1).insert(0, "BBBB").join();
            for (int step = 0; step < 150; step++) {
                SharedDocument d = docs.get(rnd.nextInt(docs.size()));
                // Length and edit in one task on the document's thread: a remote delete arriving in between would
                // otherwise put the position past the end.
                d.edit(t -> {
                    int len = t.length();
                    if (len > 0 && rnd.nextInt(5) == 0) {
                        int pos = rnd.nextInt(len);
                        return t.delete(pos, 1 + rnd.nextInt(Math.min(3, len - pos)));
                    }
                    return t.insert(rnd.nextInt(len + 1), String.valueOf((char) ('a' + rnd.nextInt(26))));
                }).join();
            }
            for (SharedDocument d : docs) {
                assertThat(d.awaitAllAcked(Duration.ofSeconds(20))).as("seed %d acked", seed).isTrue();
            }
            awaitSameVersion(docs);
            List<String> before = texts(docs);
            assertThat(before.stream().distinct().count()).as("seed %d: replicas diverged before any check: %s",
                    seed, before).isGreaterThan(1);

            int repairs = 0;
            for (int round = 0; ; round++) {
                assertThat(round).as("seed %d: still repairing after 10 rounds", seed).isLessThan(10);
                boolean allSame = true;
                for (SharedDocument d : docs) {
                    RoomCheckOutcome o = d.checkWithRoom().get(20, TimeUnit.SECONDS);
                    repairs += o == RoomCheckOutcome.REPAIRED ? 1 : 0;
                    allSame &= o == RoomCheckOutcome.SAME;
                }
                if (allSame) {
                    break;
                }
                awaitSameVersion(docs);
            }
            assertThat(repairs).as("seed %d repairs", seed).isGreaterThan(0);
            List<String> after = texts(docs);
            assertThat(after.stream().distinct().count()).as("seed %d converged: %s", seed, after).isEqualTo(1);
            assertThat(relayText(room)).isEqualTo(after.get(0));
            List<Long> agentsAfter = new ArrayList<>();
            for (SharedDocument d : docs) {
                agentsAfter.add(d.call(TextDocument::agent).join());
                d.call(t -> {
                    t.checkInvariants();
                    return null;
                }).join();
            }
            assertThat(agentsAfter).as("seed %d: live replicas have distinct agents after repair", seed)
                    .doesNotHaveDuplicates();

            // Typing after the repair converges by itself: no further repair needed.
            for (int step = 0; step < 60; step++) {
                SharedDocument d = docs.get(rnd.nextInt(docs.size()));
                d.edit(t -> t.insert(rnd.nextInt(t.length() + 1), "x")).join();
            }
            for (SharedDocument d : docs) {
                assertThat(d.awaitAllAcked(Duration.ofSeconds(20))).isTrue();
            }
            awaitSameVersion(docs);
            List<String> end = texts(docs);
            assertThat(end.stream().distinct().count()).as("seed %d after more typing: %s", seed, end).isEqualTo(1);
            for (SharedDocument d : docs) {
                assertThat(d.checkWithRoom().get(20, TimeUnit.SECONDS)).isEqualTo(RoomCheckOutcome.SAME);
                d.close();
            }
        } finally {
            for (RelayClient c : clients) {
                c.close();
            }
        }
    }

    private static String relayText(RoomCredentials room) throws Exception {
        return RelayTexts.read(client(room), "same.md", 424242);
    }

    private static List<String> texts(List<SharedDocument> docs) {
        List<String> out = new ArrayList<>();
        for (SharedDocument d : docs) {
            out.add(d.call(TextDocument::getText).join());
        }
        return out;
    }

    private static void awaitSameVersion(List<SharedDocument> docs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            VersionVector first = docs.get(0).call(TextDocument::version).join();
            boolean same = true;
            for (SharedDocument d : docs) {
                same &= d.call(TextDocument::version).join().equals(first);
            }
            if (same) {
                Thread.sleep(200); // deletions do not move versions: let in-flight ones land
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("versions never became equal");
            }
            Thread.sleep(20);
        }
    }

    private static RelayClient client(RoomCredentials room) {
        return new RelayClient(RelayClient.Options.of(relay.uri(), room.room(), room.secret())
                .withTimings(Duration.ofSeconds(10), Duration.ofMillis(50), Duration.ofMillis(500),
                        Duration.ofSeconds(3)));
    }
}
