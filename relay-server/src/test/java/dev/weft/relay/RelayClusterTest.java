package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.RedisServer;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Several real relay processes on one real PostgreSQL and Redis (private instances started here; skipped when
 * Debian's {@code postgresql} or {@code redis-server} is absent). Writers on different nodes co-edit; every replica
 * (clients', and fresh readers' on every node) ends equal, and every acknowledged edit is in it.
 */
class RelayClusterTest extends ClusterNodes {

    /** The body of a test with two writers on two nodes: {@link #withTwoWritersOnTwoNodes}. */
    interface TwoWriters {
        void run(RedisServer redis, RelayProcess n1, RelayProcess n2, RoomCredentials room, Typist a, Typist b)
                throws Exception;
    }

    /**
     * Runs {@code body} on two nodes sharing a new database and a private Redis, with log polling off (10 min, so
     * only Redis carries updates between them), and writers {@code a} (client 1, on n1) and {@code b} (client 2, on
     * n2) joined to document {@code d.txt} of a new room.
     */
    private void withTwoWritersOnTwoNodes(TwoWriters body) throws Exception {
        String store = CLUSTER.postgres().createDatabase();
        try (RedisServer redis = RedisServer.start();
             RelayProcess n1 = node("n1", store, redis.url(), "--cluster-poll-ms", "600000");
             RelayProcess n2 = node("n2", store, redis.url(), "--cluster-poll-ms", "600000")) {
            RoomCredentials room = n1.createRoom();
            try (Typist a = Typist.join(n1, room, 1, "d.txt"); Typist b = Typist.join(n2, room, 2, "d.txt")) {
                body.run(redis, n1, n2, room, a, b);
            }
        }
    }

    @Test
    void writersOnTwoNodesConvergeThroughRedisAndAllAcksAreDurable() throws Exception {
        withTwoWritersOnTwoNodes((redis, n1, n2, room, a, b) -> {
            SplittableRandom rnd = new SplittableRandom(13);
            for (int round = 0; round < 10; round++) {
                a.type(3, rnd);
                b.type(3, rnd);
                a.pump(Duration.ofMillis(20));
                b.pump(Duration.ofMillis(20));
            }
            a.awaitAcked();
            b.awaitAcked();
            // Polling is off (10 min): only Redis carried the updates between the nodes.
            awaitEqual(List.of(a, b));
            assertThat(metric(n2, "weft_cluster_applied_total")).isPositive();
            assertThat(metric(n1, "weft_cluster_applied_total")).isPositive();
            assertReadersOnEveryNodeSee(List.of(n1, n2), room, "d.txt", a.replica, List.of(a, b));
        });
    }

    @Test
    void updatesMissedWhileRedisIsDownAreCaughtUpFromTheLog() throws Exception {
        withTwoWritersOnTwoNodes((redis, n1, n2, room, a, b) -> {
            SplittableRandom rnd = new SplittableRandom(29);
            a.type(5, rnd);
            a.awaitAcked();
            awaitEqual(List.of(a, b));
            redis.kill();
            a.type(10, rnd); // acked (PostgreSQL), announced to nobody
            a.awaitAcked();
            b.type(4, rnd);
            b.awaitAcked();
            redis.restart(); // same port; the nodes resubscribe and catch up from the log
            awaitEqual(List.of(a, b));
            bothTypeAndConverge(a, b, 3, rnd);
            assertThat(metric(n2, "weft_cluster_catchups_total")).as("n2 read what it missed from the log")
                    .isPositive();
            assertThat(metric(n2, "weft_cluster_redis_disconnects_total")).isPositive();
            assertThat(metric(n2, "weft_cluster_redis_up")).isEqualTo(1);
            assertReadersOnEveryNodeSee(List.of(n1, n2), room, "d.txt", a.replica, List.of(a, b));
        });
    }

    @Test
    void seededTypingOnRandomNodesSurvivesANodeKillWithNoAckedEditLost() throws Exception {
        long seed = Long.getLong("weft.cluster.seed", 20261205L);
        SplittableRandom rnd = new SplittableRandom(seed);
        String store = CLUSTER.postgres().createDatabase();
        try (RedisServer redis = RedisServer.start();
             RelayProcess n1 = node("n1", store, redis.url(), "--cluster-poll-ms", "500", "--compact-updates", "25");
             RelayProcess n2 = node("n2", store, redis.url(), "--cluster-poll-ms", "500", "--compact-updates", "25")) {
            List<RelayProcess> nodes = List.of(n1, n2);
            RoomCredentials room = n1.createRoom();
            List<Typist> typists = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    typists.add(Typist.join(nodes.get(rnd.nextInt(2)), room, 10 + i, "doc.md"));
                }
                RelayProcess victim = nodes.get(rnd.nextInt(2));
                RelayProcess survivor = victim == n1 ? n2 : n1;
                int killAt = 8 + rnd.nextInt(8);
                typeThroughANodeKill(typists, victim, () -> survivor, killAt, killAt + 8, rnd);
                assertReadersOnEveryNodeSee(nodes, room, "doc.md", typists.get(0).replica, typists);
                assertNoSevereLog(nodes, seed);
            } finally {
                for (Typist t : typists) {
                    t.close();
                }
            }
        }
    }

    /**
     * 30 rounds in which every typist types 1 to 3 edits ({@code rnd}) and pumps 5 ms. At round {@code killAt}
     * {@code victim} is SIGKILLed mid-typing (some sent updates are unacked) and each of its typists fails over to
     * the node {@code failover} gives, where its resync resends the rest; at round {@code restartAt} the victim is
     * restarted and one random typist moves to it. Then waits until every typist's edits are acked and all
     * replicas are equal.
     */
    static void typeThroughANodeKill(List<Typist> typists, RelayProcess victim, Supplier<RelayProcess> failover,
                                     int killAt, int restartAt, SplittableRandom rnd) throws java.io.IOException {
        for (int round = 0; round < 30; round++) {
            for (Typist t : typists) {
                t.type(1 + rnd.nextInt(3), rnd);
                t.pump(Duration.ofMillis(5));
            }
            if (round == killAt) {
                victim.kill();
                for (int i = 0; i < typists.size(); i++) {
                    if (typists.get(i).node == victim) {
                        typists.set(i, typists.get(i).failOverTo(failover.get()));
                    }
                }
            }
            if (round == restartAt) {
                victim.restart();
                int moved = rnd.nextInt(typists.size());
                typists.set(moved, typists.get(moved).failOverTo(victim));
            }
        }
        for (Typist t : typists) {
            t.awaitAcked();
        }
        awaitEqual(typists);
    }

    /** {@code a}, then {@code b}, types {@code edits} edits; both wait for their acks, then for equal replicas. */
    static void bothTypeAndConverge(Typist a, Typist b, int edits, SplittableRandom rnd) {
        a.type(edits, rnd);
        b.type(edits, rnd);
        a.awaitAcked();
        b.awaitAcked();
        awaitEqual(List.of(a, b));
    }

    /** No node logged a SEVERE line (seeded run {@code seed}). */
    static void assertNoSevereLog(List<RelayProcess> nodes, long seed) {
        for (RelayProcess n : nodes) {
            assertThat(n.log()).as("seed %d", seed).doesNotContain("\"level\":\"SEVERE\"");
        }
    }

    /** Pumps every typist until all replicas have the same text and version (20 s at most). */
    static void awaitEqual(List<Typist> typists) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            for (Typist t : typists) {
                t.pump(Duration.ofMillis(20));
            }
            boolean equal = typists.stream().allMatch(t -> t.replica.version().equals(typists.get(0).replica.version())
                    && t.replica.getText().equals(typists.get(0).replica.getText()));
            if (equal) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder why = new StringBuilder("replicas did not converge:");
                for (Typist t : typists) {
                    why.append("\n  client ").append(t.clientId).append(" on ").append(t.node.url()).append(": ")
                            .append(t.replica.version()).append(" '").append(t.replica.getText()).append("'");
                }
                throw new AssertionError(why.toString());
            }
        }
    }

    /** A fresh reader on every node syncs {@code doc} and sees {@code expected}, covering every typist's acks. */
    static void assertReadersOnEveryNodeSee(List<RelayProcess> nodes, RoomCredentials room, String doc,
                                                    TextDocument expected, List<Typist> typists) {
        for (RelayProcess n : nodes) {
            try (WeftTestClient r = JavaWeftClient.connect(n.url())) {
                r.join(room, room.readOnlySecret(), 99, "reader");
                TextDocument replica = Replicas.synced(r, doc);
                assertThat(replica.getText()).as("reader on %s", n.url()).isEqualTo(expected.getText());
                for (Typist t : typists) {
                    assertThat(replica.version().covers(t.acked)).as("client %d's acked version %s on %s", t.clientId,
                            t.acked, n.url()).isTrue();
                }
            }
        }
    }

    static double metric(RelayProcess n, String name) throws java.io.IOException {
        return RelayEndToEndTest.metricValue(RelayProcess.Http.get(n.url() + "/metrics").body(), name);
    }

    /** A client typing into one document through one node, applying what others send. Test thread only. */
    static final class Typist implements AutoCloseable {
        final RelayProcess node;
        final RoomCredentials room;
        final long clientId;
        final String doc;
        final TextDocument replica;
        final WeftTestClient client;
        /** The highest acknowledged version (durable on the relay side). */
        VersionVector acked = VersionVector.EMPTY;
        /** When true, {@code INTERNAL} errors (storage down) are collected in {@link #storageErrors}, not thrown. */
        boolean tolerateStorageErrors;
        /** {@code INTERNAL} errors received while {@link #tolerateStorageErrors}. */
        final List<Message.Error> storageErrors = new ArrayList<>();
        int deletes;
        /** One-character inserts this client typed (across failovers). */
        int inserts;

        private Typist(RelayProcess node, RoomCredentials room, long clientId, String doc, TextDocument replica) {
            this.node = node;
            this.room = room;
            this.clientId = clientId;
            this.doc = doc;
            this.replica = replica;
            this.client = JavaWeftClient.connect(node.url());
            client.join(room, room.secret(), clientId, "c" + clientId);
            // Sync, then send the diff against the node's version: what it lacks, including deletions, which the
            // version vector does not show (after a failover: the unacked rest).
            client.send(new Message.SyncRequest(doc, replica.version()));
            Message.SyncReply reply = client.expect(Message.SyncReply.class, r -> r.doc().equals(doc),
                    WeftTestClient.TIMEOUT);
            replica.applyUpdate(reply.update());
            client.send(new Message.Update(doc, replica.encodeDiff(reply.serverVersion())));
        }

        static Typist join(RelayProcess node, RoomCredentials room, long clientId, String doc) {
            return new Typist(node, room, clientId, doc, Replicas.fresh());
        }

        /** The same replica through another node (what a client does when its node dies). */
        Typist failOverTo(RelayProcess other) {
            client.close();
            Typist t = new Typist(other, room, clientId, doc, replica);
            t.acked = acked;
            t.tolerateStorageErrors = tolerateStorageErrors;
            t.deletes = deletes;
            t.inserts = inserts;
            return t;
        }

        void type(int edits, SplittableRandom rnd) {
            for (int i = 0; i < edits; i++) {
                byte[] u;
                if (replica.length() > 3 && rnd.nextInt(5) == 0) {
                    u = replica.delete(rnd.nextInt(replica.length() - 1), 1).update();
                    deletes++;
                } else {
                    u = replica.insert(rnd.nextInt(replica.length() + 1),
                            Character.toString('a' + rnd.nextInt(26))).update();
                    inserts++;
                }
                client.send(new Message.Update(doc, u));
            }
        }

        void pump(Duration window) {
            for (Message m : client.drain(window)) {
                if (m instanceof Message.Update u && u.doc().equals(doc)) {
                    replica.applyUpdate(u.update());
                } else if (m instanceof Message.Ack a && a.doc().equals(doc)) {
                    acked = merge(acked, a.durableVersion());
                } else if (m instanceof Message.Error e && tolerateStorageErrors
                        && e.code() == dev.weft.sync.ErrorCode.INTERNAL) {
                    storageErrors.add(e); // the relay could not commit: resend after the storage returns
                } else if (m instanceof Message.Error e && !node.isAlive()) {
                    // the node died: failOverTo follows
                } else if (m instanceof Message.Error e) {
                    throw new AssertionError("client " + clientId + " got " + e);
                }
            }
        }

        /** Pumps until an ack covers every edit this client made (others' edits need not be acked to it). */
        void awaitAcked() {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!acked.covers(ownVersion())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("client " + clientId + " on " + node.url() + ": no ack covering "
                            + ownVersion() + ", acked " + acked);
                }
                pump(Duration.ofMillis(20));
            }
        }

        /** The version restricted to this client's own agent (what its acks must cover). */
        private VersionVector ownVersion() {
            long agent = replica.agent();
            return VersionVector.of(java.util.Map.of(agent, replica.version().get(agent)));
        }

        private static VersionVector merge(VersionVector x, VersionVector y) {
            java.util.Map<Long, Long> m = new java.util.HashMap<>(x.asMap());
            y.asMap().forEach((agent, next) -> m.merge(agent, next, Math::max));
            return VersionVector.of(m);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
