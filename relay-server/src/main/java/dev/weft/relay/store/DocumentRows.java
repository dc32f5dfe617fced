package dev.weft.relay.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The read both stores share: a document's snapshot row and the log entries after it, from the {@code documents} and
 * {@code updates} tables that SQLite and PostgreSQL lay out alike.
 */
final class DocumentRows {
    private DocumentRows() {
    }

    /**
     * Reads document {@code doc} of room {@code roomId} through {@code c}. The caller runs it in one read transaction
     * so that the snapshot and the log agree. An empty stored snapshot reads as an empty array (sqlite-jdbc returns
     * {@code null} for a zero-length blob).
     *
     * @return the stored document, or empty if it has no row
     */
    static Optional<StoredDocument> read(Connection c, String roomId, String doc) throws SQLException {
        byte[] snapshot;
        long snapshotSeq;
        try (PreparedStatement ps = c.prepareStatement(
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
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, data FROM updates"
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
    }
}
