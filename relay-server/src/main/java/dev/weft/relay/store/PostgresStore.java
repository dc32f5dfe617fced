package dev.weft.relay.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link RelayStore} in PostgreSQL, shared by every relay node of a cluster (docs/relay.md, "Cluster").
 *
 * <p>Durability: every pooled connection runs with {@code synchronous_commit = on} (set at connect, whatever the
 * server default), so {@link #commit} returns only after PostgreSQL flushed the commit record to its WAL: an acked
 * update survives the relay's SIGKILL and PostgreSQL's crash.
 *
 * <p>Seqs: {@linkplain #assignsSeqs() assigned here}. Each document row holds {@code last_seq}; a commit reserves
 * the seqs of its appends for all its documents at once ({@link #reserveSeqs}: rows locked in (room, name) byte
 * order so two nodes' batches lock rows in the same order and cannot deadlock on appends, then one
 * {@code UPDATE … RETURNING}). The row lock
 * is held to commit, so a document's seqs commit in increasing order: a reader that sees seq n committed also sees
 * every smaller seq (a node missing seq n-1 while seeing n has a real gap, not a commit still in flight).
 *
 * <p>Schema: created at open under an advisory lock (several nodes may start at once); its version is row
 * {@code schema_version} of table {@code meta}. A database with a newer version is refused.
 *
 * <p>Threading: a HikariCP pool; {@link #commit} (writer thread) and reads take their own connections.
 */
public final class PostgresStore extends SqlStore {
    /** Schema version in {@code meta}: 1 is the first. */
    static final int SCHEMA_VERSION = 1;
    /** Advisory lock key taken while creating the schema ("weft" in ASCII). */
    private static final long SCHEMA_LOCK = 0x77656674L;

    /** The pool; immutable. */
    private final HikariDataSource pool;
    /** The server and database, without credentials (for messages); immutable. */
    private final String where;

    private PostgresStore(HikariDataSource pool, String where) {
        this.pool = pool;
        this.where = where;
    }

    /**
     * Connects to {@code url} ({@code postgresql://HOST:PORT/DB?user=U&password=P}) and creates or checks the
     * schema.
     *
     * @throws IllegalArgumentException if the URL is malformed
     * @throws StoreException if the server cannot be reached, refuses the login, or has a newer schema
     */
    public static PostgresStore open(String url) {
        String where = describe(url);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:" + url);
        hc.setPoolName("weft-pg");
        hc.setMaximumPoolSize(6);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(5000);
        hc.setInitializationFailTimeout(10_000);
        hc.setConnectionInitSql("SET synchronous_commit = on");
        hc.addDataSourceProperty("connectTimeout", "5");
        hc.addDataSourceProperty("socketTimeout", "30");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        // A batch's appends go out as multi-row INSERTs (pgjdbc rewrites the JDBC batch): fewer statements per commit.
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to PostgreSQL " + where + ": " + rootMessage(e), e);
        }
        PostgresStore store = new PostgresStore(pool, where);
        try {
            store.createSchema();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return store;
    }

    /**
     * {@code postgresql://HOST:PORT/DB?…} → {@code HOST:PORT/DB} (no credentials).
     *
     * @throws IllegalArgumentException if {@code url} is not a {@code postgresql://} URL with a database name
     */
    public static String describe(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--store must look like postgresql://HOST:PORT/DB?user=U&password=P: "
                    + e.getMessage());
        }
        if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null || uri.getPath() == null
                || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("--store must look like postgresql://HOST:PORT/DB?user=U&password=P,"
                    + " was scheme '" + uri.getScheme() + "', host '" + uri.getHost() + "', path '" + uri.getPath() + "'");
        }
        return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    private void createSchema() {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                s.execute("CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value bigint NOT NULL)");
                s.execute("INSERT INTO meta (key, value) VALUES ('schema_version', " + SCHEMA_VERSION
                        + ") ON CONFLICT (key) DO NOTHING");
                long version;
                try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
                    rs.next();
                    version = rs.getLong(1);
                }
                if (version > SCHEMA_VERSION) {
                    c.rollback();
                    throw new StoreException("PostgreSQL database " + where + " has schema version " + version
                            + ", newer than this relay's " + SCHEMA_VERSION + "; upgrade the relay", null);
                }
                s.execute("CREATE TABLE IF NOT EXISTS rooms (id text PRIMARY KEY, editor_hash bytea NOT NULL,"
                        + " read_only_hash bytea NOT NULL, created_ms bigint NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS documents (room text NOT NULL, name text NOT NULL,"
                        + " snapshot bytea NOT NULL, snapshot_seq bigint NOT NULL, last_seq bigint NOT NULL,"
                        + " PRIMARY KEY (room, name))");
                s.execute("CREATE TABLE IF NOT EXISTS updates (room text NOT NULL, name text NOT NULL,"
                        + " seq bigint NOT NULL, data bytea NOT NULL, PRIMARY KEY (room, name, seq))");
                s.execute("CREATE TABLE IF NOT EXISTS probe (id int PRIMARY KEY, at_ms bigint NOT NULL)");
            }
            c.commit();
        } catch (SQLException e) {
            throw new StoreException("cannot create the schema in PostgreSQL " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean assignsSeqs() {
        return true;
    }

    @Override
    public long[] commit(List<StoreWrite> writes) {
        long[] seqs = new long[writes.size()];
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                apply(c, writes, seqs);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; Hikari discards it
                }
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("commit of " + writes.size() + " writes to PostgreSQL " + where + " failed: "
                    + e.getMessage(), e);
        }
        return seqs;
    }

    /**
     * Rooms and document rows first (rooms by id, then documents by (room, name): two nodes inserting the same new
     * documents in opposite orders each wait on the other's uncommitted key in the unique index, a deadlock; one
     * order on every node rules it out), then the row locks and seq reservation per document in (room, name) order,
     * then the appends, then snapshots. Appends never precede their document's creation in a batch (the relay
     * submits the row first), and a snapshot covers only seqs already committed or earlier in the batch. A
     * snapshot's document row is locked in the ordered step too, even with no append to it: its {@code UPDATE}
     * afterwards must not lock a row out of order (another node holding it and waiting for one of this batch's rows
     * was a deadlock, which PostgreSQL ends by aborting one of the two commits).
     */
    private static void apply(Connection c, List<StoreWrite> writes, long[] seqs) throws SQLException {
        Map<String, int[]> appendsPerDoc = new TreeMap<>(); // docKey -> {appends}; {0} for a snapshot's document
        try (PreparedStatement room = c.prepareStatement(DocumentRows.INSERT_ROOM);
             PreparedStatement doc = c.prepareStatement("INSERT INTO documents (room, name, snapshot, snapshot_seq,"
                     + " last_seq) VALUES (?, ?, ?, 0, 0) ON CONFLICT (room, name) DO NOTHING")) {
            Map<String, RoomRecord> rooms = new TreeMap<>();
            Map<String, StoreWrite.CreateDocument> docs = new TreeMap<>(); // docKey -> its creation
            for (StoreWrite w : writes) {
                if (w instanceof StoreWrite.CreateRoom r) {
                    rooms.putIfAbsent(r.room().id(), r.room());
                } else if (w instanceof StoreWrite.CreateDocument d) {
                    docs.putIfAbsent(docKey(d.room(), d.doc()), d);
                } else if (w instanceof StoreWrite.AppendUpdate a) {
                    appendsPerDoc.computeIfAbsent(docKey(a.room(), a.doc()), k -> new int[1])[0]++;
                } else if (w instanceof StoreWrite.SaveSnapshot snap) {
                    // Locked with the appends' rows, in order: see reserveSeqs. Count 0: no seq reserved.
                    appendsPerDoc.computeIfAbsent(docKey(snap.room(), snap.doc()), k -> new int[1]);
                }
            }
            for (RoomRecord r : rooms.values()) {
                DocumentRows.insertRoom(room, r);
            }
            for (StoreWrite.CreateDocument d : docs.values()) {
                doc.setString(1, d.room());
                doc.setString(2, d.doc());
                doc.setBytes(3, new byte[0]);
                doc.executeUpdate();
            }
        }
        Map<String, Long> nextSeq = reserveSeqs(c, appendsPerDoc);
        if (!nextSeq.isEmpty()) {
            try (PreparedStatement append = c.prepareStatement(
                    "INSERT INTO updates (room, name, seq, data) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < writes.size(); i++) {
                    if (writes.get(i) instanceof StoreWrite.AppendUpdate a) {
                        String key = docKey(a.room(), a.doc());
                        long seq = nextSeq.merge(key, 1L, Long::sum) - 1;
                        seqs[i] = seq;
                        append.setString(1, a.room());
                        append.setString(2, a.doc());
                        append.setLong(3, seq);
                        append.setBytes(4, a.update());
                        append.addBatch();
                    }
                }
                append.executeBatch();
            }
        }
        for (StoreWrite w : writes) {
            if (w instanceof StoreWrite.SaveSnapshot s) {
                saveSnapshot(c, s);
            }
        }
    }

    /** The key of a document in {@link #apply}'s maps: "room\0name" (NUL is refused in names, so it is unambiguous). */
    private static String docKey(String room, String name) {
        return room + '\0' + name;
    }

    /**
     * Locks the row of every document of {@code appendsPerDoc} ({@link #docKey} → {count}) and reserves
     * {@code count} seqs for those with a count above 0, in two round trips whatever the number of documents: one
     * {@code SELECT … ORDER BY … FOR UPDATE} takes the row locks in (room, name) byte order (so two nodes' batches
     * cannot deadlock), then one {@code UPDATE … FROM unnest(…) RETURNING} moves each {@code last_seq} (rows this
     * transaction already holds: no wait). The locks are held to commit, as before.
     *
     * @return "room\0name" → the first seq reserved for it (documents with a count above 0)
     * @throws SQLException if a document row to append to is missing, or PostgreSQL fails
     */
    private static Map<String, Long> reserveSeqs(Connection c, Map<String, int[]> appendsPerDoc) throws SQLException {
        Map<String, Long> nextSeq = new TreeMap<>();
        if (appendsPerDoc.isEmpty()) {
            return nextSeq;
        }
        List<String> rooms = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> appendRooms = new ArrayList<>();
        List<String> appendNames = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (Map.Entry<String, int[]> e : appendsPerDoc.entrySet()) {
            int cut = e.getKey().indexOf('\0');
            rooms.add(e.getKey().substring(0, cut));
            names.add(e.getKey().substring(cut + 1));
            if (e.getValue()[0] > 0) {
                appendRooms.add(rooms.get(rooms.size() - 1));
                appendNames.add(names.get(names.size() - 1));
                counts.add((long) e.getValue()[0]);
            }
        }
        int n = counts.size();
        try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM documents d JOIN unnest(?::text[], ?::text[])"
                + " AS w(room, name) ON d.room = w.room AND d.name = w.name"
                + " ORDER BY d.room COLLATE \"C\", d.name COLLATE \"C\" FOR UPDATE OF d");
             PreparedStatement reserve = c.prepareStatement("UPDATE documents d SET last_seq = d.last_seq + w.n"
                     + " FROM unnest(?::text[], ?::text[], ?::bigint[]) AS w(room, name, n)"
                     + " WHERE d.room = w.room AND d.name = w.name RETURNING d.room, d.name, d.last_seq, w.n")) {
            lock.setArray(1, c.createArrayOf("text", rooms.toArray()));
            lock.setArray(2, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    // rows locked; nothing to read
                }
            }
            if (n == 0) {
                return nextSeq; // snapshots only
            }
            reserve.setArray(1, c.createArrayOf("text", appendRooms.toArray()));
            reserve.setArray(2, c.createArrayOf("text", appendNames.toArray()));
            reserve.setArray(3, c.createArrayOf("bigint", counts.toArray()));
            try (ResultSet rs = reserve.executeQuery()) {
                while (rs.next()) {
                    nextSeq.put(docKey(rs.getString(1), rs.getString(2)), rs.getLong(3) - rs.getLong(4) + 1);
                }
            }
        }
        if (nextSeq.size() != n) {
            for (Map.Entry<String, int[]> e : appendsPerDoc.entrySet()) {
                String key = e.getKey();
                if (e.getValue()[0] > 0 && !nextSeq.containsKey(key)) {
                    throw new SQLException("append to missing document " + key.replace('\0', '/'));
                }
            }
        }
        return nextSeq;
    }

    /**
     * Replaces the snapshot unless another node stored a newer one (snapshots only move forward), then drops the log
     * entries it covers.
     */
    private static void saveSnapshot(Connection c, StoreWrite.SaveSnapshot s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE documents SET snapshot = ?, snapshot_seq = ?"
                + " WHERE room = ? AND name = ? AND snapshot_seq < ?")) {
            ps.setBytes(1, s.snapshot());
            ps.setLong(2, s.upToSeq());
            ps.setString(3, s.room());
            ps.setString(4, s.doc());
            ps.setLong(5, s.upToSeq());
            if (ps.executeUpdate() == 0) {
                try (PreparedStatement exists = c.prepareStatement(
                        "SELECT 1 FROM documents WHERE room = ? AND name = ?")) {
                    exists.setString(1, s.room());
                    exists.setString(2, s.doc());
                    try (ResultSet rs = exists.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("snapshot for missing document " + s.room() + "/" + s.doc());
                        }
                    }
                }
                return; // a snapshot at least as new is stored already
            }
        }
        DocumentRows.dropCoveredLog(c, s);
    }

    @Override
    public void probe() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO probe (id, at_ms) VALUES (1, " + System.currentTimeMillis()
                    + ") ON CONFLICT (id) DO UPDATE SET at_ms = EXCLUDED.at_ms");
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("probe write to PostgreSQL " + where + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RoomRecord> findRoom(String roomId) {
        try (Connection c = pool.getConnection()) {
            return DocumentRows.findRoom(c, roomId);
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot read room " + roomId + " from PostgreSQL " + where + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<String> documentNames(String roomId) {
        return new ArrayList<>(documentHeads(roomId).keySet());
    }

    @Override
    public Map<String, Long> documentHeads(String roomId) {
        try (Connection c = pool.getConnection()) {
            return DocumentRows.heads(c, "SELECT name, last_seq FROM documents WHERE room = ? ORDER BY name", roomId);
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot list documents of room " + roomId + " in PostgreSQL " + where + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<StoredDocument> loadDocument(String roomId, String doc) {
        return loadDocumentAfter(roomId, doc, -1);
    }

    @Override
    public Optional<StoredDocument> loadDocumentAfter(String roomId, String doc, long afterSeq) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // snapshot and log agree
            try {
                return DocumentRows.read(c, roomId, doc, afterSeq);
            } finally {
                c.commit();
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot load document " + roomId + "/" + doc + " from PostgreSQL " + where
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    long count(String sql) {
        try (Connection c = pool.getConnection()) {
            return DocumentRows.count(c, sql);
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot count in PostgreSQL " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "PostgresStore[" + where + "]";
    }
}
