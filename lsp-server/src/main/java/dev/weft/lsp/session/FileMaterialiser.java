package dev.weft.lsp.session;

import dev.weft.client.paths.PathRules;
import dev.weft.client.paths.PathValidator;
import dev.weft.client.paths.UnsafeNameException;
import org.eclipse.lsp4j.MessageType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Where joined documents live on disk ({@code docs/user-guide.md}, "What a join writes"). For one batch of synced
 * documents (all of a join, or one added later):
 *
 * <ol>
 *   <li><b>Plan</b>: each name becomes a path under the workspace (or, without one,
 *       {@code <dataDir>/workspace/<room>}) through {@link PathRules} — names that break a rule, files Weft never
 *       writes from a peer, symbolic links leading out, content that is not valid Unicode and local files that are
 *       not UTF-8 text are <em>skipped</em> with a reason; the others are new, unchanged, to overwrite, or open in
 *       the editor.</li>
 *   <li><b>Ask once</b> ({@link JoinPrompt}): on a join's first batch with new files for a workspace folder that
 *       already holds files, or whenever a local file would be overwritten: one prompt lists what will be written,
 *       what to look at first and what is refused. "Write" writes here; "Cancel" (first batch only) writes
 *       nothing ({@link JoinCancelledException}); anything else puts the new and differing files under
 *       {@code .weft/<room>/} (same rules), and so do the room's later documents ({@code Room.writeFolder}). Of
 *       names equal after case folding and NFC, only one is written.</li>
 *   <li><b>Write</b> each file without following a symbolic link (a new file only if nothing appeared there; never
 *       over a file with other hard links); a write that fails skips that document only.</li>
 *   <li><b>Open</b>: a document the editor has open is bound (after its own prompt if its text differs); the
 *       others are shown with {@code window/showDocument}. Skipped documents are reported in the join result and
 *       in one warning.</li>
 * </ol>
 */
final class FileMaterialiser {
    private static final Logger LOG = Logger.getLogger(FileMaterialiser.class.getName());
    static final String OVERWRITE = JoinPrompt.OVERWRITE;
    static final String SEPARATE_FOLDER = JoinPrompt.SEPARATE_FOLDER;

    private final SessionConfig config;
    private final EditorClient editor;
    private final OpenDocuments open;
    private final DocumentLinker linker;
    private final JoinPrompt prompt;

    FileMaterialiser(SessionConfig config, EditorClient editor, OpenDocuments open, DocumentLinker linker) {
        this.prompt = new JoinPrompt(editor);
        this.config = config;
        this.editor = editor;
        this.open = open;
        this.linker = linker;
    }

    /** One synced document to materialise. */
    record Synced(RoomDocument doc, String text) {
    }

    /** What happens to one document. */
    private enum Action { NEW, SAME, OVERWRITE, OPEN_IN_EDITOR }

    /** One planned write; {@code bytes} is the UTF-8 text (strictly encoded). */
    private record Planned(RoomDocument doc, String text, byte[] bytes, Path path, Action action) {
    }

    /** The user cancelled the join at its prompt; nothing was written. */
    static final class JoinCancelledException extends Exception {
        JoinCancelledException(String room) {
            super("join of room " + room + " cancelled: nothing was written");
        }
    }

    /**
     * Materialises a batch of synced documents of room {@code r}; sets each written document's
     * {@code localPath}; records skipped ones in {@code r.skipped}; the first batch of a room sets
     * {@code r.writeFolder}. The first written document takes the focus if {@code focusFirst}.
     *
     * @throws JoinCancelledException if the user answered "Cancel" to the join's prompt: nothing was written or
     *         opened (the caller leaves the room)
     */
    void materialise(Room r, List<Synced> docs, boolean focusFirst) throws JoinCancelledException {
        Path root = config.names().root() != null ? config.names().root()
                : config.journal().dataDir().resolve("workspace").resolve(r.id);
        Path separate = root.resolve(".weft").resolve(r.id);
        boolean firstBatch = r.writeFolder == null;
        Path base = firstBatch ? root : r.writeFolder;
        List<Planned> plan = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, String> twins = twinWinners(r, docs);
        for (Synced s : docs) {
            String winner = twins.get(PathValidator.caseFoldKey(s.doc().name));
            if (winner != null && !winner.equals(s.doc().name)) {
                skip(r, s.doc(), "'" + s.doc().name + "' differs from '" + winner + "' only in letter case or "
                        + "Unicode form: on macOS and Windows both would be one file", skipped);
                continue;
            }
            try {
                plan.add(plan(base, s.doc(), s.text()));
            } catch (UnsafeNameException | IOException e) {
                skip(r, s.doc(), e.getMessage(), skipped);
            }
        }
        List<Planned> created = plan.stream().filter(p -> p.action() == Action.NEW).toList();
        List<Planned> overwrites = plan.stream().filter(p -> p.action() == Action.OVERWRITE).toList();
        JoinPrompt.Choice choice = JoinPrompt.Choice.WRITE;
        if ((firstBatch && !created.isEmpty() && holdsUserFiles(base, root)) || !overwrites.isEmpty()) {
            List<String> refused = firstBatch ? r.skipped.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").toList() : skipped;
            choice = prompt.ask(r.id, base, names(created), names(overwrites), cautions(plan), refused, firstBatch);
        }
        if (choice == JoinPrompt.Choice.CANCEL) {
            throw new JoinCancelledException(r.id);
        }
        if (choice == JoinPrompt.Choice.SEPARATE) {
            plan = moveToSeparateFolder(r, plan, base, separate, skipped);
            if (!overwrites.isEmpty()) {
                editor.show(MessageType.Warning, separateCopyNotice(r, separate, overwrites));
            } else if (firstBatch) {
                editor.show(MessageType.Info, "Weft: the new files of room " + r.id + " are in "
                        + separate + "; your files in " + base + " are untouched.");
            }
        }
        if (firstBatch) {
            r.writeFolder = choice == JoinPrompt.Choice.SEPARATE ? separate : base;
        }
        boolean focus = focusFirst;
        for (Planned p : plan) {
            try {
                write(p);
            } catch (FileAlreadyExistsException e) {
                skip(r, p.doc(), "another file took the place of " + p.path() + " before it was written (a "
                        + "name that differs only in case or Unicode form on this disk?); left untouched", skipped);
                continue;
            } catch (IOException | RuntimeException e) {
                skip(r, p.doc(), "could not write " + p.path() + ": " + e, skipped);
                continue;
            }
            open(r, p, focus);
            focus = false;
        }
        if (!skipped.isEmpty()) {
            editor.show(MessageType.Warning, "Weft: " + skipped.size() + " shared document(s) of room " + r.id
                    + " were not written: " + JoinPrompt.list(skipped));
        }
    }

    /**
     * The new and differing files planned again under {@code separate}; if {@code base} is that folder already,
     * the differing ones are skipped (the local copy is kept).
     */
    private List<Planned> moveToSeparateFolder(Room r, List<Planned> plan, Path base, Path separate,
                                               List<String> skipped) {
        List<Planned> moved = new ArrayList<>();
        for (Planned p : plan) {
            if (p.action() != Action.OVERWRITE && p.action() != Action.NEW) {
                moved.add(p);
            } else if (base.equals(separate)) {
                if (p.action() == Action.NEW) {
                    moved.add(p);
                } else {
                    skip(r, p.doc(), "the local copy " + p.path() + " differs; kept at your request", skipped);
                }
            } else {
                try {
                    moved.add(plan(separate, p.doc(), p.text()));
                } catch (UnsafeNameException | IOException e) {
                    skip(r, p.doc(), e.getMessage(), skipped);
                }
            }
        }
        return moved;
    }

    /**
     * For each case-and-Unicode-folded name of the batch, the one document that may have it: one the room already
     * wrote, else the batch's smallest name (the same choice on every peer).
     */
    private static Map<String, String> twinWinners(Room r, List<Synced> docs) {
        Map<String, String> winners = new HashMap<>();
        for (RoomDocument rd : r.docs.values()) {
            if (rd.localPath != null) {
                winners.put(PathValidator.caseFoldKey(rd.name), rd.name);
            }
        }
        Map<String, String> batch = new HashMap<>();
        for (Synced s : docs) {
            batch.merge(PathValidator.caseFoldKey(s.doc().name), s.doc().name,
                    (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        batch.forEach(winners::putIfAbsent);
        return winners;
    }

    /**
     * True if {@code base} is the user's folder (the workspace, not a folder Weft made) and holds anything besides
     * Weft's own {@code .weft}.
     */
    private boolean holdsUserFiles(Path base, Path root) {
        if (config.names().root() == null || !base.equals(root) || !Files.isDirectory(base)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(base)) {
            return entries.anyMatch(e -> !e.getFileName().toString().equals(".weft"));
        } catch (IOException e) {
            return true;
        }
    }

    private static List<String> names(List<Planned> planned) {
        return planned.stream().map(p -> p.doc().name).sorted().toList();
    }

    /** "name (why)" of each file to write that deserves a look ({@link PathRules#caution}). */
    private static List<String> cautions(List<Planned> plan) {
        List<String> out = new ArrayList<>();
        for (Planned p : plan) {
            String why = p.action() == Action.NEW || p.action() == Action.OVERWRITE ? PathRules.caution(p.doc().name)
                    : null;
            if (why != null) {
                out.add(p.doc().name + " (" + why + ")");
            }
        }
        out.sort(String::compareTo);
        return out;
    }

    private Planned plan(Path base, RoomDocument rd, String text) throws UnsafeNameException, IOException {
        Path path = PathRules.resolve(base, rd.name);
        byte[] bytes;
        try {
            bytes = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text)).array();
        } catch (CharacterCodingException e) {
            throw new UnsafeNameException(rd.name, "the shared text of '" + rd.name + "' is not valid Unicode "
                    + "(an unpaired surrogate)");
        }
        bytes = trim(text, bytes);
        if (open.findByPath(path) != null) {
            return new Planned(rd, text, bytes, path, Action.OPEN_IN_EDITOR);
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeNameException(rd.name, "a folder named '" + rd.name + "' exists here");
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return new Planned(rd, text, bytes, path, Action.NEW);
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeNameException(rd.name, "the local " + path + " is not a regular file; left untouched");
        }
        byte[] local = Files.readAllBytes(path);
        if (Arrays.equals(local, bytes)) {
            return new Planned(rd, text, bytes, path, Action.SAME);
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(local));
        } catch (CharacterCodingException e) {
            throw new UnsafeNameException(rd.name, "the local file " + path + " is not UTF-8 text; left untouched");
        }
        Object links = hardLinks(path);
        if (links instanceof Integer n && n > 1) {
            throw new UnsafeNameException(rd.name, "the local file " + path + " has " + n + " hard links (it is "
                    + "also elsewhere); Weft does not write through them; left untouched");
        }
        return new Planned(rd, text, bytes, path, Action.OVERWRITE);
    }

    /** The encoder's array may be longer than its content. */
    private static byte[] trim(String text, byte[] encoded) {
        byte[] exact = text.getBytes(StandardCharsets.UTF_8);
        return exact.length == encoded.length ? encoded : exact;
    }

    /** The file's link count, or null where the file system does not tell. */
    private static Object hardLinks(Path path) {
        try {
            return Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return null;
        }
    }

    /** Writes a new file only if nothing is there yet; overwrites in place otherwise; never through a link. */
    private static void write(Planned p) throws IOException {
        if (p.action() == Action.NEW) {
            Files.createDirectories(p.path().getParent());
            Files.write(p.path(), p.bytes(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        } else if (p.action() == Action.OVERWRITE) {
            Files.write(p.path(), p.bytes(), StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        }
    }

    private void open(Room r, Planned p, boolean focus) {
        RoomDocument rd = p.doc();
        rd.localPath = p.path();
        OpenDocument od = p.action() == Action.OPEN_IN_EDITOR ? open.findByPath(p.path()) : null;
        if (od != null) {
            if (!od.text().equals(p.text()) && !OVERWRITE.equals(editor.ask(MessageType.Warning, "Weft: the local "
                    + "file " + rd.name + " differs from the shared one. Overwrite it with the shared version, or put "
                    + "the shared version in a separate folder (.weft/<room>/)?", List.of(OVERWRITE, SEPARATE_FOLDER)))) {
                LOG.info("keeping the editor's " + p.path() + " unshared at the user's request");
                editor.show(MessageType.Warning, "Weft: " + rd.name + " is not shared: your open buffer differs "
                        + "from the shared version (unsaved or offline changes) and you chose to keep it. The others "
                        + "do not see your changes to it. To work on the shared version, save your text elsewhere, "
                        + "close the buffer without saving and join room " + r.id + " again.");
                rd.localPath = null;
                return;
            }
            linker.bind(r, rd, od);
        } else {
            editor.showDocument(p.path(), focus);
        }
    }

    /**
     * What the user is told when the shared versions went to {@code .weft/<room>/}: where the second copy is, that
     * their own files are untouched and unshared, and what to do.
     */
    static String separateCopyNotice(Room r, Path folder, List<Planned> kept) {
        return "Weft: your local " + (kept.size() == 1 ? "file " : kept.size() + " files ")
                + JoinPrompt.list(kept.stream().map(p -> p.doc().name).toList()) + (kept.size() == 1 ? " differs" : " differ")
                + " from the shared version and " + (kept.size() == 1 ? "was" : "were") + " left as "
                + (kept.size() == 1 ? "it is" : "they are") + ". The shared copy of room " + r.id
                + " is in the second folder " + folder + ": edit the files there to work with the others (your own "
                + (kept.size() == 1 ? "file is" : "files are") + " not shared); copy your changes into them if the "
                + "others should see them.";
    }

    private static void skip(Room r, RoomDocument rd, String reason, List<String> skipped) {
        LOG.warning("not writing shared document '" + rd.name + "': " + reason);
        r.skipped.put(rd.name, reason);
        skipped.add(rd.name + " (" + reason + ")");
        r.docs.remove(rd.name, rd);
        rd.shared.close();
    }
}
