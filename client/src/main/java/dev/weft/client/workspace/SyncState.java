package dev.weft.client.workspace;

import dev.weft.client.paths.PathValidator;
import dev.weft.client.workspace.tree.FileKind;
import dev.weft.client.workspace.tree.TreeNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What a folder peer remembers across restarts, per room, so that changes made on disk while it was not running
 * are merged as edits when it comes back: for each file, its id, kind, path and <em>base</em> (the last text known
 * to be on disk and durable on the relay; for a binary file, its hash).
 *
 * <p>Layout under the state directory (by default {@code <root>/.weft/state/<room>/}, never shared):
 * {@code files.tsv} with lines {@code fileId TAB t|b TAB hash-or-"-" TAB path}, and {@code base/<fileId>} holding
 * each text file's base. Writes are atomic (temp file + rename); a base is written before the index naming it.
 */
final class SyncState {
    private static final Logger LOG = Logger.getLogger(SyncState.class.getName());

    /**
     * One remembered file. Immutable.
     *
     * @param base text files: the base text; binary files: null
     * @param hash binary files: SHA-256 of the bytes; text files: null
     */
    record Entry(String fileId, FileKind kind, String path, String base, String hash) {
    }

    /** The directory; immutable. */
    private final Path dir;
    /** What was last written, by file id (to skip unchanged bases). */
    private final Map<String, Entry> written = new HashMap<>();

    SyncState(Path dir) {
        this.dir = dir;
    }

    /** The remembered files (empty on a first run); malformed lines are skipped. */
    Map<String, Entry> load() throws IOException {
        Map<String, Entry> out = new HashMap<>();
        Path index = dir.resolve("files.tsv");
        if (!Files.isRegularFile(index)) {
            return out;
        }
        for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", 4);
            if (f.length != 4 || !TreeNames.FILE_ID.matcher(f[0]).matches() || !PathValidator.isValid(f[3])) {
                LOG.warning("skipping state line '" + line + "' in " + index);
                continue;
            }
            FileKind kind = f[1].equals("b") ? FileKind.BINARY : FileKind.TEXT;
            String base = null;
            if (kind == FileKind.TEXT) {
                Path b = dir.resolve("base").resolve(f[0]);
                if (!Files.isRegularFile(b)) {
                    continue;
                }
                base = Files.readString(b, StandardCharsets.UTF_8);
            }
            Entry e = new Entry(f[0], kind, f[3], base, kind == FileKind.BINARY ? f[2] : null);
            out.put(e.fileId(), e);
            written.put(e.fileId(), e);
        }
        return out;
    }

    /** Replaces the remembered files with {@code entries}. */
    void save(List<Entry> entries) throws IOException {
        Files.createDirectories(dir.resolve("base"));
        StringBuilder index = new StringBuilder();
        Map<String, Entry> now = new HashMap<>();
        for (Entry e : entries) {
            Entry old = written.get(e.fileId());
            if (e.kind() == FileKind.TEXT && (old == null || !e.base().equals(old.base()))) {
                atomicWrite(dir.resolve("base").resolve(e.fileId()), e.base().getBytes(StandardCharsets.UTF_8));
            }
            index.append(e.fileId()).append('\t').append(e.kind() == FileKind.TEXT ? 't' : 'b').append('\t')
                    .append(e.hash() == null ? "-" : e.hash()).append('\t').append(e.path()).append('\n');
            now.put(e.fileId(), e);
        }
        atomicWrite(dir.resolve("files.tsv"), index.toString().getBytes(StandardCharsets.UTF_8));
        for (String gone : written.keySet()) {
            if (!now.containsKey(gone)) {
                Files.deleteIfExists(dir.resolve("base").resolve(gone));
            }
        }
        written.clear();
        written.putAll(now);
    }

    private static void atomicWrite(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".state-", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
