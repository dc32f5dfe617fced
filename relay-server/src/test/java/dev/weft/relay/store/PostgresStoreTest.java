package dev.weft.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.relay.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL (a private cluster started for this class; skipped when Debian's
 * {@code postgresql} package is absent), plus what only a shared store must do: several writers, one order.
 */
class PostgresStoreTest extends RelayStoreContract {
    private static PostgresServer pg;
    /** A fresh database per test. */
    private String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        PostgresServer.assumeInstalled();
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        url = pg.createDatabase();
    }

    @Override
    RelayStore open() {
        return PostgresStore.open(url);
    }

    @Test
    void twoNodesAppendingToOneDocumentGetOneGaplessOrder() throws Exception {
        try (RelayStore a = open(); RelayStore b = open()) {
            a.commit(List.of(new StoreWrite.CreateRoom(room("r")), new StoreWrite.CreateDocument("r", "d"),
                    new StoreWrite.CreateDocument("r", "e")));
            List<CompletableFuture<List<Long>>> writers = new ArrayList<>();
            for (RelayStore s : List.of(a, b)) {
                writers.add(CompletableFuture.supplyAsync(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        // Both documents in every batch, in opposite orders on the two nodes: row locks are taken
                        // in (room, name) order, so this cannot deadlock.
                        List<StoreWrite> batch = s == a
                                ? List.of(new StoreWrite.AppendUpdate("r", "d", 0, new byte[] {1}),
                                        new StoreWrite.AppendUpdate("r", "e", 0, new byte[] {1}))
                                : List.of(new StoreWrite.AppendUpdate("r", "e", 0, new byte[] {2}),
                                        new StoreWrite.AppendUpdate("r", "d", 0, new byte[] {2}));
                        long[] seqs = s.commit(batch);
                        mine.add(s == a ? seqs[0] : seqs[1]);
                    }
                    return mine;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (CompletableFuture<List<Long>> w : writers) {
                List<Long> mine = w.get(60, TimeUnit.SECONDS);
                assertThat(mine).as("one writer's seqs increase").isSorted();
                all.addAll(mine);
            }
            assertThat(all).as("200 appends to d, seqs 1..200 each once").hasSize(200).doesNotHaveDuplicates()
                    .allMatch(seq -> seq >= 1 && seq <= 200);
            assertThat(b.loadDocument("r", "d").orElseThrow().log()).extracting(StoredDocument.LogEntry::seq)
                    .hasSize(200).isSorted();
            assertThat(a.documentHeads("r")).containsEntry("d", 200L).containsEntry("e", 200L);
        }
    }

    @Test
    void anOlderSnapshotFromAnotherNodeDoesNotReplaceANewerOne() {
        try (RelayStore a = open(); RelayStore b = open()) {
            List<StoreWrite> w = new ArrayList<>(List.of(new StoreWrite.CreateRoom(room("r")),
                    new StoreWrite.CreateDocument("r", "d")));
            for (int i = 0; i < 6; i++) {
                w.add(new StoreWrite.AppendUpdate("r", "d", 0, new byte[] {(byte) i}));
            }
            a.commit(w);
            a.commit(List.of(new StoreWrite.SaveSnapshot("r", "d", new byte[] {5}, 5)));
            b.commit(List.of(new StoreWrite.SaveSnapshot("r", "d", new byte[] {3}, 3)));
            StoredDocument d = b.loadDocument("r", "d").orElseThrow();
            assertThat(d.snapshotSeq()).isEqualTo(5);
            assertThat(d.snapshot()).containsExactly(5);
            assertThat(d.log()).extracting(StoredDocument.LogEntry::seq).containsExactly(6L);
        }
    }

    @Test
    void aSnapshotLocksItsDocumentRowInOrderSoTwoNodesCannotDeadlock() throws Exception {
        // Node A commits an append to "b" with a snapshot of "a"; node B commits appends to "a" and "b". Before the
        // fix A locked "b" (its appends) and only then "a" (the snapshot's UPDATE), against B's order a, b: with B
        // holding "a" and A holding "b", PostgreSQL aborted one commit as a deadlock after deadlock_timeout (seen in
        // bench/relay/run.sh cluster at a compaction wave). Now the snapshot's row is locked with the appends', in
        // (room, name) order. The interleaving is forced: a third connection holds "a" until B and A both wait.
        try (RelayStore a = open(); RelayStore b = open();
             Connection holder = DriverManager.getConnection("jdbc:" + url);
             Connection watcher = DriverManager.getConnection("jdbc:" + url)) {
            List<StoreWrite> setup = new ArrayList<>(List.of(new StoreWrite.CreateRoom(room("r")),
                    new StoreWrite.CreateDocument("r", "a"), new StoreWrite.CreateDocument("r", "b")));
            for (int i = 0; i < 3; i++) {
                setup.add(new StoreWrite.AppendUpdate("r", "a", 0, new byte[] {(byte) i}));
            }
            a.commit(setup);
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.executeQuery("SELECT 1 FROM documents WHERE room = 'r' AND name = 'a' FOR UPDATE").close();
            }
            CompletableFuture<long[]> nodeB = CompletableFuture.supplyAsync(() -> b.commit(List.of(
                    new StoreWrite.AppendUpdate("r", "a", 0, new byte[] {20}),
                    new StoreWrite.AppendUpdate("r", "b", 0, new byte[] {21}))));
            awaitLockWaiters(watcher, 1); // B waits for "a"
            CompletableFuture<long[]> nodeA = CompletableFuture.supplyAsync(() -> a.commit(List.of(
                    new StoreWrite.AppendUpdate("r", "b", 0, new byte[] {10}),
                    new StoreWrite.SaveSnapshot("r", "a", new byte[] {3}, 3))));
            awaitLockWaiters(watcher, 2); // A waits too: for "a" now (before the fix: for "a" while holding "b")
            holder.commit(); // B takes "a" first (it queued first)

            long[] seqsB = nodeB.get(30, TimeUnit.SECONDS);
            long[] seqsA = nodeA.get(30, TimeUnit.SECONDS);
            assertThat(seqsB).containsExactly(4L, 1L); // B went first: seq 4 of "a", seq 1 of "b"
            assertThat(seqsA[0]).isEqualTo(2L);
            StoredDocument docA = a.loadDocument("r", "a").orElseThrow();
            assertThat(docA.snapshotSeq()).isEqualTo(3);
            assertThat(docA.log()).extracting(StoredDocument.LogEntry::seq).containsExactly(4L);
            assertThat(b.loadDocument("r", "b").orElseThrow().log()).extracting(StoredDocument.LogEntry::seq)
                    .containsExactly(1L, 2L);
        }
    }

    @Test
    void twoNodesCreatingTheSameNewDocumentsInOppositeOrdersCannotDeadlock() throws Exception {
        // Node B creates "x" then "y", node A "y" then "x", in one batch each (members on two nodes opening the same
        // new documents at once). Inserted in list order, B held "x" waiting for "y" while A held "y" waiting for
        // "x" in the unique index whenever A won "y": PostgreSQL aborted one commit as a deadlock. Forced in part: a
        // third connection inserts "y" uncommitted until both nodes wait, then rolls back, and which node wins "y"
        // is up to PostgreSQL, so the round is repeated (before the fix the test failed with "deadlock detected").
        // Inserted in one (room, name) order on every node, A waits for B's "x" without holding anything.
        try (RelayStore a = open(); RelayStore b = open();
             Connection holder = DriverManager.getConnection("jdbc:" + url);
             Connection watcher = DriverManager.getConnection("jdbc:" + url)) {
            a.commit(List.of(new StoreWrite.CreateRoom(room("r"))));
            holder.setAutoCommit(false);
            for (int round = 0; round < 8; round++) {
                String x = "x" + round;
                String y = "y" + round;
                try (Statement s = holder.createStatement()) {
                    s.executeUpdate("INSERT INTO documents (room, name, snapshot, snapshot_seq, last_seq)"
                            + " VALUES ('r', '" + y + "', decode('', 'hex'), 0, 0)");
                }
                CompletableFuture<long[]> nodeB = CompletableFuture.supplyAsync(() -> b.commit(List.of(
                        new StoreWrite.CreateDocument("r", x), new StoreWrite.CreateDocument("r", y),
                        new StoreWrite.AppendUpdate("r", x, 0, new byte[] {20}),
                        new StoreWrite.AppendUpdate("r", y, 0, new byte[] {21}))));
                awaitLockWaiters(watcher, 1); // B waits for y
                CompletableFuture<long[]> nodeA = CompletableFuture.supplyAsync(() -> a.commit(List.of(
                        new StoreWrite.CreateDocument("r", y), new StoreWrite.CreateDocument("r", x),
                        new StoreWrite.AppendUpdate("r", y, 0, new byte[] {10}),
                        new StoreWrite.AppendUpdate("r", x, 0, new byte[] {11}))));
                awaitLockWaiters(watcher, 2); // A waits too: for B's x (before the fix: for y)
                holder.rollback();

                long[] seqsB = nodeB.get(30, TimeUnit.SECONDS);
                long[] seqsA = nodeA.get(30, TimeUnit.SECONDS);
                assertThat(new long[] {seqsB[2], seqsA[3]}).as("round %d: seqs of %s", round, x)
                        .containsExactlyInAnyOrder(1L, 2L);
                assertThat(new long[] {seqsB[3], seqsA[2]}).as("round %d: seqs of %s", round, y)
                        .containsExactlyInAnyOrder(1L, 2L);
                for (String name : List.of(x, y)) {
                    assertThat(a.loadDocument("r", name).orElseThrow().log())
                            .extracting(StoredDocument.LogEntry::seq).as("log of %s", name).containsExactly(1L, 2L);
                }
            }
        }
    }

    /**
     * Waits until {@code n} sessions of this database wait for a lock (pg_stat_activity; {@code c} in autocommit, as
     * a transaction sees one unchanging copy of it).
     */
    private static void awaitLockWaiters(Connection c, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= n) {
                        return;
                    }
                }
                assertThat(System.nanoTime()).as("%d sessions waiting for a lock within 20 s", n).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aMalformedOrUnreachableStoreIsRefusedWithItsReason() {
        assertThatThrownBy(() -> PostgresStore.open("mysql://h/db"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("postgresql://HOST:PORT/DB");
        assertThatThrownBy(() -> PostgresStore.open("postgresql://127.0.0.1:1/weft?user=weft&password=secret"))
                .isInstanceOf(StoreException.class).hasMessageContaining("127.0.0.1:1/weft")
                .hasMessageNotContaining("secret");
    }
}
