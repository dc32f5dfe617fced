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
 */
public final class SqliteStore implements RelayStore {
    /** Schema version stored in {@code PRAGMA user_version}. */
    static final int SCHEMA_VERSION = 1;

    /** SQLite's {@code synchronous} setting. */
    public enum Synchronous { FULL, NORMAL }

    /** Connection used only by {@link #commit}; guarded by itself. */
    private final Connection writer;
    /** Connection for reads; guarded by itself. */
    private final Connection reader;
    /**
     * The hot statement (one execution per accepted update), prepared once on {@link #writer}; guarded by
     * {@link #writer}. Preparing it per update cost a measurable share of the writer thread under load.
     */
    private final PreparedStatement appendUpdate;
    /** The database file; immutable. */
    private final Path file;

    private SqliteStore(Path file, Connection writer, Connection reader) throws SQLException {
        this.file = file;
        this.writer = writer;
        this.reader = reader;
        this.appendUpdate = writer.prepareStatement("INSERT INTO updates (room, name, seq, data) VALUES (?, ?, ?, ?)");
    }

    /**
     * Opens (creating if needed) {@code dataDir/weft.db}.
     *
     * @throws StoreException if the directory or database cannot be opened, or has a newer schema
     */
    public static SqliteStore open(Path dataDir, Synchronous synchronous) {
        Path file = dataDir.resolve("weft.db");
        try {
            Files.createDirectories(dataDir);
            // No generated-keys lookup after each INSERT (the relay never reads them): sqlite-jdbc otherwise runs a
            // regular expression over the SQL and a second query per insert.
            org.sqlite.SQLiteConfig writerConfig = new org.sqlite.SQLiteConfig();
            writerConfig.setGetGeneratedKeys(false);
            Connection w = DriverManager.getConnection("jdbc:sqlite:" + file, writerConfig.toProperties());
            try (Statement s = w.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=" + synchronous.name());
                s.execute("PRAGMA busy_timeout=10000");
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
                s.execute("CREATE TABLE IF NOT EXISTS updates (room TEXT NOT NULL, name TEXT NOT NULL,"
                        + " seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (room, name, seq))");
                s.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            }
            w.setAutoCommit(false);
            Connection r = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = r.createStatement()) {
                s.execute("PRAGMA busy_timeout=10000");
            }
            return new SqliteStore(file, w, r);
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("cannot open SQLite store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public void commit(List<StoreWrite> writes) {
        synchronized (writer) {
            try {
                for (StoreWrite w : writes) {
                    apply(w);
                }
                writer.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    writer.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw new StoreException("commit of " + writes.size() + " writes failed: " + e.getMessage(), e);
            }
        }
    }

    private void apply(StoreWrite w) throws SQLException {
        if (w instanceof StoreWrite.CreateRoom c) {
            try (PreparedStatement ps = writer.prepareStatement(
                    "INSERT INTO rooms (id, editor_hash, read_only_hash, created_ms) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, c.room().id());
                ps.setBytes(2, c.room().editorSecretHash());
                ps.setBytes(3, c.room().readOnlySecretHash());
                ps.setLong(4, c.room().createdMillis());
                ps.executeUpdate();
            }
        } else if (w instanceof StoreWrite.CreateDocument c) {
            try (PreparedStatement ps = writer.prepareStatement("INSERT INTO documents (room, name, snapshot,"
                    + " snapshot_seq) VALUES (?, ?, ?, 0) ON CONFLICT (room, name) DO NOTHING")) {
                ps.setString(1, c.room());
                ps.setString(2, c.doc());
                ps.setBytes(3, new byte[0]);
                ps.executeUpdate();
            }
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
            try (PreparedStatement ps = writer.prepareStatement(
                    "DELETE FROM updates WHERE room = ? AND name = ? AND seq <= ?")) {
                ps.setString(1, s.room());
                ps.setString(2, s.doc());
                ps.setLong(3, s.upToSeq());
                ps.executeUpdate();
            }
        } else {
            throw new IllegalArgumentException("unknown write " + w);
        }
    }

    @Override
    public Optional<RoomRecord> findRoom(String roomId) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
                    "SELECT editor_hash, read_only_hash, created_ms FROM rooms WHERE id = ?")) {
                ps.setString(1, roomId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new RoomRecord(roomId, rs.getBytes(1), rs.getBytes(2), rs.getLong(3)));
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read room " + roomId + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<String> documentNames(String roomId) {
        synchronized (reader) {
            try (PreparedStatement ps = reader.prepareStatement(
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
                throw new StoreException("cannot list documents of room " + roomId + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Optional<StoredDocument> loadDocument(String roomId, String doc) {
        synchronized (reader) {
            try {
                reader.setAutoCommit(false); // one read transaction: snapshot and log agree
                try {
                    byte[] snapshot;
                    long snapshotSeq;
                    try (PreparedStatement ps = reader.prepareStatement(
                            "SELECT snapshot, snapshot_seq FROM documents WHERE room = ? AND name = ?")) {
                        ps.setString(1, roomId);
                        ps.setString(2, doc);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                return Optional.empty();
                            }
                            snapshot = rs.getBytes(1);
                            snapshotSeq = rs.getLong(2);
                        }
                    }
                    List<StoredDocument.LogEntry> log = new ArrayList<>();
                    try (PreparedStatement ps = reader.prepareStatement("SELECT seq, data FROM updates"
                            + " WHERE room = ? AND name = ? AND seq > ? ORDER BY seq")) {
                        ps.setString(1, roomId);
                        ps.setString(2, doc);
                        ps.setLong(3, snapshotSeq);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                log.add(new StoredDocument.LogEntry(rs.getLong(1), rs.getBytes(2)));
                            }
                        }
                    }
                    return Optional.of(new StoredDocument(snapshot == null ? new byte[0] : snapshot, snapshotSeq, log));
                } finally {
                    reader.commit();
                    reader.setAutoCommit(true);
                }
            } catch (SQLException e) {
                throw new StoreException("cannot load document " + roomId + "/" + doc + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public long roomCount() {
        return count("SELECT COUNT(*) FROM rooms");
    }

    @Override
    public long documentCount() {
        return count("SELECT COUNT(*) FROM documents");
    }

    private long count(String sql) {
        synchronized (reader) {
            try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : 0;
            } catch (SQLException e) {
                throw new StoreException("cannot count: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (writer) {
            synchronized (reader) {
                try {
                    reader.close();
                    appendUpdate.close();
                    try (Statement s = writer.createStatement()) {
                        writer.commit();
                        writer.setAutoCommit(true);
                        // Fold the WAL into the main file so the data directory is one self-contained file.
                        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    }
                    writer.close();
                } catch (SQLException e) {
                    throw new StoreException("cannot close SQLite store " + file + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SqliteStore[" + file + "]";
    }
}
