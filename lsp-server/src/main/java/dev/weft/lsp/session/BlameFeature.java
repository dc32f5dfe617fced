package dev.weft.lsp.session;

import dev.weft.client.git.Attribution;
import dev.weft.client.git.GitRepo;
import dev.weft.lsp.customservice.WeftProtocol;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code weft.blame}: for each line of a shared file's current text, the authors of its uncommitted characters
 * ({@code docs/git.md}, "Authorship"; the same answer as {@code bin/weft blame}).
 */
final class BlameFeature {
    private final CurrentRoom room;

    BlameFeature(CurrentRoom room) {
        this.room = room;
    }

    /** Runs on the session thread. */
    WeftProtocol.BlameResult blame(WeftProtocol.UriArgs args) throws Exception {
        if (args == null || args.uri == null || args.uri.isBlank()) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, WeftProtocol.BLAME + " needs {\"uri\"}");
        }
        WorkspaceRoom ws = Authorship.workspaceOf(room.get(), WeftProtocol.BLAME);
        WorkspaceRoom.Root root = Authorship.roots(ws, args.uri).get(0);
        Path file = Authorship.path(args.uri);
        Attribution a;
        try (GitRepo repo = Authorship.repo(root.dir())) {
            String head = repo.headText(repo.relative(file));
            a = Authorship.files(root, Authorship.log(ws)).attribution(file, head == null ? "" : head);
        }
        if (a == null) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, args.uri + " is not a shared text file");
        }
        WeftProtocol.BlameResult res = new WeftProtocol.BlameResult();
        res.uri = args.uri;
        List<List<String>> authors = a.lineAuthors();
        for (int i = 0; i < authors.size(); i++) {
            res.lines.add(new WeftProtocol.BlameLine(i, authors.get(i)));
        }
        return res;
    }

    /**
     * The hover of a plain client (one without a Weft plugin, {@code docs/git.md}, "Editors") on line {@code line}
     * of {@code uri}: who typed the line's uncommitted characters, or null when nobody did or the file has no
     * authorship (not in a shared workspace, not in a git repository).
     */
    Hover hover(String uri, int line) {
        Room r = room.get();
        if (r == null || r.workspace == null) {
            return null;
        }
        WeftProtocol.UriArgs args = new WeftProtocol.UriArgs();
        args.uri = uri;
        List<String> authors;
        try {
            List<WeftProtocol.BlameLine> lines = blame(args).lines;
            authors = line >= 0 && line < lines.size() ? lines.get(line).authors : List.of();
        } catch (Exception e) {
            return null;
        }
        if (authors.isEmpty()) {
            return null;
        }
        List<String> names = authors.stream().map(a -> a.equals(Attribution.UNKNOWN) ? "someone unknown" : a)
                .toList();
        return new Hover(new MarkupContent(MarkupKind.MARKDOWN, "**Weft**: uncommitted changes on this line typed by "
                + String.join(", ", names)));
    }
}
