package dev.weft.lsp.session;

import org.eclipse.lsp4j.MessageType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one question a join asks before it writes into a folder ({@code docs/user-guide.md}, "What a join writes"):
 * what it will write (how many new files and the first names, the local files it would overwrite, the files worth
 * a look before building because they run commands or are hidden, and what it refuses), and where. One
 * {@code window/showMessageRequest}; the first action writes, the second puts the room's files in a separate
 * folder, the third (offered for a whole join only) cancels it.
 *
 * <pre>{@code
 * Choice c = prompt.ask(room, folder, List.of("a.txt", "Makefile"), List.of(), List.of("Makefile (runs commands …)"),
 *         List.of(".envrc (…)"), true);
 * }</pre>
 */
final class JoinPrompt {
    /** The answer to a prompt. */
    enum Choice {
        /** Write here (new files, and overwrite the listed ones). */
        WRITE,
        /** Put the new and the differing files under {@code .weft/<room>/}. */
        SEPARATE,
        /** Write nothing and leave the room. */
        CANCEL
    }

    static final String SEPARATE_FOLDER = "Use a separate folder";
    static final String CANCEL = "Cancel";
    static final String OVERWRITE = "Overwrite";
    /** At most this many names are listed per kind. */
    static final int LISTED = 10;

    private final EditorClient editor;

    JoinPrompt(EditorClient editor) {
        this.editor = editor;
    }

    /**
     * Asks once.
     *
     * @param created     names of the new files
     * @param overwritten names of the local files that differ and would be overwritten
     * @param cautioned   "name (why)" of the written files worth a look
     * @param refused     "name (why)" of the documents that will not be written
     * @param cancellable whether "Cancel" is offered (a whole join; not a document added later)
     * @return the choice; {@link Choice#SEPARATE} if the editor cannot ask, the user dismissed the prompt or gave an
     *         answer that is not one of the actions
     */
    Choice ask(String room, Path folder, List<String> created, List<String> overwritten, List<String> cautioned,
               List<String> refused, boolean cancellable) {
        StringBuilder m = new StringBuilder("Weft: joining room ").append(room).append(" writes into ")
                .append(folder).append(", which already holds your files. ");
        if (!created.isEmpty()) {
            m.append(created.size()).append(" new file(s): ").append(list(created)).append(". ");
        }
        if (!overwritten.isEmpty()) {
            m.append("It overwrites ").append(overwritten.size()).append(" local file(s) that differ: ")
                    .append(list(overwritten)).append(". ");
        }
        if (!cautioned.isEmpty()) {
            m.append("Look at these before you build or run anything: ").append(list(cautioned)).append(". ");
        }
        if (!refused.isEmpty()) {
            m.append("Not written: ").append(list(refused)).append(". ");
        }
        m.append("Write here, put the room's files in a separate folder (.weft/").append(room).append("/)")
                .append(cancellable ? ", or cancel the join?" : "?");
        String write = writeTitle(created.size(), overwritten.size());
        List<String> actions = new ArrayList<>(List.of(write, SEPARATE_FOLDER));
        if (cancellable) {
            actions.add(CANCEL);
        }
        String answer = editor.ask(MessageType.Warning, m.toString(), actions);
        if (write.equals(answer)) {
            return Choice.WRITE;
        }
        return cancellable && CANCEL.equals(answer) ? Choice.CANCEL : Choice.SEPARATE;
    }

    /** "Write 3 files", "Overwrite", "Write 3, overwrite 1". */
    static String writeTitle(int created, int overwritten) {
        if (overwritten == 0) {
            return "Write " + created + (created == 1 ? " file" : " files");
        }
        return created == 0 ? OVERWRITE : "Write " + created + ", overwrite " + overwritten;
    }

    /** The first {@link #LISTED} items, then how many more. */
    static String list(List<String> items) {
        String shown = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
        return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
    }
}
