package dev.weft.relay.store;

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
 * The statements both stores share, on the {@code rooms}, {@code documents} and {@code updates} tables that SQLite
 * and PostgreSQL lay out alike: a document's snapshot row and the log entries after it, a room row, a query of
 * document heads, dropping the log a snapshot covers, a count. Each store keeps its own connections, transactions
 * and error messages.
 */
final class DocumentRows {
    /** Inserts a room row; bind it with {@link #bindRoom}. */
    static final String INSERT_ROOM =
            "INSERT INTO rooms (id, editor_hash, read_only_hash, created_ms) VALUES (?, ?, ?, ?)";

    private DocumentRows() {
    }

    /** Binds {@code room} to the four parameters of {@link #INSERT_ROOM} and executes it. */
    static void insertRoom(PreparedStatement ps, RoomRecord room) throws SQLException {
        ps.setString(1, room.id());
        ps.setBytes(2, room.editorSecretHash());
        ps.setBytes(3, room.readOnlySecretHash());
        ps.setLong(4, room.createdMillis());
        ps.executeUpdate();
    }

    /** @return room {@code roomId}'s row, or empty if there is none */
    static Optional<RoomRecord> findRoom(Connection c, String roomId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT editor_hash, read_only_hash, created_ms FROM rooms WHERE id = ?")) {
            ps.setString(1, roomId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new RoomRecord(roomId, rs.getBytes(1), rs.getBytes(2), rs.getLong(3)));
            }
        }
    }

    /**
     * Runs {@code sql}, a query with one parameter (the room id) that selects a document name and its head seq.
     *
     * @return name → head seq, in name order
     */
    static Map<String, Long> heads(Connection c, String sql, String roomId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, roomId);
            Map<String, Long> heads = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heads.put(rs.getString(1), rs.getLong(2));
                }
            }
            return heads;
        }
    }

    /** Deletes the log entries of {@code s}'s document up to and including {@code s.upToSeq()}. */
    static void dropCoveredLog(Connection c, StoreWrite.SaveSnapshot s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM updates WHERE room = ? AND name = ? AND seq <= ?")) {
            ps.setString(1, s.room());
            ps.setString(2, s.doc());
            ps.setLong(3, s.upToSeq());
            ps.executeUpdate();
        }
    }

    /** @return the first column of the first row of {@code sql} (a {@code COUNT(*)}), or 0 if it has no row */
    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Reads document {@code doc} of room {@code roomId} through {@code c}. The caller runs it in one read transaction
     * so that the snapshot and the log agree. An empty stored snapshot reads as an empty array (sqlite-jdbc returns
     * {@code null} for a zero-length blob).
     *
     * @return the stored document, or empty if it has no row
     */
    static Optional<StoredDocument> read(Connection c, String roomId, String doc) throws SQLException {
        return read(c, roomId, doc, -1);
    }

    /**
     * Like {@link #read(Connection, String, String)}, for a reader that already holds every seq up to
     * {@code afterSeq}: the snapshot is read only if it covers a seq above {@code afterSeq} (else an empty array, with
     * the stored {@code snapshotSeq}), and only the log entries above both. With {@code afterSeq < 0}, the whole
     * document.
     */
    static Optional<StoredDocument> read(Connection c, String roomId, String doc, long afterSeq) throws SQLException {
        byte[] snapshot;
        long snapshotSeq;
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN snapshot_seq > ? THEN snapshot END,"
                + " snapshot_seq FROM documents WHERE room = ? AND name = ?")) {
            ps.setLong(1, afterSeq);
            ps.setString(2, roomId);
            ps.setString(3, doc);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                snapshot = rs.getBytes(1);
                snapshotSeq = rs.getLong(2);
            }
        }
        List<StoredDocument.LogEntry> log = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, data FROM updates"
                + " WHERE room = ? AND name = ? AND seq > ? ORDER BY seq")) {
            ps.setString(1, roomId);
            ps.setString(2, doc);
            ps.setLong(3, Math.max(snapshotSeq, afterSeq));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    log.add(new StoredDocument.LogEntry(rs.getLong(1), rs.getBytes(2)));
                }
            }
        }
        return Optional.of(new StoredDocument(snapshot == null ? new byte[0] : snapshot, snapshotSeq, log));
    }
}
