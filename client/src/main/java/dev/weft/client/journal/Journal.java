package dev.weft.client.journal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local journal: per room and document, the replica's whole state (which includes every unsent local
 * operation), its agent id and the last acknowledged seq, so that editing offline and restarting the editor
 * offline lose nothing. On reconnect the document syncs by version vector, which resends what the relay lacks.
 *
 * <p>Layout: {@code <dataDir>/rooms/<room>/<url-encoded name>.weft}, written atomically (temp file + rename).
 * File format: magic {@code WEFTJ1}, agent (long), acked seq (long), state length (int), state bytes
 * ({@code TextDocument.encodeStateAsUpdate()}). Thread-safe (each write is one atomic rename).
 */
public final class Journal {
    private static final byte[] MAGIC = "WEFTJ1".getBytes(StandardCharsets.US_ASCII);

    /** Root data directory. Immutable. */
    private final Path dataDir;

    public Journal(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** The default per-user data directory: {@code $XDG_DATA_HOME/weft} or {@code ~/.local/share/weft}. */
    public static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "weft");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "weft");
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * One journaled document. Immutable ({@code state} is not copied; do not mutate).
     *
     * @param agent     the replica's agent id (kept across restarts so its seqs continue)
     * @param ackedSeq  next seq of that agent the relay had acknowledged when saved
     * @param state     the replica's whole state as an update
     */
    public record Entry(long agent, long ackedSeq, byte[] state) {
    }

    /** Saves a document's entry, replacing the previous one atomically. */
    public void save(String room, String name, Entry entry) throws IOException {
        Path dir = roomDir(room);
        Files.createDirectories(dir);
        Path file = dir.resolve(fileName(name));
        Path tmp = dir.resolve(fileName(name) + ".tmp");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entry.state().length + 32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeLong(entry.agent());
            out.writeLong(entry.ackedSeq());
            out.writeInt(entry.state().length);
            out.write(entry.state());
        }
        Files.write(tmp, bytes.toByteArray());
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The journaled entry of a document, if any.
     *
     * @throws CorruptJournalException if the file exists but is not a valid journal entry
     */
    public Optional<Entry> load(String room, String name) throws IOException {
        Path file = roomDir(room).resolve(fileName(name));
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new CorruptJournalException(file + ": not a Weft journal entry (bad magic)");
            }
            long agent = in.readLong();
            long acked = in.readLong();
            int len = in.readInt();
            if (len < 0 || len > 512 * 1024 * 1024) {
                throw new CorruptJournalException(file + ": impossible state length " + len);
            }
            byte[] state = in.readNBytes(len);
            if (state.length != len) {
                throw new CorruptJournalException(file + ": truncated (" + state.length + " of " + len + " bytes)");
            }
            return Optional.of(new Entry(agent, acked, state));
        } catch (java.io.EOFException e) {
            throw new CorruptJournalException(file + ": truncated header");
        }
    }

    /** Names of the documents journaled for a room (empty if none). */
    public List<String> documents(String room) throws IOException {
        Path dir = roomDir(room);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".weft")).sorted()
                    .forEach(f -> out.add(URLDecoder.decode(f.substring(0, f.length() - 5), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private Path roomDir(String room) {
        return dataDir.resolve("rooms").resolve(URLEncoder.encode(room, StandardCharsets.UTF_8));
    }

    private static String fileName(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8) + ".weft";
    }

    /** A journal file exists but cannot be read as one. */
    public static final class CorruptJournalException extends IOException {
        public CorruptJournalException(String message) {
            super(message);
        }
    }
}
