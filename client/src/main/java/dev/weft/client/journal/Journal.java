package dev.weft.client.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local journal: per room and document, the replica's whole state (which includes every unsent local
 * operation), its agent id and the last acknowledged seq, so that editing offline and restarting the editor
 * offline lose nothing. On reconnect the document syncs by version vector, which resends what the relay lacks.
 *
 * <p>A room's journal is used through a {@link RoomJournal}, which locks one <em>replica slot</em> of the room for
 * as long as this process is in the room: a journal, and with it its agent id, belongs to at most one running
 * replica ({@code docs/user-guide.md}, "Offline and restarts"). Layout:
 * <pre>
 * &lt;dataDir&gt;/rooms/&lt;room&gt;/              slot 0 (also where journals written before slots live)
 * &lt;dataDir&gt;/rooms/&lt;room&gt;/.lock          held (FileChannel lock) by the process using slot 0
 * &lt;dataDir&gt;/rooms/&lt;room&gt;/&lt;file&gt;.weft    one document, file name from {@link JournalFileNames}
 * &lt;dataDir&gt;/rooms/&lt;room&gt;/replica-N/      slot N ≥ 1, same layout, for a second editor in the same room
 * </pre>
 */
public final class Journal {
    /** Environment variable that overrides the default data directory. */
    public static final String DATA_DIR_ENV = "WEFT_DATA_DIR";

    /** Root data directory. Immutable. */
    private final Path dataDir;

    public Journal(Path dataDir) {
        this.dataDir = dataDir;
    }

    /**
     * The default per-user data directory, from this process's environment: see
     * {@link #defaultDataDir(Map, String)}.
     */
    public static Path defaultDataDir() {
        return defaultDataDir(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The default data directory: {@code $WEFT_DATA_DIR} if set, else {@code $XDG_DATA_HOME/weft}, else
     * {@code $HOME/.local/share/weft}, else (no {@code HOME}) {@code <userHome>/.local/share/weft}. {@code HOME}
     * comes before Java's {@code user.home}, which reads the password database and ignores a changed
     * {@code HOME}.
     */
    public static Path defaultDataDir(Map<String, String> env, String userHome) {
        String explicit = env.get(DATA_DIR_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "weft");
        }
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = userHome;
        }
        return Path.of(home, ".local", "share", "weft");
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Opens the journal of {@code room} for this process: the lowest replica slot no running process holds,
     * locked until {@link RoomJournal#close()} (or the process's end — the OS releases the lock of a process that
     * crashed, so its journal is adopted by the next start).
     *
     * @throws IOException if no slot can be locked (more than {@link RoomJournal#MAX_SLOTS} replicas of the room
     *                     running on this data directory) or the directory cannot be created
     */
    public RoomJournal openRoom(String room) throws IOException {
        return RoomJournal.open(dataDir.resolve("rooms").resolve(JournalFileNames.encode(room, "")), room);
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

    /** A journal file exists but cannot be read as one. */
    public static final class CorruptJournalException extends IOException {
        public CorruptJournalException(String message) {
            super(message);
        }
    }
}
