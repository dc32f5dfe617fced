package dev.weft.lsp.session;

import dev.weft.client.paths.PathRules;
import dev.weft.client.paths.UnsafeNameException;
import org.eclipse.lsp4j.MessageType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

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
 *   <li><b>Ask once</b>: if any local file would be overwritten, one prompt lists the new files and the files to
 *       overwrite; "Overwrite" overwrites them, anything else puts the shared versions under
 *       {@code .weft/<room>/} (same rules).</li>
 *   <li><b>Write</b> each file without following a symbolic link; a write that fails skips that document only.</li>
 *   <li><b>Open</b>: a document the editor has open is bound (after its own prompt if its text differs); the
 *       others are shown with {@code window/showDocument}. Skipped documents are reported in the join result and
 *       in one warning.</li>
 * </ol>
 */
final class FileMaterialiser {
    private static final Logger LOG = Logger.getLogger(FileMaterialiser.class.getName());
    static final String OVERWRITE = "Overwrite";
    static final String SEPARATE_FOLDER = "Use a separate folder";
    /** At most this many file names are listed in a prompt or message. */
    private static final int LISTED = 20;

    private final SessionConfig config;
    private final EditorClient editor;
    private final OpenDocuments open;
    private final DocumentLinker linker;

    FileMaterialiser(SessionConfig config, EditorClient editor, OpenDocuments open, DocumentLinker linker) {
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

    /**
     * Materialises a batch of synced documents of room {@code r}; sets each written document's
     * {@code localPath}; records skipped ones in {@code r.skipped}. The first written document takes the focus
     * if {@code focusFirst}.
     */
    void materialise(Room r, List<Synced> docs, boolean focusFirst) {
        Path base = config.names().root() != null ? config.names().root()
                : config.journal().dataDir().resolve("workspace").resolve(r.id);
        List<Planned> plan = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Synced s : docs) {
            try {
                plan.add(plan(base, s.doc(), s.text()));
            } catch (UnsafeNameException | IOException e) {
                skip(r, s.doc(), e.getMessage(), skipped);
            }
        }
        List<Planned> overwrites = plan.stream().filter(p -> p.action() == Action.OVERWRITE).toList();
        if (!overwrites.isEmpty() && !askOverwrite(r, plan, overwrites)) {
            Path separate = base.resolve(".weft").resolve(r.id);
            List<Planned> moved = new ArrayList<>();
            for (Planned p : plan) {
                if (p.action() != Action.OVERWRITE) {
                    moved.add(p);
                    continue;
                }
                try {
                    moved.add(plan(separate, p.doc(), p.text()));
                } catch (UnsafeNameException | IOException e) {
                    skip(r, p.doc(), e.getMessage(), skipped);
                }
            }
            plan = moved;
            editor.show(MessageType.Warning, separateCopyNotice(r, base, overwrites));
        }
        boolean focus = focusFirst;
        for (Planned p : plan) {
            try {
                write(p);
            } catch (IOException | RuntimeException e) {
                skip(r, p.doc(), "could not write " + p.path() + ": " + e, skipped);
                continue;
            }
            open(r, p, focus);
            focus = false;
        }
        if (!skipped.isEmpty()) {
            editor.show(MessageType.Warning, "Weft: " + skipped.size() + " shared document(s) of room " + r.id
                    + " were not written: " + list(skipped));
        }
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
        return new Planned(rd, text, bytes, path, Action.OVERWRITE);
    }

    /** The encoder's array may be longer than its content. */
    private static byte[] trim(String text, byte[] encoded) {
        byte[] exact = text.getBytes(StandardCharsets.UTF_8);
        return exact.length == encoded.length ? encoded : exact;
    }

    private static void write(Planned p) throws IOException {
        if (p.action() == Action.NEW || p.action() == Action.OVERWRITE) {
            Files.createDirectories(p.path().getParent());
            Files.write(p.path(), p.bytes(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
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
    static String separateCopyNotice(Room r, Path base, List<Planned> kept) {
        Path folder = base.resolve(".weft").resolve(r.id);
        return "Weft: your local " + (kept.size() == 1 ? "file " : kept.size() + " files ")
                + list(kept.stream().map(p -> p.doc().name).toList()) + (kept.size() == 1 ? " differs" : " differ")
                + " from the shared version and " + (kept.size() == 1 ? "was" : "were") + " left as "
                + (kept.size() == 1 ? "it is" : "they are") + ". The shared copy of room " + r.id
                + " is in the second folder " + folder + ": edit the files there to work with the others (your own "
                + (kept.size() == 1 ? "file is" : "files are") + " not shared); copy your changes into them if the "
                + "others should see them.";
    }

    /** One prompt for the whole batch: the new files and the files that would be overwritten. */
    private boolean askOverwrite(Room r, List<Planned> plan, List<Planned> overwrites) {
        List<String> created = plan.stream().filter(p -> p.action() == Action.NEW).map(p -> p.doc().name).toList();
        String message = "Weft: joining room " + r.id + " writes "
                + (created.isEmpty() ? "" : created.size() + " new file(s) (" + list(created) + ") and ")
                + "overwrites " + overwrites.size() + " local file(s) that differ from the shared ones ("
                + list(overwrites.stream().map(p -> p.doc().name).toList()) + "). Overwrite them with the shared "
                + "versions, or put the shared versions in a separate folder (.weft/" + r.id + "/)?";
        return OVERWRITE.equals(editor.ask(MessageType.Warning, message, List.of(OVERWRITE, SEPARATE_FOLDER)));
    }

    private static void skip(Room r, RoomDocument rd, String reason, List<String> skipped) {
        LOG.warning("not writing shared document '" + rd.name + "': " + reason);
        r.skipped.put(rd.name, reason);
        skipped.add(rd.name + " (" + reason + ")");
        r.docs.remove(rd.name, rd);
        rd.shared.close();
    }

    private static String list(List<String> items) {
        String shown = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
        return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
    }
}
