package dev.weft.client.journal;

import dev.weft.client.paths.AtomicReplace;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The journal of one room for one running replica: a <em>slot</em> directory locked by this process, holding one
 * file per document ({@link Journal} describes the layout).
 *
 * <p>Why slots: the journal stores the replica's agent id, and two live replicas with one agent id create
 * different operations with the same ids — the room then diverges for good. Two editors of one user in one room
 * (two language servers, one data directory) therefore each lock their own slot; each finds there the journal the
 * last process in that slot left (after a crash too, since the OS drops a dead process's lock), so offline work
 * is never lost and never shared by two live replicas.
 *
 * <p>File format: magic {@code WEFTJ2}, name (int byte length + UTF-8), agent (long), acked seq (long), state
 * length (int), state bytes ({@code TextDocument.encodeStateAsUpdate()}). Files written before slots
 * ({@code WEFTJ1}: no name) are still read. Each save writes a temp file unique to the writer and renames it
 * over the entry atomically. Thread-safe.
 */
public final class RoomJournal implements AutoCloseable {
    /** Replica slots tried per room before giving up. */
    public static final int MAX_SLOTS = 64;
    static final String LOCK_FILE = ".lock";
    static final String SUFFIX = ".weft";
    private static final byte[] MAGIC_V1 = "WEFTJ1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC_V2 = "WEFTJ2".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_STATE_BYTES = 512 * 1024 * 1024;
    private static final int MAX_NAME_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The room id. Immutable. */
    private final String room;
    /** This slot's directory. Immutable. */
    private final Path dir;
    /** Slot number (0 = the room directory itself). Immutable. */
    private final int slot;
    /** The lock file's channel and its lock; released by {@link #close()}. */
    private final FileChannel lockChannel;
    private final FileLock lock;

    private RoomJournal(String room, Path dir, int slot, FileChannel lockChannel, FileLock lock) {
        this.room = room;
        this.dir = dir;
        this.slot = slot;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static RoomJournal open(Path roomDir, String room) throws IOException {
        for (int slot = 0; slot < MAX_SLOTS; slot++) {
            Path dir = slot == 0 ? roomDir : roomDir.resolve("replica-" + slot);
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by this JVM (two language servers in one process, as in tests)
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (l != null) {
                return new RoomJournal(room, dir, slot, ch, l);
            }
            ch.close();
        }
        throw new IOException("all " + MAX_SLOTS + " journal slots of room " + room + " under " + roomDir
                + " are locked by running Weft processes");
    }

    /** The room id. */
    public String room() {
        return room;
    }

    /** Which replica slot this process holds (0 for the first editor of the room on this data directory). */
    public int slot() {
        return slot;
    }

    /** The slot's directory. */
    public Path dir() {
        return dir;
    }

    /** Saves a document's entry, replacing the previous one atomically. */
    public void save(String name, Journal.Entry entry) throws IOException {
        String fileName = JournalFileNames.encode(name, SUFFIX);
        Path file = dir.resolve(fileName);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entry.state().length + nameBytes.length + 40);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC_V2);
            out.writeInt(nameBytes.length);
            out.write(nameBytes);
            out.writeLong(entry.agent());
            out.writeLong(entry.ackedSeq());
            out.writeInt(entry.state().length);
            out.write(entry.state());
        }
        // Unique per writer: two saves never share (and delete) each other's temp file.
        byte[] r = new byte[6];
        RANDOM.nextBytes(r);
        Path tmp = dir.resolve(fileName + "." + HexFormat.of().formatHex(r) + ".tmp");
        try {
            Files.write(tmp, bytes.toByteArray());
            AtomicReplace.moveOnto(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The journaled entry of a document, if any.
     *
     * @throws Journal.CorruptJournalException if the file exists but is not a valid journal entry, or holds
     *                                         another document's name
     */
    public Optional<Journal.Entry> load(String name) throws IOException {
        Path file = dir.resolve(JournalFileNames.encode(name, SUFFIX));
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Parsed p = read(file);
        if (p.name != null && !p.name.equals(name)) {
            throw new Journal.CorruptJournalException(file + ": holds document '" + p.name + "', expected '" + name
                    + "'");
        }
        return Optional.of(p.entry);
    }

    /** Names of the documents journaled in this slot (empty if none), sorted. */
    public List<String> documents() throws IOException {
        List<String> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
        for (Path f : files) {
            Optional<String> n = JournalFileNames.decode(f.getFileName().toString(), SUFFIX);
            if (n.isPresent()) {
                out.add(n.get());
            } else {
                String stored = read(f).name;
                if (stored == null) {
                    throw new Journal.CorruptJournalException(f + ": a hashed file name needs a stored name");
                }
                out.add(stored);
            }
        }
        out.sort(String::compareTo);
        return out;
    }

    /** Releases the slot (idempotent); another process may then adopt its journal. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
        }
    }

    /** A parsed file: the stored name ({@code null} for WEFTJ1) and the entry. */
    private record Parsed(String name, Journal.Entry entry) {
    }

    private static Parsed read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            byte[] magic = in.readNBytes(MAGIC_V2.length);
            String name = null;
            if (Arrays.equals(magic, MAGIC_V2)) {
                int nameLen = in.readInt();
                if (nameLen < 0 || nameLen > MAX_NAME_BYTES) {
                    throw new Journal.CorruptJournalException(file + ": impossible name length " + nameLen);
                }
                byte[] nb = in.readNBytes(nameLen);
                if (nb.length != nameLen) {
                    throw new Journal.CorruptJournalException(file + ": truncated name");
                }
                name = new String(nb, StandardCharsets.UTF_8);
            } else if (!Arrays.equals(magic, MAGIC_V1)) {
                throw new Journal.CorruptJournalException(file + ": not a Weft journal entry (bad magic)");
            }
            long agent = in.readLong();
            long acked = in.readLong();
            int len = in.readInt();
            if (len < 0 || len > MAX_STATE_BYTES) {
                throw new Journal.CorruptJournalException(file + ": impossible state length " + len);
            }
            byte[] state = in.readNBytes(len);
            if (state.length != len) {
                throw new Journal.CorruptJournalException(file + ": truncated (" + state.length + " of " + len
                        + " bytes)");
            }
            return new Parsed(name, new Journal.Entry(agent, acked, state));
        } catch (EOFException e) {
            throw new Journal.CorruptJournalException(file + ": truncated header");
        }
    }
}
