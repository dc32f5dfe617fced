package dev.weft.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite, plus what only SQLite does: it stores the seqs the relay assigns. */
class SqliteStoreTest extends RelayStoreContract {
    @TempDir
    Path dir;

    @Override
    RelayStore open() {
        return SqliteStore.open(dir, SqliteStore.Synchronous.FULL);
    }

    @Test
    void aReusedSeqFailsItsBatchAndLaterBatchesStillCommit() throws Exception {
        try (SqliteStore s = SqliteStore.open(dir, SqliteStore.Synchronous.NORMAL)) {
            AtomicInteger commits = new AtomicInteger();
            BatchingWriter w = new BatchingWriter(s, 100, nanos -> commits.incrementAndGet());
            List<Integer> completionOrder = createAndAppend500(w);
            assertThat(completionOrder).isSorted().hasSize(500);
            assertThat(commits.get()).as("group commit: fewer commits than writes").isLessThan(502);
            assertFailedBatchLeavesTheWriterWorking(s, w, new StoreWrite.AppendUpdate("r", "d", 1, new byte[] {1}));
        }
    }

    @Test
    void aLogTableLeftByASchema2RelayIsRebuiltInKeyOrderWithEveryEntryKept() throws Exception {
        try (SqliteStore s = SqliteStore.open(dir, SqliteStore.Synchronous.FULL)) {
            s.commit(List.of(new StoreWrite.CreateRoom(room("r")), new StoreWrite.CreateDocument("r", "a"),
                    new StoreWrite.CreateDocument("r", "b")));
            for (int seq = 1; seq <= 5; seq++) {
                s.commit(List.of(new StoreWrite.AppendUpdate("r", "a", seq, new byte[] {(byte) seq}),
                        new StoreWrite.AppendUpdate("r", "b", seq, new byte[] {(byte) (10 + seq)})));
            }
        }
        assertThat(updatesTable()).contains("WITHOUT ROWID");
        // What a relay of schema 2 left: the same rows in a rowid table.
        sql("CREATE TABLE old_updates (room TEXT NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL,"
                + " data BLOB NOT NULL, PRIMARY KEY (room, name, seq))",
                "INSERT INTO old_updates SELECT room, name, seq, data FROM updates", "DROP TABLE updates",
                "ALTER TABLE old_updates RENAME TO updates", "PRAGMA user_version=2");
        assertThat(updatesTable()).doesNotContain("WITHOUT ROWID");

        try (SqliteStore s = SqliteStore.open(dir, SqliteStore.Synchronous.FULL)) {
            assertThat(updatesTable()).contains("WITHOUT ROWID");
            assertThat(s.loadDocument("r", "a").orElseThrow().log())
                    .extracting(StoredDocument.LogEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(s.loadDocument("r", "b").orElseThrow().log())
                    .extracting(e -> e.update()[0]).containsExactly((byte) 11, (byte) 12, (byte) 13, (byte) 14,
                            (byte) 15);
            s.commit(List.of(new StoreWrite.AppendUpdate("r", "a", 6, new byte[] {6})));
            s.commit(List.of(new StoreWrite.SaveSnapshot("r", "a", new byte[] {9}, 6)));
            StoredDocument a = s.loadDocument("r", "a").orElseThrow();
            assertThat(a.snapshot()).containsExactly(9);
            assertThat(a.snapshotSeq()).isEqualTo(6);
            assertThat(a.log()).isEmpty();
            assertThat(s.loadDocument("r", "b").orElseThrow().log()).hasSize(5);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("weft.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(SqliteStore.SCHEMA_VERSION).isEqualTo(3);
        }
    }

    /** The {@code CREATE TABLE} statement of table {@code updates} in {@link #dir}'s database. */
    private String updatesTable() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("weft.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'updates'")) {
            assertThat(rs.next()).as("table updates exists").isTrue();
            return rs.getString(1);
        }
    }

    /** Runs {@code statements} on {@link #dir}'s database, each on its own (the store is closed). */
    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("weft.db"));
             Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
