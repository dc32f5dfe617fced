package dev.weft.relay.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link RelayStore} in one SQLite file ({@code weft.db} in the data directory), in WAL mode.
 *
 * <p>Durability: {@code synchronous=FULL} by default, so a commit is on disk (WAL fsynced) when {@link #commit}
 * returns — it survives a SIGKILL of the relay and an OS crash or power loss. {@code NORMAL} (selectable) survives
 * SIGKILL of the relay but may lose the last commits on power loss. The relay batches many updates per commit, so
 * the fsync cost of FULL is shared.
 *
 * <p>Threading: one connection for the writer thread and one for readers, each used under its own lock; WAL lets
 * readers proceed while the writer commits.
 *
 * <p>Recovery: after any failed commit (a full disk, an I/O error) the writer connection is closed and opened
 * again, and its statements prepared again, before the next commit: SQLite may roll a transaction back by itself
 * on such errors, after which the JDBC connection's idea of the transaction is wrong ("cannot commit - no
 * transaction is active") for good. A failed read reopens the reader connection the same way. {@link #probe()}
 * tells whether writes work again.
 *
 * <p>Loss detection: every commit increments a counter in table {@code meta} in the same transaction, and then
 * records it in the side file {@code weft.db.commits} ({@link CommitMark}). At open, a database whose counter is
 * below the side file's lost acknowledged commits (a deleted or damaged WAL, a stale copy) and is refused with
 * {@link StoreLossException}; {@code PRAGMA quick_check} must also pass. See docs/relay.md, "Integrity".
 */
public final class SqliteStore extends SqlStore {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(SqliteStore.class.getName());

    /**
     * Schema version stored in {@code PRAGMA user_version}: 2 added table {@code meta} (the commit counter); 3 made
     * {@code updates} a {@code WITHOUT ROWID} table (see {@link #clusterUpdatesByDocument}).
     */
    static final int SCHEMA_VERSION = 3;

    /** SQLite's {@code synchronous} setting. */
    public enum Synchronous { FULL, NORMAL }

    /** The database file; immutable. */
    private final Path file;
    /** {@code synchronous} setting, re-applied when the writer connection is reopened; immutable. */
    private final Synchronous synchronous;
    /** The side file holding the latest commit count; immutable reference. */
    private final CommitMark mark;
    /** Guards {@link #writer}, its prepared statements and {@link #commits}. */
    private final Object writeLock = new Object();
    /** Guards {@link #reader}. */
    private final Object readLock = new Object();
    /** Connection used only by {@link #commit}; null after a failure until reopened. */
    private Connection writer;
    /**
     * The hot statement (one execution per accepted update), prepared once per writer connection. Preparing it per
     * update cost a measurable share of the writer thread under load.
     */
    private PreparedStatement appendUpdate;
    /** Increments the commit counter; prepared once per writer connection. */
    private PreparedStatement bumpCommits;
    /** Inserts an empty document row; prepared once per writer connection (a shared folder creates thousands). */
    private PreparedStatement createDocument;
    /** Commits so far (the value of {@code meta.commits} after the last successful commit). */
    private long commits;
    /** Connection for reads; null after a failure until reopened. */
    private Connection reader;

    private SqliteStore(Path file, Synchronous synchronous, CommitMark mark, long commits) {
        this.file = file;
        this.synchronous = synchronous;
        this.mark = mark;
        this.commits = commits;
    }

    /**
     * Opens (creating if needed) {@code dataDir/weft.db}, refusing a database that lost acknowledged commits.
     *
     * @throws StoreLossException if the database holds fewer commits than were acknowledged, or fails its
     *     integrity check
     * @throws StoreException if the directory or database cannot be opened, or has a newer schema
     */
    public static SqliteStore open(Path dataDir, Synchronous synchronous) {
        return open(dataDir, synchronous, false);
    }

    /**
     * Like {@link #open(Path, Synchronous)}; with {@code acceptLoss}, a database that lost commits is opened anyway
     * (logged as SEVERE) and the side file is reset to what it holds.
     */
    public static SqliteStore open(Path dataDir, Synchronous synchronous, boolean acceptLoss) {
        Path file = dataDir.resolve("weft.db");
        try {
            Files.createDirectories(dataDir);
            long stored;
            try (Connection c = connect(file, synchronous)) {
                stored = createSchema(c, file);
                quickCheck(c, file);
            }
            CommitMark mark = CommitMark.open(dataDir.resolve("weft.db.commits"));
            long acknowledged = mark.read();
            if (acknowledged > stored) {
                String what = file + " holds " + stored + " commits but " + acknowledged
                        + " were acknowledged (" + mark.file().getFileName() + "): its WAL was deleted or damaged, or"
                        + " it is an older copy";
                if (!acceptLoss) {
                    mark.close();
                    throw new StoreLossException(what + "; restore from a backup (docs/relay.md, Integrity) or"
                            + " start with --accept-data-loss true to run with what is left");
                }
                dev.weft.relay.log.Log.error(LOG, "storage.loss_accepted", null, "db", file.toString(), "stored",
                        stored, "acknowledged", acknowledged);
            }
            mark.write(stored);
            SqliteStore store = new SqliteStore(file, synchronous, mark, stored);
            synchronized (store.writeLock) {
                store.openWriter();
            }
            synchronized (store.readLock) {
                store.openReader();
            }
            return store;
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot open SQLite store " + file + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(Path file, Synchronous synchronous) throws SQLException {
        // No generated-keys lookup after each INSERT (the relay never reads them): sqlite-jdbc otherwise runs a
        // regular expression over the SQL and a second query per insert.
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setGetGeneratedKeys(false);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + synchronous.name());
            s.execute("PRAGMA busy_timeout=10000");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Creates or upgrades the schema; returns the commit counter. */
    private static long createSchema(Connection c, Path file) throws SQLException {
        try (Statement s = c.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new StoreException("database " + file + " has schema version " + version
                        + ", newer than this relay's " + SCHEMA_VERSION, null);
            }
            s.execute("CREATE TABLE IF NOT EXISTS rooms (id TEXT PRIMARY KEY, editor_hash BLOB NOT NULL,"
                    + " read_only_hash BLOB NOT NULL, created_ms INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS documents (room TEXT NOT NULL, name TEXT NOT NULL,"
                    + " snapshot BLOB NOT NULL, snapshot_seq INTEGER NOT NULL, PRIMARY KEY (room, name))");
            s.execute("CREATE TABLE IF NOT EXISTS updates " + UPDATES_COLUMNS + " WITHOUT ROWID");
            clusterUpdatesByDocument(s, file);
            s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            s.execute("INSERT INTO meta (key, value) VALUES ('commits', 0) ON CONFLICT (key) DO NOTHING");
            s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'commits'")) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Columns and key of table {@code updates}, the documents' logs. */
    private static final String UPDATES_COLUMNS = "(room TEXT NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL,"
            + " data BLOB NOT NULL, PRIMARY KEY (room, name, seq))";

    /**
     * Rebuilds a table {@code updates} made by an older relay (schema 2 or before: a rowid table) as a {@code WITHOUT
     * ROWID} table, in one transaction; does nothing if it already is one. In a rowid table the rows lie in arrival
     * order, so one document's log entries are spread over every page written while it grew, and a compaction that
     * drops them rewrites all of those pages: measured, 27.7 ms to drop 1,000 entries of one of 100 documents that grew
     * together, against 1.0 ms (26 WAL pages) when the rows lie in key order (docs/benchmarks.md, "Compaction waves").
     * Postcondition: {@code updates} is a {@code WITHOUT ROWID} table with the same rows as before.
     */
    private static void clusterUpdatesByDocument(Statement s, Path file) throws SQLException {
        String ddl;
        try (ResultSet rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'updates'")) {
            ddl = rs.next() ? rs.getString(1) : null;
        }
        if (ddl == null || ddl.toUpperCase(java.util.Locale.ROOT).contains("WITHOUT ROWID")) {
            return;
        }
        long start = System.nanoTime();
        long rows;
        s.execute("BEGIN IMMEDIATE");
        try {
            s.execute("CREATE TABLE updates_by_document " + UPDATES_COLUMNS + " WITHOUT ROWID");
            rows = s.executeUpdate("INSERT INTO updates_by_document (room, name, seq, data)"
                    + " SELECT room, name, seq, data FROM updates");
            s.execute("DROP TABLE updates");
            s.execute("ALTER TABLE updates_by_document RENAME TO updates");
            s.execute("COMMIT");
        } catch (SQLException e) {
            s.execute("ROLLBACK");
            throw e;
        }
        dev.weft.relay.log.Log.info(LOG, "storage.schema_upgraded", "db", file.toString(), "table", "updates",
                "rows", rows, "ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** {@code PRAGMA quick_check}: structure, page and index consistency of the main file (not the WAL's checksums). */
    private static void quickCheck(Connection c, Path file) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check(20)")) {
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
        }
        if (!problems.equals(List.of("ok"))) {
            throw new StoreLossException(file + " fails its integrity check (PRAGMA quick_check): "
                    + String.join("; ", problems) + "; restore from a backup (docs/relay.md, Integrity)");
        }
    }

    /**
     * Writes a consistent copy of {@code dataDir/weft.db} to {@code target} with {@code VACUUM INTO}: safe while a
     * relay runs on it (a read transaction; the relay's commits continue), and the copy includes the commit
     * counter, so it restores cleanly into a fresh data directory (docs/relay.md, Integrity).
     *
     * @throws StoreException if the database cannot be read or {@code target} exists or cannot be written
     */
    public static void backup(Path dataDir, Path target) {
        Path file = dataDir.resolve("weft.db");
        if (!Files.isRegularFile(file)) {
            throw new StoreException("no database at " + file, null);
        }
        if (Files.exists(target)) {
            throw new StoreException("backup target " + target + " exists; choose a new file", null);
        }
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setBusyTimeout(10_000);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties())) {
            try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                ps.setString(1, target.toString());
                ps.execute();
            }
        } catch (SQLException e) {
            throw new StoreException("backup of " + file + " to " + target + " failed: " + e.getMessage(), e);
        }
    }

    /** Opens the writer connection and prepares its statements. Caller holds {@link #writeLock}. */
    private void openWriter() throws SQLException {
        Connection w = connect(file, synchronous);
        try {
            w.setAutoCommit(false);
            appendUpdate = w.prepareStatement("INSERT INTO updates (room, name, seq, data) VALUES (?, ?, ?, ?)");
            bumpCommits = w.prepareStatement("UPDATE meta SET value = value + 1 WHERE key = 'commits'");
            createDocument = w.prepareStatement("INSERT INTO documents (room, name, snapshot, snapshot_seq)"
                    + " VALUES (?, ?, ?, 0) ON CONFLICT (room, name) DO NOTHING");
        } catch (SQLException e) {
            w.close();
            throw e;
        }
        writer = w;
    }

    /** Closes the writer connection, ignoring errors (it is being discarded). Caller holds {@link #writeLock}. */
    private void discardWriter() {
        if (writer != null) {
            try {
                writer.close(); // also closes its statements, and rolls back an open transaction
            } catch (SQLException ignored) {
                // the connection is broken already; a new one is opened on the next commit
            }
        }
        writer = null;
        appendUpdate = null;
        bumpCommits = null;
        createDocument = null;
    }

    /** Opens the reader connection. Caller holds {@link #readLock}. */
    private void openReader() throws SQLException {
        Connection r = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = r.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
        } catch (SQLException e) {
            r.close();
            throw e;
        }
        reader = r;
    }

    /** The reader connection, reopened if a failure discarded it. Caller holds {@link #readLock}. */
    private Connection reader() throws SQLException {
        if (reader == null) {
            openReader();
        }
        return reader;
    }

    /** Closes the reader after a failed read, so the next read starts on a fresh connection. Caller holds {@link #readLock}. */
    private void discardReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (SQLException ignored) {
                // broken already
            }
        }
        reader = null;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public long[] commit(List<StoreWrite> writes) {
        long[] seqs = new long[writes.size()];
        for (int i = 0; i < seqs.length; i++) {
            if (writes.get(i) instanceof StoreWrite.AppendUpdate a) {
                seqs[i] = a.seq();
            }
        }
        synchronized (writeLock) {
            try {
                if (writer == null) {
                    openWriter();
                }
                for (StoreWrite w : writes) {
                    apply(w);
                }
                bumpCommits.executeUpdate();
                writer.commit();
            } catch (SQLException | RuntimeException e) {
                // Whatever state SQLite and the driver are in now, the next commit starts on a fresh connection.
                discardWriter();
                throw new StoreException("commit of " + writes.size() + " writes failed: " + e.getMessage(), e);
            }
            commits++;
            recordMark();
        }
        return seqs;
    }

    @Override
    public boolean assignsSeqs() {
        return false;
    }

    @Override
    public java.util.Map<String, Long> documentHeads(String roomId) {
        synchronized (readLock) {
            try {
                return DocumentRows.heads(reader(), "SELECT d.name, MAX(d.snapshot_seq, COALESCE("
                        + "(SELECT MAX(u.seq) FROM updates u WHERE u.room = d.room AND u.name = d.name), 0))"
                        + " FROM documents d WHERE d.room = ?", roomId);
            } catch (SQLException e) {
                discardReader();
                throw new StoreException("cannot read document heads of room " + roomId + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A minimal durable write (the commit counter), proving that storage accepts writes again after a failure.
     *
     * @throws StoreException if it fails
     */
    @Override
    public void probe() {
        commit(List.of());
    }

    /** Writes {@link #commits} to the side file; a failure only weakens loss detection, so it is logged, not thrown. */
    private void recordMark() {
        try {
            mark.write(commits);
        } catch (java.io.IOException e) {
            dev.weft.relay.log.Log.warn(LOG, "storage.commit_mark_failed", "file", mark.file().toString(), "error",
                    e.toString());
        }
    }

    private void apply(StoreWrite w) throws SQLException {
        if (w instanceof StoreWrite.CreateRoom c) {
            try (PreparedStatement ps = writer.prepareStatement(DocumentRows.INSERT_ROOM)) {
                DocumentRows.insertRoom(ps, c.room());
            }
        } else if (w instanceof StoreWrite.CreateDocument c) {
            createDocument.setString(1, c.room());
            createDocument.setString(2, c.doc());
            createDocument.setBytes(3, new byte[0]);
            createDocument.executeUpdate();
        } else if (w instanceof StoreWrite.AppendUpdate a) {
            appendUpdate.setString(1, a.room());
            appendUpdate.setString(2, a.doc());
            appendUpdate.setLong(3, a.seq());
            appendUpdate.setBytes(4, a.update());
            appendUpdate.executeUpdate();
        } else if (w instanceof StoreWrite.SaveSnapshot s) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "UPDATE documents SET snapshot = ?, snapshot_seq = ? WHERE room = ? AND name = ?")) {
                ps.setBytes(1, s.snapshot());
                ps.setLong(2, s.upToSeq());
                ps.setString(3, s.room());
                ps.setString(4, s.doc());
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("snapshot for missing document " + s.room() + "/" + s.doc());
                }
            }
            DocumentRows.dropCoveredLog(writer, s);
        } else {
            throw new IllegalArgumentException("unknown write " + w);
        }
    }

    @Override
    public Optional<RoomRecord> findRoom(String roomId) {
        synchronized (readLock) {
            try {
                return DocumentRows.findRoom(reader(), roomId);
            } catch (SQLException e) {
                discardReader();
                throw new StoreException("cannot read room " + roomId + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<String> documentNames(String roomId) {
        synchronized (readLock) {
            try (PreparedStatement ps = reader().prepareStatement(
                    "SELECT name FROM documents WHERE room = ? ORDER BY name")) {
                ps.setString(1, roomId);
                List<String> names = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                return names;
            } catch (SQLException e) {
                discardReader();
                throw new StoreException("cannot list documents of room " + roomId + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Optional<StoredDocument> loadDocument(String roomId, String doc) {
        return loadDocumentAfter(roomId, doc, -1);
    }

    @Override
    public Optional<StoredDocument> loadDocumentAfter(String roomId, String doc, long afterSeq) {
        synchronized (readLock) {
            try {
                Connection reader = reader();
                reader.setAutoCommit(false); // one read transaction: snapshot and log agree
                try {
                    return DocumentRows.read(reader, roomId, doc, afterSeq);
                } finally {
                    reader.commit();
                    reader.setAutoCommit(true);
                }
            } catch (SQLException e) {
                discardReader();
                throw new StoreException("cannot load document " + roomId + "/" + doc + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    long count(String sql) {
        synchronized (readLock) {
            try {
                return DocumentRows.count(reader(), sql);
            } catch (SQLException e) {
                discardReader();
                throw new StoreException("cannot count: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            synchronized (readLock) {
                discardReader();
                try {
                    if (writer == null) {
                        openWriter();
                    }
                    try (Statement s = writer.createStatement()) {
                        writer.commit();
                        writer.setAutoCommit(true);
                        // Fold the WAL into the main file so the data directory is one self-contained file.
                        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    }
                } catch (SQLException e) {
                    throw new StoreException("cannot close SQLite store " + file + ": " + e.getMessage(), e);
                } finally {
                    discardWriter();
                    mark.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SqliteStore[" + file + "]";
    }
}
